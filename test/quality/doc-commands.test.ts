// The commands the README, docs/*.md and the examples' header comments tell a user to type
// must work where the system Node is older than 24 (the project's Node 24 lives in
// node_modules): so no `node runtime/…` or bare `node examples/…` (ERR_UNKNOWN_FILE_EXTENSION
// on Node < 24), no bare `marketfeed` in a shell block (not on PATH in a clone), only
// `npx marketfeed …` and `npx node …`. Every sample file they name exists, and the documented
// commands that read the sample data run: through `sh`, with node_modules/.bin taken off
// PATH, so `node` is whatever the machine has and only npx can find Node 24.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA_DIRECTORY_LINE, DOCUMENTED_DATA_DIR, FETCH_COMMAND, dataFiles, dataPath, MissingDataError } from '../helpers/shared-data.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const DOCUMENTS = [
  'README.md',
  ...readdirSync(path.join(root, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`),
  ...readdirSync(path.join(root, 'examples')).map((file) => `examples/${file}`),
];
const SHELL_BLOCK = /^```(sh|bash|shell|console)\s*$/;
/** A data file as the docs name it (README "Test data"); the resolver finds where it really is. */
const DOCUMENTED_DATA = /\.\.\/shared\/data\/([\w./-]*[\w-])/g;

interface Line {
  where: string;
  text: string;
}

function linesOf(file: string): Line[] {
  return readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .map((text, index) => ({ where: `${file}:${index + 1}`, text }));
}

/** The lines inside ```sh (bash, shell, console) blocks of a Markdown file, without a `$ ` prompt. */
function shellLines(file: string): Line[] {
  if (!file.endsWith('.md')) return [];
  const out: Line[] = [];
  let inside = false;
  let fenced = false;
  for (const line of linesOf(file)) {
    if (line.text.startsWith('```')) {
      inside = !fenced && SHELL_BLOCK.test(line.text);
      fenced = !fenced;
      continue;
    }
    if (inside) out.push({ where: line.where, text: line.text.replace(/^\s*\$ /, '').trim() });
  }
  return out;
}

/** `node some/file.ts` that is not `npx node`, `npm exec -- node` or node_modules/.bin/node. */
const BARE_NODE_SCRIPT = /(?<!npx |npm exec -- |\.bin\/)\bnode\s+(?:--\S+\s+)*[\w./-]+\.(?:ts|mts|cts)\b/;

describe('documented command lines', () => {
  it('never run a .ts file with a bare `node` (fails on Node < 24): `npx node FILE.ts` runs the Node 24 of node_modules', () => {
    const bad = DOCUMENTS.flatMap(linesOf).filter((line) => BARE_NODE_SCRIPT.test(line.text));
    expect(bad.map((line) => `${line.where}: ${line.text.trim()}`)).toEqual([]);
  });

  it('run the CLI as `npx marketfeed …` in shell blocks, never a bare `marketfeed` (not on PATH in a clone)', () => {
    const bad = DOCUMENTS.flatMap(shellLines).filter((line) =>
      line.text
        .replace(/#.*$/, '')
        .split(/&&|\|\||[|;&]/)
        .some((command) => /^marketfeed\b/.test(command.trim())),
    );
    expect(bad.map((line) => `${line.where}: ${line.text}`)).toEqual([]);
  });

  it('name only sample files that exist (the LOBSTER sample is …_message_10.first998.csv)', () => {
    // Names are checked against the data manifest (README "Test data"), whose files dataPath finds or fails loudly on.
    const lobster = new Set(dataFiles('lobster').map((relative) => path.basename(relative)));
    const missing: string[] = [];
    for (const line of DOCUMENTS.flatMap(linesOf)) {
      for (const [name] of line.text.matchAll(/AAPL_[\w.-]+\.csv/g)) if (!lobster.has(name)) missing.push(`${line.where}: ${name}`);
      for (const [named, relative] of line.text.matchAll(DOCUMENTED_DATA)) if (!isKnownData(relative)) missing.push(`${line.where}: ${named}`);
    }
    expect(missing).toEqual([]);
  });
});

// Shell blocks' commands that read the sample data: run as written.
const runnable = DOCUMENTS.flatMap(shellLines).filter((line) => line.text.startsWith('npx ') && line.text.match(DOCUMENTED_DATA) !== null);
const shmDir = mkdtempSync(path.join(tmpdir(), 'doc-commands-'));
afterAll(() => rmSync(shmDir, { recursive: true, force: true }));

/** PATH without node_modules/.bin: `node` is the machine's own, as for a user in a fresh shell. */
function userPath(): string {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => !entry.includes(`node_modules${path.sep}.bin`) && !entry.includes(`node_modules${path.sep}node${path.sep}bin`))
    .join(path.delimiter);
}

describe('documented commands that read the sample data', () => {
  it('are there: a LOBSTER replay and the two trading-core examples', () => {
    expect(runnable.map((line) => line.text.split(' ').slice(0, 3).join(' ')).sort()).toEqual(
      expect.arrayContaining(['npx marketfeed replay', 'npx node examples/fix-order.ts', 'npx node examples/lobster-book.ts']),
    );
  });

  it.each(runnable.map((line) => [line.where, line.text]))('%s runs: %s', async (where, text) => {
    // Each ../shared/data/FILE becomes wherever the data resolver finds FILE (the download cache on GitHub).
    let command = text.replace(DOCUMENTED_DATA, (_, relative: string) => dataPath(relative));
    const replay = text.startsWith('npx marketfeed replay ');
    if (replay) {
      // Its own segment and no TCP port, so that it cannot meet another test's feed.
      expect(text).not.toMatch(/--(feed|shm-dir|tcp-port)\b/);
      command += ` --feed docs-${process.pid} --shm-dir ${shmDir} --tcp-port 0 --json`;
    }
    const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: root, env: { ...process.env, PATH: userPath() }, maxBuffer: 1 << 24 });
    if (replay) expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ records: 485, events: { rejected: 0 } });
    else expect(stdout.length, where).toBeGreaterThan(0);
  }, 60_000);
});

describe('the data directory in documented commands', () => {
  it('is explained once, in README "Test data": ../shared/data/ stands for the directory the last line of `npm run data` names', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Test data\n');
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(section).toContain(`\`${DOCUMENTED_DATA_DIR}\``);
    expect(section).toContain(`\`${FETCH_COMMAND}\``);
    expect(section).toContain(`\`${DATA_DIRECTORY_LINE} `);
    // Once: the other documents write the directory as ../shared/data/ and leave the explanation there.
    expect(DOCUMENTS.filter((file) => readFileSync(path.join(root, file), 'utf8').includes(DATA_DIRECTORY_LINE))).toEqual(['README.md']);
  });
});

/** A documented data path names a folder or a file of the data manifest; absent data fails loudly (MissingDataError). */
function isKnownData(relative: string): boolean {
  if (dataFiles(relative).length > 0) return true;
  try {
    dataPath(relative);
    return true;
  } catch (error) {
    if (error instanceof MissingDataError) throw error;
    return false;
  }
}
