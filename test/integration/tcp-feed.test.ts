// Real processes over TCP: `marketfeed publish --tcp-port` and `marketfeed consume tcp`,
// plus raw sockets playing misbehaving clients.
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QuoteGenerator } from '../../runtime/generator/quote-generator.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { encodeFeedHello } from '../../runtime/tcp/feed-greetings.ts';
import { killLeftoverProcesses, runCli, type CliRun } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(killLeftoverProcesses);
afterAll(() => removeShmDir(dir));

const verify = ['--verify-seed', '7', '--verify-instruments', '20'];

async function startPublisher(port: number, ...extra: string[]): Promise<CliRun> {
  const run = runCli(['publish', '--feed', uniqueFeed('tcp'), '--shm-dir', dir, '--tcp-port', String(port), '--seed', '7', '--instruments', '20', '--idle', 'spin-yield', '--json', ...extra]);
  await run.waitForLog('tcp feed listening');
  return run;
}

function consumer(port: number, ...extra: string[]): CliRun {
  return runCli(['consume', 'tcp', '--port', String(port), '--json', ...verify, ...extra]);
}

async function stop(run: CliRun): Promise<Record<string, unknown>> {
  run.child.kill('SIGTERM');
  const { code } = await run.exit;
  expect(code, run.stderr.join('\n')).toBe(0);
  return run.summary();
}

/** Connects a raw socket and collects what the server sends until it closes. */
function rawClient(port: number, send?: string | Buffer): { socket: net.Socket; received: Promise<string> } {
  const socket = net.connect({ port, host: '127.0.0.1' });
  if (send !== undefined) socket.once('connect', () => socket.write(send));
  const received = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(text));
  });
  return { socket, received };
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

describe('TCP feed across processes', () => {
  it('several consumers in both encodings; one killed mid-stream; the others see no gap', async () => {
    const port = await freePort();
    const pub = await startPublisher(port, '--rate', '100k');
    const binary = consumer(port, '--encoding', 'binary');
    const json = consumer(port, '--encoding', 'json');
    const victim = consumer(port, '--encoding', 'binary');
    await Promise.all([binary, json, victim].map((c) => c.waitForLog('latency')));
    victim.child.kill('SIGKILL');
    await victim.exit;
    await pub.waitForLog('subscriber left');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const c of [binary, json]) {
      const s = await stop(c);
      expect(s).toMatchObject({ gaps: 0, lost: 0, outOfOrder: 0, mismatches: 0, malformed: 0, connects: 1, clock: 'monotonic (same host)' });
      expect(s.records as number).toBeGreaterThan(50_000);
    }
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { lostRecords: 0, dropped: { slow: 0, protocol: 0 } } });
  });

  it('consumers reconnect to a restarted publisher and report the new stream', async () => {
    const port = await freePort();
    const first = await startPublisher(port, '--rate', '50k');
    const c = consumer(port, '--encoding', 'binary');
    await c.waitForLog('latency');
    await stop(first);
    await c.waitForLog('disconnected; reconnecting');
    const second = await startPublisher(port, '--rate', '50k');
    await c.waitForLog('publisher restarted: new stream');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const s = await stop(c);
    await stop(second);
    expect(s.newStreams).toBe(1);
    expect(s.connects as number).toBeGreaterThanOrEqual(2);
    expect(s.mismatches).toBe(0);
    expect(s.outOfOrder).toBe(0);
  });

  it('drops a subscriber that never reads, with a bounded queue, without disturbing the others', async () => {
    const port = await freePort();
    // The bound leaves a healthy consumer ~0.6 s of slack at this rate (JIT warm-up on a busy
    // 2-core machine); the stalled one fills its kernel buffers and then the bound in ~1 s.
    const pub = await startPublisher(port, '--rate', '200k', '--max-queue-bytes', '8000000', '--tcp-send-buffer', '65536');
    const healthy = consumer(port, '--encoding', 'binary', '--latency-sample', '64');
    await healthy.waitForLog('latency');
    const stalled = net.connect({ port, host: '127.0.0.1' });
    stalled.once('connect', () => {
      stalled.write('binary protocol=2\n');
      stalled.pause();
    });
    stalled.on('error', () => {});
    const dropped = await pub.waitForLog('subscriber dropped');
    expect(dropped).toMatchObject({ reason: 'slow' });
    expect(String(dropped.detail)).toMatch(/more than the 8000000-byte bound/);
    const rss = [rssKb(pub.child.pid!)];
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      rss.push(rssKb(pub.child.pid!));
    }
    // The publisher's memory does not follow the stalled subscriber up.
    expect(Math.max(...rss)).toBeLessThan(400_000);
    stalled.destroy();
    const s = await stop(healthy);
    expect(s).toMatchObject({ mismatches: 0, outOfOrder: 0, connects: 1 });
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { dropped: { slow: 1 } } });
  });

  it('disconnects a client that sends garbage, telling it why; serves NDJSON to a silent one', async () => {
    const port = await freePort();
    const pub = await startPublisher(port, '--rate', '10k', '--handshake-timeout-ms', '200');
    const garbage = rawClient(port, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0a]));
    expect(await garbage.received).toMatch(/^\{"error":"handshake must start with binary or json/);
    const http = rawClient(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await http.received).toMatch(/"error":"handshake must start with binary or json/);
    const silent = rawClient(port);
    await new Promise((resolve) => setTimeout(resolve, 700));
    silent.socket.destroy();
    const lines = (await silent.received).split('\n').filter((line) => line !== '');
    expect(JSON.parse(lines[0])).toMatchObject({ hello: { encoding: 'json', instruments: 'all', protocol: 2 } });
    expect(JSON.parse(lines[1])).toMatchObject({ type: 'quote' });
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { dropped: { protocol: 2 } } });
  });

  it('filters instruments and enforces the subscriber limit', async () => {
    const port = await freePort();
    const pub = await startPublisher(port, '--rate', '50k', '--max-subscribers', '1');
    const filtered = runCli(['consume', 'tcp', '--port', String(port), '--instruments', '3,5-6', '--json', '--count', '2000']);
    await filtered.waitForLog('subscribed');
    const refused = rawClient(port, 'json\n');
    expect(await refused.received).toMatch(/"error":"subscriber limit of 1 reached"/);
    expect((await filtered.exit).code).toBe(0);
    const ids = new Set<number>();
    // Recount from the stream itself: a JSON consumer with the same filter.
    const p2 = rawClient(port, 'json protocol=2 instruments=3,5-6\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    p2.socket.destroy();
    for (const line of (await p2.received).split('\n')) {
      if (line.startsWith('{"seq"')) ids.add((JSON.parse(line) as { instrument: number }).instrument);
    }
    expect([...ids].sort()).toEqual([3, 5, 6]);
    expect(filtered.summary()).toMatchObject({ records: 2000, outOfOrder: 0, gaps: 0, lost: 0 });
    await stop(pub);
  });

  it('times latency on wall clocks when asked (the cross-host mode) and serves /metrics, /healthz, /readyz', async () => {
    const [port, consumerMetrics, publisherMetrics] = [await freePort(), await freePort(), await freePort()];
    // Started before the publisher: not ready while it retries the connection.
    const c = consumer(port, '--encoding', 'binary', '--clock', 'wall', '--metrics-port', String(consumerMetrics));
    await c.waitForLog('disconnected; reconnecting');
    expect((await fetch(`http://127.0.0.1:${consumerMetrics}/readyz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${consumerMetrics}/healthz`)).status).toBe(200);
    const pub = await startPublisher(port, '--rate', '20k', '--metrics-port', String(publisherMetrics));
    await c.waitForLog('subscribed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await fetch(`http://127.0.0.1:${consumerMetrics}/readyz`)).status).toBe(200);
    const consumerText = await (await fetch(`http://127.0.0.1:${consumerMetrics}/metrics`)).text();
    expect(consumerText).toMatch(/^marketfeed_received_records_total\{[^}]*\} [1-9]/m);
    const publisherText = await (await fetch(`http://127.0.0.1:${publisherMetrics}/metrics`)).text();
    expect(publisherText).toMatch(/^marketfeed_tcp_subscribers\{[^}]*\} 1$/m);
    expect(publisherText).toMatch(/^marketfeed_tcp_dropped_subscribers_total\{[^}]*reason="slow"[^}]*\} 0$/m);
    const s = await stop(c);
    await stop(pub);
    expect(s).toMatchObject({ clock: 'wall (cross-host: publisher offset applied)', mismatches: 0, outOfOrder: 0 });
    expect(s.connects as number).toBeGreaterThanOrEqual(1);
    // The publisher's offset moves wall time into its timebase: latencies stay positive and small.
    const latency = s.latency as { count: number; p50_ns: number };
    expect(latency.count).toBeGreaterThan(0);
    expect(latency.p50_ns).toBeLessThan(1e9);
    expect(s.negativeLatencies).toBe(0);
  });
});

/**
 * The reference for a filtered subscriber's losses: regenerates the publisher's stream (the
 * same seed and instrument count as startPublisher) and counts the records of the filter's
 * instruments from the first to the last sequence the consumer received; those it did not
 * receive are the records it lost.
 */
function selectedRecords(filter: ReadonlySet<number>, firstSequence: number, lastSequence: number): number {
  const generator = new QuoteGenerator({ seed: 7, instruments: 20 });
  const record = new MarketDataRecord();
  let selected = 0;
  for (let sequence = 0; sequence <= lastSequence; sequence++) {
    generator.next(record, 0, 0);
    if (sequence >= firstSequence && filter.has(record.instrumentId)) selected++;
  }
  return selected;
}

/** Resolves with the first log line (already logged or to come) for which `test` holds. */
async function waitForLogWhere(run: CliRun, test: (log: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = run.logs.find(test);
    if (found !== undefined) return found;
    if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`no such log line within ${timeoutMs} ms; stderr:\n${run.stderr.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A `latency` line with records after a `subscribed` that follows a disconnection. */
function receivingAfterReconnect(run: CliRun): boolean {
  const disconnected = run.logs.findIndex((log) => log.msg === 'disconnected; reconnecting');
  const resubscribed = run.logs.findIndex((log, i) => i > disconnected && log.msg === 'subscribed');
  return disconnected >= 0 && resubscribed >= 0 && run.logs.some((log, i) => i > resubscribed && log.msg === 'latency' && (log.records as number) > 0);
}

function expectExactLosses(s: Record<string, unknown>, filter: ReadonlySet<number>): void {
  const lost = selectedRecords(filter, s.firstSequence as number, s.lastSequence as number) - (s.records as number);
  expect({ lost: s.lost, mismatches: s.mismatches, outOfOrder: s.outOfOrder }).toEqual({ lost, mismatches: 0, outOfOrder: 0 });
}

const FIRST_TEN = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

describe('TCP feed with an instrument filter: gaps and losses count only the subscription’s records', () => {
  it('reports 0 gaps and 0 lost for `--instruments 0-9`, binary and NDJSON', async () => {
    const port = await freePort();
    const pub = await startPublisher(port, '--rate', '10k');
    const consumers = (['binary', 'json'] as const).map((encoding) => consumer(port, '--encoding', encoding, '--instruments', '0-9'));
    for (const c of consumers) {
      await c.waitForLog('latency');
      await waitForLogWhere(c, (log) => log.msg === 'latency' && (log.records as number) > 0);
    }
    for (const c of consumers) {
      const s = await stop(c);
      expect(s).toMatchObject({ gaps: 0, lost: 0, outOfOrder: 0, mismatches: 0, malformed: 0, connects: 1, instruments: '0-9' });
      expect(s.records as number).toBeGreaterThan(1000);
      expectExactLosses(s, FIRST_TEN);
    }
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { lostRecords: 0, dropped: { slow: 0, protocol: 0 } } });
  });

  it('a filtered subscriber dropped as slow reports exactly the records of its instruments it missed', async () => {
    const port = await freePort();
    // The bound leaves a reading consumer ~0.5 s of slack in NDJSON; a stopped one passes it in ~1 s.
    const pub = await startPublisher(port, '--rate', '20k', '--max-queue-bytes', '1000000', '--tcp-send-buffer', '65536');
    const consumers = (['binary', 'json'] as const).map((encoding) =>
      consumer(port, '--encoding', encoding, '--instruments', '0-9', '--receive-buffer', '65536', '--latency-sample', '16'),
    );
    for (const c of consumers) await c.waitForLog('latency');
    // Stopped, they stop reading: their queues pass the bound and the publisher drops them.
    const drops = (): number => pub.logs.filter((log) => log.msg === 'subscriber dropped').length;
    const before = drops();
    for (const c of consumers) c.child.kill('SIGSTOP');
    await waitForLogWhere(pub, () => drops() >= before + 2);
    for (const c of consumers) c.child.kill('SIGCONT');
    // Records flow again on the new connection.
    for (const c of consumers) await waitForLogWhere(c, () => receivingAfterReconnect(c));
    for (const c of consumers) {
      const s = await stop(c);
      // Each drop loses records (what was queued, and what was published while reconnecting).
      expect(s.connects as number).toBeGreaterThanOrEqual(2);
      expect(s.gaps as number).toBeGreaterThanOrEqual(1);
      expect(s.gaps as number).toBeLessThanOrEqual((s.connects as number) - 1);
      expect(s).toMatchObject({ newStreams: 0 });
      expect(s.lost as number).toBeGreaterThan(0);
      expectExactLosses(s, FIRST_TEN);
    }
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { lostRecords: 0 } });
  });

  it('a ring smaller than the publisher’s bursts never laps the TCP fan-out; a filtered subscriber’s losses stay exact', async () => {
    const port = await freePort();
    // Subscribed from the start (it retries until the publisher listens): the reference
    // regenerates the stream up to its last record.
    const c = consumer(port, '--encoding', 'binary', '--instruments', '0-9', '--latency-sample', '64');
    await c.waitForLog('disconnected; reconnecting');
    // 128 slots against bursts of hundreds of records (up to 1,024): without a guard the
    // fan-out, which reads after each burst, would be lapped, and every TCP subscriber would
    // lose records.
    const pub = await startPublisher(port, '--rate', '200k', '--capacity', '128');
    await c.waitForLog('subscribed');
    await waitForLogWhere(c, (log) => log.msg === 'latency' && (log.records as number) > 0);
    const s = await stop(c);
    expectExactLosses(s, FIRST_TEN);
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { lostRecords: 0 } });
  });
});

describe('TCP protocol versions', () => {
  it('the publisher refuses a protocol 1 client, saying why', async () => {
    const port = await freePort();
    const pub = await startPublisher(port, '--rate', '1k');
    // What `consume tcp` of protocol 1 sent.
    const old = rawClient(port, 'binary instruments=0-9\n');
    expect(await old.received).toBe(
      `${JSON.stringify({ error: 'handshake without protocol=: a protocol 1 client; this server speaks protocol 2 (upgrade the client, or send "binary protocol=2")' })}\n`,
    );
    const p = await stop(pub);
    expect(p).toMatchObject({ tcp: { dropped: { protocol: 1 } } });
  });

  it.each([
    // A protocol 1 publisher refuses the protocol= field.
    ['refuses the handshake', () => Buffer.from(`${JSON.stringify({ error: 'unknown handshake field "protocol=2"' })}\n`), /server speaks protocol 1 \(it refused "protocol=2"\).*upgrade the publisher/],
    // A server that greets with another version.
    ['greets with protocol 3', () => encodeFeedHello({ protocol: 3, feed: 'f', epoch: 1, encoding: 'binary', instruments: 'all', bootId: 'b', wallMinusMonotonicNs: 0, nextSequence: 0, nextSubscriptionSequence: 0 }) as Buffer, /server speaks protocol 3, this client protocol 2/],
  ])('`consume tcp` stops with exit 1 and the reason when the publisher %s', async (_, answer, reason) => {
    const handshakes: string[] = [];
    const server = net.createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        handshakes.push(chunk.toString('latin1'));
        socket.end(answer());
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const c = runCli(['consume', 'tcp', '--port', String((server.address() as net.AddressInfo).port), '--instruments', '0-9', '--json']);
      const { code } = await c.exit;
      expect(code).toBe(1);
      // One fatal line (level 60) names the reason, as for every command's failure.
      expect(c.logs.find((log) => log.level === 60)?.msg).toMatch(reason);
      // An expected failure: the plain line last, and no stack trace anywhere.
      expect(c.stderr.at(-1)).toMatch(/^marketfeed consume tcp: incompatible publisher: /);
      expect(c.stderr.join('\n')).not.toMatch(/\n\s+at /);
      // It does not retry: the same answer would come again.
      expect(handshakes).toEqual(['binary protocol=2 instruments=0,1,2,3,4,5,6,7,8,9\n']);
    } finally {
      server.close();
    }
  });
});
