// Real processes: the `marketfeed` CLI as publisher and consumers over a /dev/shm segment.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverProcesses, runCli, runCliToEnd, type CliRun } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(killLeftoverProcesses);
afterAll(() => removeShmDir(dir));

const SEED = 7;
const INSTRUMENTS = 50;
const verify = ['--verify-seed', String(SEED), '--verify-instruments', String(INSTRUMENTS)];
const generate = ['--seed', String(SEED), '--instruments', String(INSTRUMENTS)];

function feedArgs(feed: string): string[] {
  return ['--feed', feed, '--shm-dir', dir, '--json'];
}

function consumer(feed: string, ...extra: string[]): CliRun {
  return runCli(['consume', 'shm', ...feedArgs(feed), '--idle', 'spin-yield', ...verify, ...extra]);
}

function publisher(feed: string, ...extra: string[]): CliRun {
  return runCli(['publish', ...feedArgs(feed), '--idle', 'spin-yield', '--tcp-port', '0', ...generate, ...extra]);
}

/** The consumer's /metrics once it has counted a record (it attaches before the first arrives). */
async function metricsOnceReceiving(port: number): Promise<string> {
  for (;;) {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    if (/marketfeed_received_records_total\{[^}]*\} [1-9]/.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(run: CliRun, signal: NodeJS.Signals = 'SIGTERM'): Promise<Record<string, unknown>> {
  run.child.kill(signal);
  const { code } = await run.exit;
  expect(code, run.stderr.join('\n')).toBe(0);
  return run.summary();
}

describe('shared-memory feed across processes', () => {
  it('backpressure mode: 10 million records reach both consumers complete, in order and intact', async () => {
    const feed = uniqueFeed('bp');
    const consumers = [1, 2].map(() => consumer(feed, '--exit-on-end', '--latency-sample', '16'));
    await Promise.all(consumers.map((c) => c.waitForLog('waiting for the publisher to create the segment')));
    const pub = publisher(feed, '--mode', 'backpressure', '--consumers', '2', '--count', '10000000', '--rate', 'max', '--batch', '64');
    const [p, ...cs] = await Promise.all([pub, ...consumers].map(async (run) => ({ code: (await run.exit).code, run })));
    expect(p.code, p.run.stderr.join('\n')).toBe(0);
    expect(p.run.summary()).toMatchObject({ records: 10_000_000, mode: 'backpressure' });
    for (const c of cs) {
      expect(c.code, c.run.stderr.join('\n')).toBe(0);
      expect(c.run.summary()).toMatchObject({
        records: 10_000_000, firstSequence: 0, lastSequence: 9_999_999, gaps: 0, lost: 0, outOfOrder: 0, verified: 10_000_000, mismatches: 0, ended: true,
      });
    }
    expect(fs.existsSync(path.join(dir, feed))).toBe(false);
  });

  it('broadcast mode: lapped consumers get every record intact or count it as lost', async () => {
    const feed = uniqueFeed('bc');
    const count = 3_000_000;
    const consumers = [1, 2].map(() => consumer(feed, '--exit-on-end'));
    await Promise.all(consumers.map((c) => c.waitForLog('waiting for the publisher to create the segment')));
    const pub = publisher(feed, '--capacity', '256', '--count', String(count), '--rate', 'max');
    expect((await pub.exit).code).toBe(0);
    for (const c of consumers) {
      expect((await c.exit).code, c.stderr.join('\n')).toBe(0);
      const s = c.summary() as { records: number; lost: number; firstSequence: number; lastSequence: number; mismatches: number; outOfOrder: number };
      expect(s.mismatches).toBe(0);
      expect(s.outOfOrder).toBe(0);
      expect(s.lastSequence).toBe(count - 1);
      expect(s.firstSequence + s.records + s.lost).toBe(count);
    }
  });

  it('broadcast mode: a consumer killed with SIGKILL and restarted picks up again; the others see no gap', async () => {
    const feed = uniqueFeed('kill');
    // 65,536 slots at 20k/s: a steady consumer descheduled for up to 3 s on a loaded machine is still not lapped.
    const pub = publisher(feed, '--rate', '20k', '--capacity', '65536');
    await pub.waitForLog('publishing');
    const steady = consumer(feed);
    const victim = consumer(feed);
    await Promise.all([steady.waitForLog('latency'), victim.waitForLog('latency')]);
    victim.child.kill('SIGKILL');
    expect((await victim.exit).signal).toBe('SIGKILL');
    const restarted = consumer(feed);
    await restarted.waitForLog('latency');
    const [restartedSummary, steadySummary] = [await stop(restarted), await stop(steady)];
    await stop(pub);
    expect(restartedSummary).toMatchObject({ mismatches: 0, outOfOrder: 0 });
    expect(restartedSummary.records as number).toBeGreaterThan(0);
    expect(steadySummary).toMatchObject({ gaps: 0, lost: 0, mismatches: 0 });
    expect(fs.existsSync(path.join(dir, feed))).toBe(false);
  });

  it('backpressure mode: a consumer killed with SIGKILL is replaced on its slot and nothing is lost', async () => {
    const feed = uniqueFeed('bpkill');
    const count = 600_000;
    // 100k/s: the feed lasts ~6 s, so the victim is still reading when it is killed (at 300k/s a
    // publisher catching up after its ring filled could end before the victim's first report).
    const pub = publisher(feed, '--mode', 'backpressure', '--consumers', '1', '--count', String(count), '--rate', '100k');
    await pub.waitForLog('publishing');
    const victim = consumer(feed);
    await victim.waitForLog('latency');
    victim.child.kill('SIGKILL');
    await victim.exit;
    const replacement = consumer(feed, '--slot', '0', '--exit-on-end');
    expect((await replacement.exit).code, replacement.stderr.join('\n')).toBe(0);
    expect((await pub.exit).code).toBe(0);
    const s = replacement.summary() as { firstSequence: number; lastSequence: number; gaps: number; mismatches: number; records: number };
    // It resumed where its predecessor last committed (not at 0, not past anything unread)
    // and read every record from there to the end.
    expect(s.firstSequence).toBeGreaterThan(0);
    expect(s.lastSequence).toBe(count - 1);
    expect(s.records).toBe(count - s.firstSequence);
    expect(s.gaps).toBe(0);
    expect(s.mismatches).toBe(0);
  });

  it('follows a publisher restart (clean, then after SIGKILL) to the new epoch and reports it', async () => {
    const feed = uniqueFeed('restart');
    const first = publisher(feed, '--rate', '100k');
    await first.waitForLog('publishing');
    const c = consumer(feed);
    await c.waitForLog('latency');
    await stop(first);
    const second = publisher(feed, '--rate', '100k');
    await c.waitForLog('attached');
    await second.waitForLog('publishing');
    second.child.kill('SIGKILL');
    await second.exit;
    expect(fs.existsSync(path.join(dir, feed))).toBe(true);
    const third = publisher(feed, '--rate', '100k');
    const replaced = await third.waitForLog('replaced a stale segment');
    expect(replaced.reason).toMatch(/gone|old/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const s = await stop(c);
    await stop(third);
    expect(s.reattachments).toBe(2);
    expect(s.epochs as number[]).toHaveLength(3);
    expect(new Set(s.epochs as number[]).size).toBe(3);
    expect(s.mismatches).toBe(0);
    expect(c.logs.filter((log) => log.msg === 'publisher gone; waiting for a new segment')).toHaveLength(2);
  });

  it('removes its segment on SIGINT too, and pins itself to the CPUs given', async () => {
    const feed = uniqueFeed('sigint');
    const pub = publisher(feed, '--rate', '10k', '--cpus', '0');
    await pub.waitForLog('publishing');
    expect(fs.existsSync(path.join(dir, feed))).toBe(true);
    const s = await stop(pub, 'SIGINT');
    expect(s).toMatchObject({ stopReason: 'SIGINT', cpus: { requested: '0', allowed: '0' } });
    expect(fs.existsSync(path.join(dir, feed))).toBe(false);
  });

  it('serves /metrics, /healthz and /readyz while consuming', async () => {
    const feed = uniqueFeed('metrics');
    const port = await freePort();
    const c = consumer(feed, '--metrics-port', String(port));
    await c.waitForLog('metrics server listening');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    const pub = publisher(feed, '--rate', '50k');
    // 'latency' is logged every interval, attached or not: on a loaded machine the first one
    // can come before the publisher has created the segment.
    await c.waitForLog('attached');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const metrics = await metricsOnceReceiving(port);
    expect(metrics).toMatch(/marketfeed_received_records_total\{feed="[^"]+",consumer="[^"]+"\} [1-9]/);
    expect(metrics).toMatch(/marketfeed_latency_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/marketfeed_gaps_total/);
    await stop(c);
    await stop(pub);
  });

  it('refuses a file that is not a segment with a clear error and leaves it untouched', async () => {
    const feed = uniqueFeed('garbage');
    const file = path.join(dir, feed);
    fs.writeFileSync(file, Buffer.alloc(4096, 0x41));
    const run = await runCliToEnd(['consume', 'shm', ...feedArgs(feed)]);
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/is not a marketfeed segment: magic 0x41414141/);
    expect(fs.readFileSync(file)).toEqual(Buffer.alloc(4096, 0x41));
  });
});

