// Logs a person can read on a terminal, JSON for machines: stderr on a terminal (a real
// pseudo-terminal from util-linux `script`) gets pino-pretty lines, a pipe gets JSON, and
// --log-format (or MARKETFEED_LOG_FORMAT) overrides both.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCpuList, readCpusAllowedList } from '../../runtime/cpu/cpu-list.ts';
import { cliCommandLine, runCliToEnd } from '../helpers/cli.ts';
import { duplicateJsonKeys } from '../helpers/json-duplicate-keys.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterAll(() => removeShmDir(dir));

/** A short publisher run's arguments. */
function publishArgs(...extra: string[]): string[] {
  return ['publish', '--feed', uniqueFeed('log'), '--shm-dir', dir, '--tcp-port', '0', '--count', '10', '--rate', '1000', '--idle', 'sleep', ...extra];
}

/** The environment of a run that sets neither NO_COLOR nor FORCE_COLOR unless asked to. */
function colourEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { NO_COLOR: undefined, FORCE_COLOR: undefined, ...env };
}

/** Runs the CLI with stdin, stdout and stderr on a pseudo-terminal; returns its lines, colours removed, and its raw output. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ lines: string[]; raw: string; code: number | null }> {
  const command = cliCommandLine(args);
  return new Promise((resolve) => {
    // -q: no banner, -e: the command's exit code, -f: flush as it comes; the typescript goes nowhere.
    const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...colourEnv(env) } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, raw: output, lines: stripVTControlCharacters(output).split(/\r?\n/).filter((line) => line !== '') }));
  });
}

const isJson = (line: string): boolean => line.startsWith('{') && line.endsWith('}');

describe('--log-format', () => {
  it('piped: JSON lines, one key once each', async () => {
    const run = await runCliToEnd(publishArgs());
    expect(run.code).toBe(0);
    expect(run.stderr.length).toBeGreaterThan(2);
    expect(run.stderr.every(isJson)).toBe(true);
    expect(run.stderr.flatMap(duplicateJsonKeys)).toEqual([]);
  });

  it('on a terminal: one readable line per event, time, level, name and message first, fields after', async () => {
    const { code, lines } = await onTerminal(publishArgs());
    expect(code).toBe(0);
    expect(lines.some(isJson)).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO \(publisher\/\d+\): publishing \{.*"mode":"broadcast"/));
    expect(lines.every((line) => /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] [A-Z]+ \(publisher\/\d+\): /.test(line))).toBe(true);
  });

  it('--log-format json on a terminal, and --log-format pretty or MARKETFEED_LOG_FORMAT=pretty in a pipe', async () => {
    const json = await onTerminal(publishArgs('--log-format', 'json'));
    expect(json.code).toBe(0);
    expect(json.lines.length).toBeGreaterThan(2);
    expect(json.lines.every(isJson)).toBe(true);
    for (const run of [await runCliToEnd(publishArgs('--log-format', 'pretty')), await runCliToEnd(publishArgs(), { MARKETFEED_LOG_FORMAT: 'pretty' })]) {
      expect(run.code).toBe(0);
      expect(run.stderr.some(isJson)).toBe(false);
      expect(run.stderr).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] INFO \(publisher\/\d+\): publishing \{/));
    }
  });

  // A person reads pretty logs: the error once, as the plain line, not also as a FATAL log
  // line saying the same. JSON logs keep their structured fatal line (for log collectors).
  it('a fatal error with pretty logs: the plain line once, no FATAL log line, no stack; JSON logs keep the fatal line', async () => {
    const allowed = new Set(parseCpuList(readCpusAllowedList()));
    const missing = [...Array(1024).keys()].find((cpu) => !allowed.has(cpu))!;
    const notAvailable = new RegExp(`CPU ${missing} is not available`);
    const { code, lines } = await onTerminal(publishArgs('--cpus', String(missing)));
    expect(code).toBe(1);
    expect(lines.filter((line) => notAvailable.test(line))).toEqual([lines.at(-1)]);
    expect(lines.at(-1)).toMatch(new RegExp(`^marketfeed publish: .*${notAvailable.source}`));
    expect(lines.filter((line) => / FATAL /.test(line))).toEqual([]);
    expect(lines.filter((line) => /^\s+at \S/.test(line))).toEqual([]);
    const piped = await runCliToEnd(publishArgs('--cpus', String(missing), '--log-format', 'pretty'));
    expect(piped.code).toBe(1);
    expect(piped.stderr.filter((line) => notAvailable.test(line))).toEqual([piped.stderr.at(-1)]);
    const json = await onTerminal(publishArgs('--cpus', String(missing), '--log-format', 'json'));
    expect(json.code).toBe(1);
    expect(json.lines.filter((line) => notAvailable.test(line)).map((line) => (isJson(line) ? (JSON.parse(line) as { level: number }).level : line))).toEqual([60, json.lines.at(-1)]);
  });

  // no-color.org and force-color.org, as Node's own output honours them: NO_COLOR (not empty)
  // turns colours off even on a terminal; FORCE_COLOR turns them on even into a pipe or file,
  // and FORCE_COLOR=0 turns them off.
  it('pretty logs honour NO_COLOR and FORCE_COLOR', async () => {
    const ESC = '\u001b[';
    const coloured = await onTerminal(publishArgs());
    expect(coloured.code).toBe(0);
    expect(coloured.raw).toContain(ESC);
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }]) {
      const plain = await onTerminal(publishArgs(), env);
      expect(plain.code, JSON.stringify(env)).toBe(0);
      expect(plain.lines, JSON.stringify(env)).toContainEqual(expect.stringMatching(/\] INFO \(publisher\/\d+\): publishing \{/));
      expect(plain.raw, JSON.stringify(env)).not.toContain(ESC);
    }
    const piped = await runCliToEnd(publishArgs('--log-format', 'pretty'), colourEnv({}));
    expect(piped.stderr.join('\n')).not.toContain(ESC);
    const forced = await runCliToEnd(publishArgs('--log-format', 'pretty'), colourEnv({ FORCE_COLOR: '1' }));
    expect(forced.code).toBe(0);
    expect(forced.stderr.join('\n')).toContain(ESC);
    expect(forced.stderr.map((line) => stripVTControlCharacters(line))).toContainEqual(expect.stringMatching(/^\[[\d:.]+\] INFO \(publisher\/\d+\): publishing \{/));
  });

  it('is an option of every command that logs', async () => {
    for (const command of [['publish'], ['replay'], ['consume', 'shm'], ['consume', 'tcp'], ['record'], ['operator']]) {
      const run = await runCliToEnd([...command, '--help']);
      expect(run.stdout.join('\n'), command.join(' ')).toMatch(/--log-format auto\|json\|pretty[\s\S]*MARKETFEED_LOG_FORMAT/);
    }
  });
});
