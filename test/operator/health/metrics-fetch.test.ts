// One scrape against real HTTP servers: the body cap (declared or streamed), the deadline
// over the whole exchange, HTTP errors and refused connections are failures with a kind and
// a message naming the URL, never exceptions; and the scrape pool never runs more than its
// limit at once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../operator/health/bounded-concurrency.ts';
import { fetchMetrics } from '../../../operator/health/metrics-fetch.ts';
import { publisherText } from './fake-feed-pods.ts';

const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())))));
});

const limits = { timeoutMs: 300, maxBytes: 4096 };

describe('fetchMetrics', () => {
  it('reads a publisher', async () => {
    const url = await serve((_req, res) => res.end(publisherText(42, 2)));
    expect(await fetchMetrics(url, limits)).toEqual({ ok: true, reading: { published: 42, tcpSubscribers: 2 } });
  });

  it('refuses a body over the cap, declared or streamed without a length', async () => {
    const big = `${publisherText(1, 0)}${'# padding\n'.repeat(1000)}`;
    const declared = await serve((_req, res) => res.end(big));
    expect(await fetchMetrics(declared, limits)).toEqual({ ok: false, failure: { kind: 'too-large', message: `${declared}: ${Buffer.byteLength(big)} bytes, over the 4096-byte limit` } });
    const streamed = await serve((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('# more padding\n'.repeat(100)), 1);
      res.on('close', () => clearInterval(timer));
    });
    expect(await fetchMetrics(streamed, limits)).toEqual({ ok: false, failure: { kind: 'too-large', message: `${streamed}: more than the 4096-byte limit` } });
  });

  it('gives up on an endpoint that never answers, or answers too slowly, at the deadline', async () => {
    const hung = await serve(() => {});
    expect(await fetchMetrics(hung, limits)).toEqual({ ok: false, failure: { kind: 'timeout', message: `${hung}: no complete answer within 300 ms` } });
    const dribbling = await serve((_req, res) => {
      res.writeHead(200);
      res.write('marketfeed_published_records_total 1\n');
    });
    expect(await fetchMetrics(dribbling, limits)).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
  });

  it('reports HTTP errors, refused connections and text without feed metrics', async () => {
    const failing = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('not ready');
    });
    expect(await fetchMetrics(failing, limits)).toEqual({ ok: false, failure: { kind: 'http-status', message: `${failing}: HTTP 503` } });
    const closed = await serve(() => {});
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await fetchMetrics(closed, limits)).toEqual({ ok: false, failure: { kind: 'unreachable', message: `${closed}: ECONNREFUSED` } });
    const other = await serve((_req, res) => res.end('process_cpu_seconds_total 3\n'));
    expect(await fetchMetrics(other, limits)).toEqual({
      ok: false,
      failure: { kind: 'malformed', message: `${other}: neither marketfeed_published_records_total nor marketfeed_received_records_total is exported` },
    });
  });
});

describe('mapWithConcurrency', () => {
  it('never runs more than the limit at once, and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapWithConcurrency(
      Array.from({ length: 40 }, (_, index) => index),
      8,
      async (item) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, item % 3));
        running--;
        return item * 2;
      },
    );
    expect(peak).toBe(8);
    expect(results).toEqual(Array.from({ length: 40 }, (_, index) => index * 2));
    await expect(mapWithConcurrency([1], 0, (item) => Promise.resolve(item))).rejects.toThrow(RangeError);
  });
});
