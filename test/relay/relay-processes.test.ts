// Real processes: `marketfeed publish` → `marketfeed relay` (TCP) → a node-local segment →
// `consume shm` / `record` on it. The relay's segment holds the publisher's records bit-for-bit
// (compared with a capture of the publisher's own segment); records lost on the TCP leg (a
// relay too slow for the feed, dropped by the publisher) are counted by the relay and seen by
// SHM consumers as lost records; a restarted publisher becomes a new segment that consumers
// follow; SIGTERM exits 0 with the segment removed; a bad --from is a usage error.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../helpers/capture-files.ts';
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
const INSTRUMENTS = 30;

function shm(feed: string): string[] {
  return ['--feed', feed, '--shm-dir', dir, '--json'];
}

function relay(feed: string, port: number, ...extra: string[]): CliRun {
  return runCli(['relay', ...shm(feed), '--from', `127.0.0.1:${port}`, '--report-interval', '0.2', ...extra]);
}

async function succeeded(run: CliRun): Promise<Record<string, unknown>> {
  const { code } = await run.exit;
  expect(code, run.stderr.join('\n')).toBe(0);
  return run.summary();
}

async function stopped(run: CliRun): Promise<Record<string, unknown>> {
  run.child.kill('SIGTERM');
  return succeeded(run);
}

/** Resolves once the consumer has logged a `latency` line with records after `sinceLog` lines. */
/** Waits for an interval report after log `sinceLog` that satisfies `wanted` (by default: records received). */
async function receivingAfter(run: CliRun, sinceLog: number, wanted = (log: Record<string, unknown>) => (log.records as number) > 0): Promise<void> {
  for (;;) {
    if (run.logs.some((log, i) => i >= sinceLog && log.msg === 'latency' && wanted(log))) return;
    await run.waitForLog(/./, 20_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (run.child.exitCode !== null) throw new Error(`exited; stderr:\n${run.stderr.join('\n')}`);
  }
}

function bytesOf(records: Int32Array[]): Buffer {
  return Buffer.concat(records.map((words) => Buffer.from(words.buffer, words.byteOffset, words.byteLength)));
}

describe('marketfeed relay across processes', () => {
  it('republishes every record bit-for-bit: a capture of the relay segment equals a capture of the publisher segment; SIGTERM exits 0 and removes the segment', async () => {
    const pubFeed = uniqueFeed('pub');
    const relFeed = uniqueFeed('rel');
    const port = await freePort();
    const COUNT = 20_000;
    // Backpressure with one consumer slot: the publisher starts once the direct recorder holds
    // it, which starts after the relay and its recorder are in place, so both see every record.
    const pub = runCli([
      'publish', ...shm(pubFeed), '--mode', 'backpressure', '--capacity', '4096', '--count', String(COUNT), '--rate', '50k',
      '--seed', String(SEED), '--instruments', String(INSTRUMENTS), '--tcp-port', String(port),
    ]);
    await pub.waitForLog('publishing');
    const rel = relay(relFeed, port);
    await rel.waitForLog('relaying');
    const segmentPath = path.join(dir, relFeed);
    expect(fs.existsSync(segmentPath)).toBe(true);
    const viaRelay = path.join(dir, `${relFeed}.mfcap`);
    const direct = path.join(dir, `${pubFeed}.mfcap`);
    const relRec = runCli(['record', ...shm(relFeed), '--out', viaRelay, '--exit-on-end', '--idle', 'spin-yield', '--verify-seed', String(SEED), '--verify-instruments', String(INSTRUMENTS)]);
    await relRec.waitForLog('attached');
    const pubRec = runCli(['record', ...shm(pubFeed), '--out', direct, '--exit-on-end', '--idle', 'spin-yield']);

    expect(await succeeded(pub)).toMatchObject({ records: COUNT });
    expect(await succeeded(pubRec)).toMatchObject({ records: COUNT, gaps: 0, lost: 0 });
    // The publisher has gone: its last records came before the connection closed.
    await rel.waitForLog('disconnected; reconnecting');
    const summary = await stopped(rel);
    expect(fs.existsSync(segmentPath)).toBe(false);
    // The relay subscribed before the publisher's consumer attached, i.e. before its ring (4096) first filled.
    const first = summary.firstSequence as number;
    expect(first).toBeLessThanOrEqual(4096);
    expect(summary).toMatchObject({
      role: 'relay', feed: relFeed, stopReason: 'SIGTERM', records: COUNT - first, lastSequence: COUNT - 1, gaps: 0, lost: 0,
      recordsWritten: COUNT - first, recordsSkipped: 0, recordsRefused: 0, segmentsCreated: 1, segment: segmentPath,
    });
    // Closed by the relay: its recorder read everything and ended.
    expect(await succeeded(relRec)).toMatchObject({ records: COUNT - first, firstSequence: first, gaps: 0, lost: 0, mismatches: 0, ended: true });

    const published = readCapture(direct);
    const relayed = readCapture(viaRelay);
    expect(published.error).toBeUndefined();
    expect(relayed.error).toBeUndefined();
    expect(relayed.records).toHaveLength(COUNT - first);
    // Sequence numbers, publish and source timestamps, payload: the same 64 bytes each.
    expect(bytesOf(relayed.records).equals(bytesOf(published.records.slice(first)))).toBe(true);
  });

  it('counts the records lost when the relay is slower than the feed (dropped by the publisher), and SHM consumers behind it see it as lost records', async () => {
    const pubFeed = uniqueFeed('pub');
    const relFeed = uniqueFeed('rel');
    const port = await freePort();
    // Small send queue and socket buffers: a relay that stops reading is dropped within moments.
    const pub = runCli([
      'publish', ...shm(pubFeed), '--rate', '100k', '--seed', String(SEED), '--instruments', String(INSTRUMENTS), '--tcp-port', String(port),
      '--max-queue-bytes', '65536', '--tcp-send-buffer', '65536',
    ]);
    await pub.waitForLog('publishing');
    const rel = relay(relFeed, port, '--receive-buffer', '65536');
    await rel.waitForLog('relaying');
    const con = runCli(['consume', 'shm', ...shm(relFeed), '--idle', 'spin-yield', '--report-interval', '0.2', '--verify-seed', String(SEED), '--verify-instruments', String(INSTRUMENTS)]);
    await con.waitForLog('attached');
    await receivingAfter(con, 0);

    // The relay stops reading (as a relay on an overloaded node would), long enough to be dropped.
    rel.child.kill('SIGSTOP');
    await pub.waitForLog(/subscriber dropped|dropped/i, 20_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    rel.child.kill('SIGCONT');
    await rel.waitForLog('records of the subscription lost');
    // Records the relay had buffered before the drop can arrive first: wait until the consumer
    // has read past the jump (its reports count gaps cumulatively). A relay that hid the loss never gets here.
    await receivingAfter(con, con.logs.length, (log) => (log.gaps as number) >= 1);

    const conSummary = await stopped(con);
    const relSummary = await stopped(rel);
    await stopped(pub);
    // The TCP leg's losses, counted by the relay, are exactly the ring's jumps: every sequence in its span is written or skipped.
    expect(relSummary.gaps as number).toBeGreaterThanOrEqual(1);
    expect(relSummary.lost as number).toBeGreaterThan(0);
    expect(relSummary.connects as number).toBeGreaterThanOrEqual(2);
    expect(relSummary.recordsWritten).toBe(relSummary.records);
    expect((relSummary.recordsWritten as number) + (relSummary.recordsSkipped as number)).toBe((relSummary.lastSequence as number) - (relSummary.firstSequence as number) + 1);
    expect(relSummary.recordsSkipped).toBe(relSummary.lost);
    // The SHM consumer behind the relay sees the loss as lost records, and every record it got is the publisher's.
    expect(conSummary.gaps as number).toBeGreaterThanOrEqual(1);
    expect(conSummary.lost as number).toBeGreaterThan(0);
    expect((conSummary.records as number) + (conSummary.lost as number)).toBe((conSummary.lastSequence as number) - (conSummary.firstSequence as number) + 1);
    expect(conSummary).toMatchObject({ mismatches: 0, outOfOrder: 0, reattachments: 0 });
  });

  it('a relay too slow for a flat-out feed is told why the publisher dropped it, logs it, counts what it lost and reconnects', async () => {
    const port = await freePort();
    const pub = runCli(['publish', ...shm(uniqueFeed('pub')), '--rate', 'max', '--tcp-port', String(port), '--max-queue-bytes', '65536', '--tcp-send-buffer', '65536']);
    await pub.waitForLog('publishing');
    const rel = relay(uniqueFeed('rel'), port, '--receive-buffer', '65536');
    // What was queued still arrives, then the reason: the relay's log says why, not just "connection closed".
    // (A relay that stops taking its queue for a moment is cut without it: of a few drops, one at least.)
    const drops = (): Record<string, unknown>[] => rel.logs.filter((log) => log.msg === 'disconnected; reconnecting');
    for (let waited = 0; drops().length < 3; waited += 50) {
      if (waited > 30_000) throw new Error(`${drops().length} drops logged in 30 s; stderr:\n${rel.stderr.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(drops().map((log) => log.reason)).toContainEqual(expect.stringMatching(/^server: dropped as too slow: \d+ bytes queued, more than the 65536-byte bound/));
    await rel.waitForLog('records of the subscription lost');
    const relSummary = await stopped(rel);
    const pubSummary = await stopped(pub);
    expect(relSummary.lost as number).toBeGreaterThan(0);
    expect(relSummary.connects as number).toBeGreaterThanOrEqual(2);
    expect((pubSummary.tcp as { dropped: { slow: number } }).dropped.slow).toBeGreaterThanOrEqual(1);
  });

  it('follows a restarted publisher: reconnects with backoff, a new segment (new epoch) that SHM consumers follow', async () => {
    const pubFeed = uniqueFeed('pub');
    const relFeed = uniqueFeed('rel');
    const port = await freePort();
    const publisher = (): CliRun =>
      runCli(['publish', ...shm(pubFeed), '--rate', '20k', '--seed', String(SEED), '--instruments', String(INSTRUMENTS), '--tcp-port', String(port)]);
    const first = publisher();
    await first.waitForLog('publishing');
    const rel = relay(relFeed, port);
    await rel.waitForLog('relaying');
    const con = runCli(['consume', 'shm', ...shm(relFeed), '--idle', 'spin-yield', '--report-interval', '0.2', '--verify-seed', String(SEED), '--verify-instruments', String(INSTRUMENTS)]);
    await con.waitForLog('attached');
    await receivingAfter(con, 0);

    await stopped(first);
    await rel.waitForLog('disconnected; reconnecting');
    const second = publisher();
    await rel.waitForLog('publisher restarted: relaying the new stream into a new segment');
    const reattachedAt = con.logs.length;
    await con.waitForLog((/publisher gone; waiting for a new segment/));
    await receivingAfter(con, reattachedAt);

    const conSummary = await stopped(con);
    const relSummary = await stopped(rel);
    await stopped(second);
    expect(relSummary).toMatchObject({ newStreams: 1, segmentsCreated: 2, recordsRefused: 0 });
    expect(relSummary.connects as number).toBeGreaterThanOrEqual(2);
    const conLog = JSON.stringify(conSummary.firstMismatch);  // shown if a record differs
    expect(conSummary, conLog).toMatchObject({ reattachments: 1, mismatches: 0, outOfOrder: 0 });
    expect(conSummary.epochs as number[]).toHaveLength(2);
  });

  it('refuses a bad --from with a clear usage error (exit 2)', async () => {
    for (const [args, message] of [
      [[], /marketfeed relay: --from HOST:PORT is required/],
      [['--from', 'feedhost'], /marketfeed relay: --from must be HOST:PORT, got "feedhost"/],
      [['--from', 'feedhost:0'], /--from must be HOST:PORT, got "feedhost:0"/],
      [['--from', 'feedhost:70000'], /--from must be HOST:PORT, got "feedhost:70000"/],
      [['--from', ':9000'], /--from must be HOST:PORT, got ":9000"/],
      [['--from', '127.0.0.1:9000', '--capacity', '1000'], /--capacity must be a power of two, got 1000/],
    ] as const) {
      const run = await runCliToEnd(['relay', '--shm-dir', dir, ...args]);
      expect(run.code, run.stderr.join('\n')).toBe(2);
      expect(run.stderr.join('\n')).toMatch(message);
    }
  });

  it('keeps retrying a publisher that is not there, creates no segment, and exits 0 on SIGTERM', async () => {
    const relFeed = uniqueFeed('rel');
    const port = await freePort();
    const rel = relay(relFeed, port);
    const log = await rel.waitForLog('disconnected; reconnecting');
    expect(log.reason).toMatch(/ECONNREFUSED/);
    expect(fs.existsSync(path.join(dir, relFeed))).toBe(false);
    expect(await stopped(rel)).toMatchObject({ records: 0, segment: null, segmentsCreated: 0 });
  });
});
