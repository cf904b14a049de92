// The library entry point (runtime/index.ts) exposes each component's working API: a
// FIX message encoded, parsed and validated, and an order book fed, through the exports
// alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as marketfeed from '../../runtime/index.ts';

describe('runtime/index.ts', () => {
  it('exports a FIX encoder and parser that round-trip a message', () => {
    const encoder = new marketfeed.FixEncoder({ beginString: 'FIX.4.4' });
    encoder.begin('D').string(11, 'order-1').string(55, 'AAPL').char(54, '1').int(38, 100).price(44, 101.25, 2);
    encoder.finish();
    const bytes = encoder.toBuffer();
    const view = new marketfeed.FixParser().parse(bytes);
    expect(view.getString(35)).toBe('D');
    expect(view.getString(11)).toBe('order-1');
    expect(view.getInt(38)).toBe(100);
    expect(view.getPrice(44)).toBe(101.25);
    expect(marketfeed.fixChecksum(bytes, 0, bytes.length - 7)).toBe(Number(bytes.subarray(bytes.length - 4, bytes.length - 1).toString('latin1')));
    const corrupted = Buffer.from(bytes);
    corrupted[corrupted.length - 2] ^= 1;
    expect(() => new marketfeed.FixParser().parse(corrupted)).toThrow(marketfeed.FixError);
  });

  it('exports the order book with its rejections', () => {
    const book = new marketfeed.LimitOrderBook();
    expect(book.add(1, 'buy', 100, 10)).toBe('ok');
    expect(book.add(1, 'buy', 100, 10)).toBe('duplicate-order');
    expect(book.add(2, 'sell', 100, 5)).not.toBe('ok');
    expect(book.bestBidPrice()).toBe(100);
  });
});

describe('runtime/index.ts replay exports', () => {
  it('writes a capture and reads the same records back through the exports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mf-index-'));
    try {
      const file = join(dir, `x${marketfeed.CAPTURE_EXTENSION}`);
      const writer = new marketfeed.CaptureWriter(file, { feed: 'x', source: 'test', startWallNs: 0, startMonotonicNs: 0 });
      const record = new marketfeed.MarketDataRecord();
      record.setQuote(1, 2, 7, marketfeed.RecordType.quote, 0, 100, 101, 5, 6);
      writer.append(record);
      writer.finish(3);
      const source = marketfeed.openReplaySource(file, { instrumentId: 0 });
      const out = new marketfeed.MarketDataRecord();
      expect(source.next(out)).toBe(true);
      expect(out.toFields()).toEqual({ ...record.toFields(), sequence: out.sequence });
      expect(source.next(out)).toBe(false);
      source.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
