// `marketfeed demo` as a user runs it (real processes, the actual CLI): it runs until
// --duration or a signal, whenever the signal comes, then every child has exited 0, none
// is left running and the segment is gone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STOP_GRACE_MS } from '../../runtime/demo/demo-process.ts';
import { killLeftoverProcesses, runCli, runCliToEnd, type CliRun } from '../helpers/cli.ts';
import { makeShmDir, removeShmDir } from '../helpers/shm-dir.ts';

let dir: string;
const demoPids: number[] = [];
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(async () => {
  await killLeftoverProcesses();
  // A failed test may leave a demo's children (their own process group) behind.
  for (const pid of demoPids.splice(0)) for (const child of processesOfFeed(feedOf(pid))) process.kill(child, 'SIGKILL');
});
afterAll(() => removeShmDir(dir));

interface DemoSummary {
  exitCodes: Array<number | null>;
  children: Array<{ name: string; code: number | null; signal: NodeJS.Signals | null; started: boolean }>;
  segmentRemoved: boolean;
  stopReason: string;
  publisher: { stopReason: string } | null;
  consumers: Array<{ records: number; stopReason: string } | null>;
  plan: { publisher: { idle: string }; consumers: Array<{ idle: string }> };
}

/** The demo names its feed after its own pid; every child has it on its command line. */
function feedOf(demoPid: number): string {
  return `demo-${demoPid}`;
}

/** Live processes (the demo's children) with the feed on their command line. */
function processesOfFeed(feed: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = fs.readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (args.includes(feed)) pids.push(Number(entry));
  }
  return pids;
}

function startDemo(args: readonly string[], options: { detached?: boolean; shmDir?: string } = {}): CliRun {
  const run = runCli(['demo', '--json', '--shm-dir', options.shmDir ?? dir, ...args], {}, { detached: options.detached ?? false });
  demoPids.push(run.child.pid!);
  return run;
}

/** Waits (polling) for a stderr line matching pattern: with --json the demo's own lines go to stderr. */
async function waitForLine(run: CliRun, pattern: RegExp): Promise<void> {
  let exited = false;
  void run.exit.then(() => (exited = true));
  while (!run.stderr.some((line) => pattern.test(line))) {
    if (exited) throw new Error(`demo exited before printing ${String(pattern)}; stderr:\n${run.stderr.join('\n')}`);
    await sleep(10);
  }
}

/** Polls condition until it holds (true) or limitMs has passed (false). */
async function waitUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Exit 0, every child exited 0, the segment is gone, nothing left running. groupSignal:
 * a signal sent to the whole process group, which may also have reached a child in the
 * instant between its fork and its leaving the group (it then never ran).
 */
async function expectCleanStop(run: CliRun, groupSignal?: NodeJS.Signals): Promise<DemoSummary> {
  const { code, signal } = await run.exit;
  const stderr = run.stderr.join('\n');
  expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
  const summary = run.summary() as unknown as DemoSummary;
  expect(summary.children.map((child) => child.name)).toEqual(['publisher', 'consumer-a', 'consumer-b']);
  for (const child of summary.children) {
    const hitWhileForked = groupSignal !== undefined && child.signal === groupSignal && !child.started;
    if (!hitWhileForked) expect(child, stderr).toMatchObject({ code: 0, signal: null, started: true });
  }
  expect(summary.segmentRemoved).toBe(true);
  expect(stderr).not.toMatch(/removed by the demo/);
  expect(processesOfFeed(feedOf(run.child.pid!))).toEqual([]);
  expect(fs.readdirSync(dir)).toEqual([]);
  return summary;
}

describe('marketfeed demo', () => {
  it('runs past the stop grace period until --duration, then every child exits 0 and the publisher removes the segment', async () => {
    const durationS = DEMO_STOP_GRACE_MS / 1000 + 2;
    const run = startDemo(['--duration', String(durationS)]);
    const summary = await expectCleanStop(run);
    expect(summary.stopReason).toBe('duration');
    expect(summary.exitCodes).toEqual([0, 0, 0]);
    expect(run.stderr.join('\n')).toMatch(/removed by the publisher/);
    // Each child stopped because the demo asked it to, not by itself, and consumers read.
    expect(summary.publisher?.stopReason).toBe('SIGTERM');
    for (const consumer of summary.consumers) {
      expect(consumer?.stopReason).toBe('SIGTERM');
      expect(consumer?.records).toBeGreaterThan(0);
    }
    expect(run.stderr.filter((line) => line.startsWith('['))).not.toHaveLength(0);
    expect(run.stderr.join('\n')).toMatch(/busy-spinning process/);
  }, 120_000);

  // A signal to the demo alone (kill PID) or to its whole process group (a terminal's
  // Ctrl-C), at any moment after it has said what it will run: while the children are
  // still loading (the publisher took over 3 s to start on a busy machine), while they
  // run, and again while they stop.
  it('stops cleanly on SIGINT or SIGTERM at any moment, to it alone or to its process group, once or twice', async () => {
    const signalCase = fc.record({
      signal: fc.constantFrom<NodeJS.Signals>('SIGINT', 'SIGTERM'),
      target: fc.constantFrom<'demo' | 'group'>('demo', 'group'),
      delayMs: fc.integer({ min: 0, max: 4000 }),
      againAfterMs: fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(signalCase, async ({ signal, target, delayMs, againAfterMs }) => {
        const run = startDemo([], { detached: true });
        const pid = run.child.pid!;
        const send = (): void => void process.kill(target === 'group' ? -pid : pid, signal);
        await waitForLine(run, /^marketfeed demo:/);
        await sleep(delayMs);
        send();
        if (againAfterMs !== undefined) {
          await sleep(againAfterMs);
          if (run.child.exitCode === null && run.child.signalCode === null) send();
        }
        const summary = await expectCleanStop(run, target === 'group' ? signal : undefined);
        expect(summary.stopReason).toBe(signal);
      }),
      {
        seed: 20_251_010,
        numRuns: 6,
        endOnFailure: true,
        examples: [
          [{ signal: 'SIGTERM', target: 'demo', delayMs: 0, againAfterMs: undefined }],
          [{ signal: 'SIGINT', target: 'group', delayMs: 0, againAfterMs: undefined }],
          [{ signal: 'SIGINT', target: 'group', delayMs: 0, againAfterMs: 0 }],
          [{ signal: 'SIGTERM', target: 'group', delayMs: 300, againAfterMs: 200 }],
        ],
      },
    );
  }, 300_000);

  // From its spawn on: while Node starts (no handler yet: the signal's default action,
  // before anything is started), while it measures the CPU load (nothing to start any
  // more), while it starts the children.
  it('never leaves a half-started demo behind, whenever the signal comes after its spawn', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<NodeJS.Signals>('SIGINT', 'SIGTERM'), fc.integer({ min: 0, max: 2500 }), async (signal, delayMs) => {
        const run = startDemo([], { detached: true });
        const pid = run.child.pid!;
        await sleep(delayMs);
        process.kill(-pid, signal);
        const exit = await run.exit;
        const stderr = run.stderr.join('\n');
        if (exit.signal === signal) {
          // Killed before it could handle the signal: it had not printed its plan, so started nothing.
          expect(stderr).toBe('');
        } else {
          expect(exit.code, stderr).toBe(0);
          const summary = run.summary() as unknown as DemoSummary;
          expect(summary.stopReason).toBe(signal);
          for (const child of summary.children) if (child.signal !== signal || child.started) expect(child).toMatchObject({ code: 0 });
        }
        expect(processesOfFeed(feedOf(pid))).toEqual([]);
        expect(fs.readdirSync(dir)).toEqual([]);
      }),
      { seed: 20_251_011, numRuns: 6, endOnFailure: true },
    );
  }, 180_000);

  it('stops the others when a child fails by itself, names it, and exits 1 with nothing left running', async () => {
    const notADirectory = path.join(dir, 'not-a-directory');
    fs.writeFileSync(notADirectory, '');
    try {
      const run = startDemo([], { shmDir: notADirectory });
      const { code } = await run.exit;
      const stderr = run.stderr.join('\n');
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/(publisher|consumer-[ab]) exited by itself with code 1; stopping the others/);
      expect(processesOfFeed(feedOf(run.child.pid!))).toEqual([]);
      // A child already stopping on its own error takes the demo's SIGTERM as the stop it
      // is doing, not as a second signal that makes it exit at once (130) without clean-up.
      expect(stderr).not.toMatch(/second signal/);
      expect((run.summary() as unknown as DemoSummary).exitCodes).toEqual([1, 1, 1]);
      // Each child's failure is shown once: its plain `marketfeed <command>: …` line, not
      // its fatal log line as well.
      const failures = run.stderr.filter((line) => /^\s*\[[\w-]+\] marketfeed [a-z ]+: /.test(line));
      expect(failures, stderr).not.toHaveLength(0);
      for (const failure of failures) {
        const [, child, message] = /^\s*(\[[\w-]+\]) marketfeed [a-z ]+: (.*)$/.exec(failure)!;
        expect(run.stderr.filter((line) => line.trimStart().startsWith(child) && line.includes(message)), stderr).toHaveLength(1);
      }
    } finally {
      fs.rmSync(notADirectory);
    }
  }, 120_000);

  // The demo killed outright (kill -9, the OOM killer, a crash) runs no clean-up of its own:
  // each child, started with --stop-with-parent, sees its parent gone and stops as on
  // SIGTERM, so nothing keeps spinning and the publisher removes the segment.
  it('leaves nothing running when it is killed with SIGKILL: every child stops and the segment is removed', async () => {
    const run = startDemo(['--busy-spin', 'no'], { detached: true });
    const pid = run.child.pid!;
    const feed = feedOf(pid);
    // Every child running: the publisher publishing and both consumers reading.
    await waitForLine(run, /publisher [\d,]+\/s \| consumer-a [\d,]+\/s p50 .* \| consumer-b [\d,]+\/s p50 /);
    expect(processesOfFeed(feed)).toHaveLength(3);
    expect(fs.readdirSync(dir)).toEqual([feed]);
    process.kill(pid, 'SIGKILL');
    expect(await run.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const gone = await waitUntil(() => processesOfFeed(feed).length === 0 && !fs.existsSync(path.join(dir, feed)), 60_000);
    expect(gone, `still running: ${processesOfFeed(feed).join(', ')}; segment left: ${fs.existsSync(path.join(dir, feed))}`).toBe(true);
  }, 120_000);

  it('runs its children on its own settings, whatever MARKETFEED_* variables its environment has', async () => {
    // Read by the demo (MARKETFEED_DURATION), and by publish and consume if they inherited them.
    const run = runCli(['demo', '--json', '--shm-dir', dir], { MARKETFEED_DURATION: '2', MARKETFEED_COUNT: '1', MARKETFEED_METRICS_PORT: '1', LOG_LEVEL: 'error' });
    demoPids.push(run.child.pid!);
    const summary = await expectCleanStop(run);
    expect(summary.stopReason).toBe('duration');
  }, 60_000);

  it('stops its children cleanly when the reader of its output goes away (npm start | head)', async () => {
    const run = runCli(['demo', '--shm-dir', dir]);
    const pid = run.child.pid!;
    demoPids.push(pid);
    while (run.stdout.length === 0) await sleep(10);
    run.child.stdout!.destroy();
    const { code, signal } = await run.exit;
    expect({ code, signal }, run.stderr.join('\n')).toEqual({ code: 0, signal: null });
    expect(processesOfFeed(feedOf(pid))).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('takes the same --rate syntax as publish (1M, 250k, max)', async () => {
    const run = await runCliToEnd(['demo', '--rate', '1M', '--duration', '0.5', '--json', '--shm-dir', dir]);
    expect(run.code, run.stderr.join('\n')).toBe(0);
    expect(run.stderr.join('\n')).toMatch(/100 instruments at 1,000,000 quotes\/s/);
    const refused = await runCliToEnd(['demo', '--rate', '0']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.join('\n')).toMatch(/marketfeed demo: --rate must be a positive rate or "max"/);
  }, 60_000);

  // Whatever the load: with yes, every core but one spins (the 3 processes at most).
  const cpus = os.availableParallelism();
  const spinnersIfYes = Math.min(3, cpus - 1);
  it.each([
    ['no', 0, /0 busy-spinning processes \(--busy-spin no\)/],
    ['yes', spinnersIfYes, new RegExp(`${spinnersIfYes} busy-spinning process(es)? \\(--busy-spin yes: one core kept for the rest of ${cpus} CPUs, load not measured\\)`)],
  ])('--busy-spin %s overrides the load-based plan and says so', async (policy, spinners, planLine) => {
    const run = startDemo(['--busy-spin', policy, '--duration', '0.1']);
    const summary = await expectCleanStop(run);
    const idles = [summary.plan.publisher, ...summary.plan.consumers].map((p) => p.idle);
    expect(idles.filter((idle) => idle === 'busy-spin')).toHaveLength(spinners);
    expect(run.stderr.join('\n')).toMatch(planLine);
  }, 60_000);

  it('refuses an unknown --busy-spin value', async () => {
    const run = await runCliToEnd(['demo', '--busy-spin', 'maybe']);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/marketfeed demo: --busy-spin must be one of auto, yes, no, got "maybe"/);
  });
});
