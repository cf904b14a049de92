// `marketfeed exchange` as a real process: its synthetic liquidity's quotes and trades
// reach `marketfeed consume tcp` (NDJSON) and `consume shm`, a raw NDJSON subscriber sees
// trade lines in the documented form, and SIGTERM stops it cleanly with a summary.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverProcesses, runCli, runCliToEnd } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(killLeftoverProcesses);
afterAll(() => removeShmDir(dir));

/** The first NDJSON lines a raw subscriber receives (the server sends NDJSON to a silent client). */
function ndjsonLines(port: number, wanted: (lines: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const lines = text.split('\n').slice(0, -1);
      if (wanted(lines)) {
        socket.destroy();
        resolve(lines);
      }
    });
    socket.on('error', reject);
  });
}

describe('marketfeed exchange', () => {
  it('publishes its quotes and trades to consume tcp (json), consume shm and a raw NDJSON subscriber; stops on SIGTERM', async () => {
    const port = await freePort();
    const feed = uniqueFeed('exchange');
    const exchange = runCli([
      'exchange', '--fix-port', '0', '--feed', feed, '--shm-dir', dir, '--tcp-port', String(port), '--instruments', 'AAPL,MSFT',
      '--liquidity-rate', '5000', '--seed', '3', '--json',
    ]);
    await exchange.waitForLog('publishing');
    const [tcp, shm, lines] = await Promise.all([
      runCliToEnd(['consume', 'tcp', '--port', String(port), '--encoding', 'json', '--count', '400', '--json']),
      runCliToEnd(['consume', 'shm', '--feed', feed, '--shm-dir', dir, '--count', '400', '--json']),
      ndjsonLines(port, (got) => got.some((line) => line.includes('"type":"trade"'))),
    ]);
    for (const consumer of [tcp, shm]) {
      expect(consumer.code, consumer.stderr.join('\n')).toBe(0);
      const summary = consumer.summary();
      expect(summary.records).toBe(400);
      expect(summary.trades as number).toBeGreaterThan(0);
      expect(summary.trades as number).toBeLessThan(400);
      expect(summary.gaps).toBe(0);
    }
    const trade = JSON.parse(lines.find((line) => line.includes('"type":"trade"'))!) as Record<string, unknown>;
    expect(Object.keys(trade)).toEqual(['seq', 'type', 'instrument', 'flags', 'price', 'size', 'side', 'tradeId', 'publishTimeNs', 'sourceTimeNs']);
    expect([1, 2]).toContain(trade.instrument);
    expect(['buy', 'sell']).toContain(trade.side);
    expect(Math.abs((trade.price as number) - 100)).toBeLessThan(10);

    exchange.child.kill('SIGTERM');
    const { code } = await exchange.exit;
    expect(code, exchange.stderr.join('\n')).toBe(0);
    const summary = exchange.summary();
    expect(summary).toMatchObject({ role: 'exchange', stopReason: 'SIGTERM' });
    expect(summary.trades as number).toBeGreaterThan(0);
    expect(summary.liquiditySteps as number).toBeGreaterThan(0);
  });

  const lobster = dataPath('lobster/AAPL_2012-06-21_34200000_57600000_message_10.first998.csv');

  it('replays a LOBSTER message file as liquidity: every message, trades on the feed', async () => {
    const run = await runCliToEnd([
      'exchange', '--fix-port', '0', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--liquidity', lobster, '--liquidity-rate', 'max', '--duration', '2', '--json',
    ]);
    expect(run.code, run.stderr.join('\n')).toBe(0);
    const summary = run.summary();
    expect(summary.liquidityMessages).toBe(999);
    expect(summary.trades as number).toBeGreaterThan(0);
    expect(summary.quotes as number).toBeGreaterThan(0);
  });

  it('stops with a clear error on a liquidity file it cannot read or a malformed line, after publishing what came before', async () => {
    const missing = await runCliToEnd(['exchange', '--fix-port', '0', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--liquidity', path.join(dir, 'none.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.at(-1)).toMatch(/^marketfeed exchange: cannot read --liquidity .*none\.csv: no such file or directory \(ENOENT\)$/);
    const bad = path.join(dir, 'bad-message.csv');
    fs.writeFileSync(bad, '34200.1,1,5,100,5859400,1\nbad line\n');
    const malformed = await runCliToEnd(['exchange', '--fix-port', '0', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--liquidity', bad, '--json']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.at(-1)).toMatch(/bad-message\.csv: at byte 26: line 2: expected 6 fields/);
    expect(malformed.summary()).toMatchObject({ quotes: 1, liquidityMessages: 1 });
  });

  it('refuses a bad tick size with a usage error, before creating anything', async () => {
    const run = await runCliToEnd(['exchange', '--fix-port', '0', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--tick-size', '0.001x']);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/--tick-size: tick size must be a positive decimal/);
  });
});
