// `--help` as people read it: every command's help in columns that never run into each
// other, within 100 columns, with examples that run the CLI as `npx marketfeed`; usage on
// stderr with exit 2 when no command is given.
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatColumns } from '../../runtime/cli/help-layout.ts';
import { runCliToEnd } from '../helpers/cli.ts';
import { dataFiles } from '../helpers/shared-data.ts';

const packageVersion = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const WIDTH = 100;

async function commandNames(): Promise<string[]> {
  const run = await runCliToEnd(['--help']);
  const commands = run.stdout.slice(run.stdout.indexOf('Commands:') + 1);
  return commands.map((line) => /^ {2}([a-z]+(?: [a-z]+)?) {2,}/.exec(line)?.[1]).filter((name): name is string => name !== undefined);
}

/** The column where the descriptions of an options list start, and the problems of its lines. */
function optionColumnProblems(lines: string[]): string[] {
  const start = lines.findIndex((line) => line.startsWith('Options'));
  const options = lines.slice(start + 1, lines.indexOf('', start));
  const problems: string[] = [];
  let column: number | undefined;
  for (const line of options) {
    // A flag line: the flag and its value placeholder, then two spaces or more and the description, or nothing.
    const flag = /^ {2}--[a-z0-9-]+(?: [^ ]+)?(?: {2,}(?=\S)|$)/.exec(line);
    if (flag !== null) {
      if (flag[0].length === line.length) continue;
      column ??= flag[0].length;
      if (flag[0].length !== column) problems.push(`description not at column ${column}: ${line}`);
      continue;
    }
    // Otherwise a continuation of a description, indented to its column.
    if (column === undefined || !line.startsWith(' '.repeat(column)) || line[column] === ' ') problems.push(`not a flag and not a continuation: ${line}`);
  }
  return problems;
}

describe('marketfeed --help', () => {
  it('prints usage on stderr and exits 2 when no command is given, and help on stdout with 0 for --help', async () => {
    const bare = await runCliToEnd([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toEqual([]);
    expect(bare.stderr.join('\n')).toMatch(/Usage: npx marketfeed <command> \[options\][\s\S]*Commands:/);
    const help = await runCliToEnd(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toEqual([]);
    expect(help.stdout.join('\n')).toMatch(/Usage: npx marketfeed <command> \[options\][\s\S]*Commands:[\s\S]*consume shm/);
  });

  it('fits the command list in 100 columns, summaries aligned', async () => {
    const run = await runCliToEnd(['--help']);
    for (const line of run.stdout) expect(line.length, line).toBeLessThanOrEqual(WIDTH);
    expect(await commandNames()).toEqual(['demo', 'publish', 'consume shm', 'consume tcp', 'relay', 'record', 'replay', 'exchange', 'kill', 'fix decode', 'fix send', 'operator', 'audit show', 'audit verify']);
  });

  it("gives every command's help in columns that never run into each other, lines within 100 columns", async () => {
    const names = await commandNames();
    for (const name of names) {
      const run = await runCliToEnd([...name.split(' '), '--help']);
      expect(run.code, name).toBe(0);
      const lines = run.stdout;
      expect(lines[0], name).toBe(`Usage: npx marketfeed ${name} [options]`);
      for (const line of lines) expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(WIDTH);
      expect(optionColumnProblems(lines), name).toEqual([]);
      // Examples run the CLI the way that works everywhere.
      const examples = lines.slice(lines.indexOf('Examples:') + 1, lines.indexOf('', lines.indexOf('Examples:')));
      expect(examples.length, name).toBeGreaterThan(0);
      for (const example of examples) expect(example, name).toMatch(/^ {2}(npx marketfeed |[a-z]+ .*\| npx marketfeed )/);
      expect(lines.join('\n'), name).not.toMatch(/node runtime\/cli|marketfeed\.ts/);
    }
  });

  it('names in its examples only data files that exist (the LOBSTER sample is …_message_10.first998.csv)', async () => {
    // A .csv or .xml an example names is one of the sample data's (LOBSTER files, FIX dictionaries);
    // feed.mfcap or session.log stand for the user's own files.
    const data = new Set(['lobster', 'fix', 'itch'].flatMap((folder) => dataFiles(folder)).map((relative) => relative.split('/').at(-1)));
    const named: string[] = [];
    for (const name of await commandNames()) {
      const lines = (await runCliToEnd([...name.split(' '), '--help'])).stdout;
      const examples = lines.slice(lines.indexOf('Examples:') + 1);
      for (const example of examples) for (const [file] of example.matchAll(/[\w.-]+\.(?:csv|xml)\b/g)) named.push(`${name}: ${file}`);
    }
    expect(named).toContainEqual('replay: AAPL_2012-06-21_34200000_57600000_message_10.first998.csv');
    expect(named.filter((entry) => !data.has(entry.split(': ')[1]))).toEqual([]);
  });

  it('keeps a long value list apart from its description', async () => {
    const run = await runCliToEnd(['consume', 'shm', '--help']);
    const idle = run.stdout.findIndex((line) => line.startsWith('  --idle '));
    expect(run.stdout[idle]).toBe('  --idle busy-spin|yield|spin-yield|sleep');
    expect(run.stdout[idle + 1]).toMatch(/^ +what to do when there is nothing to do/);
  });

  it("shows the --name default as a pattern, not the help process's own pid", async () => {
    for (const command of [['consume', 'shm'], ['consume', 'tcp'], ['record']]) {
      const run = await runCliToEnd([...command, '--help']);
      const help = run.stdout.join('\n');
      expect(help).toContain('(default consumer-<pid>)');
      expect(help).not.toMatch(/consumer-\d/);
    }
  });

  it('lays out any rows in two columns that never touch, within the width, losing no word', () => {
    const word = fc.stringMatching(/^[a-z|<>.()-]{1,24}$/);
    const flag = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/), fc.option(fc.stringMatching(/^[A-Za-z|<>.-]{1,40}$/), { nil: undefined }));
    const row = fc.tuple(flag.map(([name, value]) => `--${name}${value === undefined ? '' : ` ${value}`}`), fc.array(word, { minLength: 1, maxLength: 40 }).map((w) => w.join(' ')));
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 12 }), (rows) => {
        const lines = formatColumns(rows);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(WIDTH);
        expect(optionColumnProblems(['Options:', ...lines, ''])).toEqual([]);
        const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');
        expect(words(lines.join(' '))).toEqual(rows.flatMap(([first, second]) => [...words(first), ...words(second)]));
      }),
    );
  });
});

describe('help for a group, help <command>, --version', () => {
  it('consume --help and fix --help list the commands of the group, one line each, exit 0', async () => {
    for (const [group, names] of [['consume', ['consume shm', 'consume tcp']], ['fix', ['fix decode', 'fix send']]] as const) {
      for (const flag of ['--help', '-h']) {
        const run = await runCliToEnd([group, flag]);
        expect(run.code, `${group} ${flag}`).toBe(0);
        expect(run.stderr).toEqual([]);
        expect(run.stdout[0]).toBe(`Usage: npx marketfeed ${group} <command> [options]`);
        const listed = run.stdout.map((line) => /^ {2}([a-z]+ [a-z]+) {2,}\S/.exec(line)?.[1]).filter((name) => name !== undefined);
        expect(listed).toEqual(names);
        expect(run.stdout.join('\n')).toContain(`Run \`npx marketfeed ${group} <command> --help\``);
      }
    }
    const consume = await runCliToEnd(['consume', '--help']);
    expect(consume.stdout.join('\n')).toMatch(/consume shm +read a feed from shared memory/);
  });

  it('a group alone is bad usage: its commands on stderr, then what is wrong, exit 2', async () => {
    const run = await runCliToEnd(['consume']);
    expect(run.code).toBe(2);
    expect(run.stdout).toEqual([]);
    expect(run.stderr.join('\n')).toMatch(/Usage: npx marketfeed consume <command> \[options\][\s\S]*consume shm[\s\S]*consume tcp/);
    expect(run.stderr.at(-1)).toBe('marketfeed: unknown command "consume": try npx marketfeed consume shm, npx marketfeed consume tcp');
  });

  it('help <command> prints what <command> --help prints; help <group> the group; help <unknown> is bad usage', async () => {
    for (const words of [['publish'], ['consume', 'shm'], ['consume'], ['fix', 'decode']]) {
      const viaHelp = await runCliToEnd(['help', ...words]);
      const viaFlag = await runCliToEnd([...words, '--help']);
      expect(viaHelp.code, words.join(' ')).toBe(0);
      expect(viaHelp.stdout, words.join(' ')).toEqual(viaFlag.stdout);
      expect(viaHelp.stdout[0]).toMatch(new RegExp(`^Usage: npx marketfeed ${words.join(' ')} `));
    }
    const unknown = await runCliToEnd(['help', 'nonsense']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.join('\n')).toMatch(/unknown command "nonsense"/);
  });

  it('--version and -V print the version of the package, exit 0', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCliToEnd([flag]);
      expect(run.code, flag).toBe(0);
      expect(run.stdout).toEqual([packageVersion]);
      expect(run.stderr).toEqual([]);
    }
    const help = await runCliToEnd(['--help']);
    expect(help.stdout.join('\n')).toMatch(/--version/);
  });
});
