// What a user of the published package does, with the tarball `npm pack` makes: install it
// into an empty project and run `npx marketfeed --help`, `npx marketfeed publish --duration 1`
// and `npx marketfeed operator --help` (the operator's bundle), then import the library and type-check an import of
// it. Under node_modules Node refuses to strip types, so this passes only if the package runs
// compiled JavaScript and ships everything the CLI loads. Dependencies come from the npm
// cache when it has them (--prefer-offline); the addon is built by the package's own
// install script, as in the user's project.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Node 24 (the one running the tests) first on PATH, as for a user on Node 24. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
  // npm's lifecycle variables from the outer `npx vitest` would leak into the inner npm.
  for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_cache') delete env[key];
  // node-gyp builds against the local headers when the machine has them, as .ci/run does.
  if (fs.existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
  return env;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

function describeRun(result: Run): string {
  return `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-packed-'));
const project = path.join(work, 'project');
let packedFiles: string[] = [];

beforeAll(async () => {
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work], root);
  expect(pack.code, describeRun(pack)).toBe(0);
  const [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packedFiles = packed.files.map((file) => file.path);

  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true, type: 'module' }, null, 2));
  const install = await run('npm', ['install', path.join(work, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], project);
  expect(install.code, describeRun(install)).toBe(0);
}, 600_000);

afterAll(() => fs.promises.rm(work, { recursive: true, force: true }), 300_000);

describe(`the packed ${packageJson.name} tarball installed into an empty project`, () => {
  it('ships compiled JavaScript, not TypeScript sources, and the addon sources its install script builds', () => {
    expect(packedFiles).toContain('dist/runtime/cli/marketfeed.js');
    expect(packedFiles).toContain('dist/operator/run-operator.js');
    expect(packedFiles).toContain('dist/bundle/marketfeed-operator.js');
    expect(packedFiles).toContain('binding.gyp');
    expect(packedFiles).toContain('runtime/native/marketfeed_native.c');
    expect(packedFiles.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  it('`npx marketfeed --help` lists the commands', async () => {
    const result = await run('npx', ['marketfeed', '--help'], project);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain('Usage: npx marketfeed <command>');
    expect(result.stdout).toContain('operator');
  });

  it('`npx marketfeed --version` prints the version of the package it was packed from', async () => {
    const result = await run('npx', ['marketfeed', '--version'], project);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toBe(`${packageJson.version}\n`);
  });

  it('`npx marketfeed publish --duration 1` publishes for a second and exits 0', async () => {
    // The feed, its directory and the TCP port are set through the environment so that the
    // command line is the user's and the run cannot collide with anything else on the machine.
    const shmDir = makeShmDir();
    try {
      const feed = uniqueFeed('packed');
      const env = userEnv({ MARKETFEED_SHM_DIR: shmDir, MARKETFEED_FEED: feed, MARKETFEED_TCP_PORT: String(await freePort()) });
      const result = await run('npx', ['marketfeed', 'publish', '--duration', '1'], project, env);
      expect(result.code, describeRun(result)).toBe(0);
      const summary = result.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; summary?: { records: number; stopReason: string } })
        .find((log) => log.msg === 'summary')?.summary;
      expect(summary, describeRun(result)).toBeDefined();
      expect(summary!.stopReason).toBe('duration');
      expect(summary!.records).toBeGreaterThan(0);
      expect(fs.readdirSync(shmDir)).toEqual([]);
    } finally {
      removeShmDir(shmDir);
    }
  });

  it('`npx marketfeed operator --help` loads the operator (operator/ and cdk8s/ are in the package)', async () => {
    const result = await run('npx', ['marketfeed', 'operator', '--help'], project);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain('Usage: npx marketfeed operator');
  });

  it('`npx marketfeed operator` runs the bundle: it answers with the compiled operator command gone', async () => {
    const installed = path.join(project, 'node_modules', packageJson.name);
    fs.rmSync(path.join(installed, 'dist', 'runtime', 'cli', 'commands', 'operator.js'));
    const operator = await run('npx', ['marketfeed', 'operator', '--help'], project);
    expect(operator.code, describeRun(operator)).toBe(0);
    expect(operator.stdout).toContain('Usage: npx marketfeed operator');
    // The compiled CLI, which every other command runs, no longer has it: the bundle answered.
    const help = await run(process.execPath, [path.join(installed, 'dist', 'runtime', 'cli', 'marketfeed.js'), 'operator', '--help'], project);
    expect(help.code, describeRun(help)).not.toBe(0);
  });

  it("the library's exports resolve: an import runs, and its types check", async () => {
    const script = [
      "import * as marketfeed from 'marketfeed';",
      "const book = new marketfeed.LimitOrderBook();",
      "book.add(1, 'buy', 100, 10);",
      "const encoder = new marketfeed.FixEncoder({ beginString: 'FIX.4.4' });",
      "encoder.begin('0').finish();",
      'const view = new marketfeed.FixParser().parse(encoder.toBuffer());',
      "console.log(JSON.stringify({ bid: book.bestBidPrice(), type: view.getString(35) }));",
    ].join('\n');
    fs.writeFileSync(path.join(project, 'use-library.ts'), script);
    const result = await run(process.execPath, ['use-library.ts'], project);
    expect(result.code, describeRun(result)).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual({ bid: 100, type: '0' });

    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const options = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2024', '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types')];
    const types = await run(process.execPath, [tsc, ...options, 'use-library.ts'], project);
    expect(types.stdout + types.stderr).toBe('');
    expect(types.code).toBe(0);
  });
});
