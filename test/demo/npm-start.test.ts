// `npm start` as a user runs it: npm starts a shell that starts the demo. A SIGTERM sent to
// the npm process alone (a supervisor, `kill <npm's pid>`) must reach the demo, which then
// stops cleanly; the shell must not die on it and leave the demo running orphaned. A
// terminal's Ctrl-C (SIGINT to the whole process group) stops it cleanly too.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killProcessesMentioning, processesMentioning } from '../helpers/processes.ts';
import { makeShmDir, removeShmDir } from '../helpers/shm-dir.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(() => killProcessesMentioning(dir));
afterAll(() => removeShmDir(dir));

interface NpmRun {
  pid: number;
  stdout: string[];
  stderr: string[];
  /** npm's exit: it exits once its script has (a demo orphaned by a dead shell keeps running). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every output pipe closed: nothing that inherited them is left. */
  closed: Promise<void>;
}

/** `npm start -- --json --shm-dir <dir> --duration 600` leading its own process group. */
function npmStart(): NpmRun {
  const env = { ...process.env };
  // npm's lifecycle variables from the outer `npx vitest` would leak into the inner npm.
  for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_cache') delete env[key];
  const child = spawn('npm', ['start', '--', '--json', '--shm-dir', dir, '--duration', '600'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { pid: child.pid!, stdout, stderr, exit, closed };
}

/** Waits until every child of the demo runs: its live line names the three of them. */
async function waitUntilRunning(run: NpmRun): Promise<void> {
  let exited = false;
  void run.exit.then(() => (exited = true));
  while (!run.stderr.some((line) => /publisher [\d,]+\/s \| consumer-a [\d,]+\/s p50 .* \| consumer-b [\d,]+\/s p50 /.test(line))) {
    if (exited) throw new Error(`npm start exited before the demo ran; stderr:\n${run.stderr.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectCleanStop(run: NpmRun, stopReason: NodeJS.Signals): Promise<void> {
  const { code, signal } = await run.exit;
  expect({ code, signal }, run.stderr.join('\n')).toEqual({ code: 0, signal: null });
  expect(processesMentioning(dir)).toEqual([]);
  await run.closed;
  const summary = JSON.parse(run.stdout.findLast((line) => line.startsWith('{')) ?? 'null') as { stopReason: string; exitCodes: number[] } | null;
  expect(summary).toMatchObject({ stopReason, exitCodes: [0, 0, 0] });
  expect(fs.readdirSync(dir)).toEqual([]);
}

describe('npm start', () => {
  it('stops cleanly on a SIGTERM sent to the npm process alone: the signal reaches the demo', async () => {
    const run = npmStart();
    await waitUntilRunning(run);
    process.kill(run.pid, 'SIGTERM');
    await expectCleanStop(run, 'SIGTERM');
  }, 120_000);

  it("stops cleanly on SIGINT to the whole process group (a terminal's Ctrl-C)", async () => {
    const run = npmStart();
    await waitUntilRunning(run);
    process.kill(-run.pid, 'SIGINT');
    await expectCleanStop(run, 'SIGINT');
  }, 120_000);
});
