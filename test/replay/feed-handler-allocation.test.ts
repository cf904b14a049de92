// The feed handler's per-event path, and the LOBSTER source's per-line path (reader and
// handler), allocate nothing in steady state: heap growth per message over long runs after
// a warm-up and a full collection, and no collection during them. Bytes, never time. A file
// of its own, so that no other test has fed the handler events of other shapes (a
// polymorphic property load of a double boxes it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureAllocation } from '../../bench/lib/heap-allocation.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { LobsterFeedHandler } from '../../runtime/replay/lobster-feed-handler.ts';
import { LOBSTER_PRICE_SCALE, type LobsterSource, openLobsterSource } from '../../runtime/replay/lobster-source.ts';
import { emptyOrderEvent } from '../../runtime/replay/order-event.ts';

const T0 = 34_200_000_000_000;

describe('allocation', () => {
  /**
   * Bytes allocated per message over `run` (which returns its message count) after a full
   * collection (bench/lib/heap-allocation.ts), and the collections during it; `prepare`
   * runs before each run. The first runs only warm up (compiled code and its feedback live on the heap too); of the
   * measured runs the least growth counts, since a per-message allocation shows in all.
   */
  function heapGrowth(run: () => number, prepare = () => {}): { bytesPerMessage: number; collections: number } {
    let least = { bytesPerMessage: Infinity, collections: 0 };
    for (let round = 0; round < 6; round++) {
      prepare();
      let messages = 0;
      const { bytes, gcCount } = measureAllocation(() => {
        messages = run();
      });
      const bytesPerMessage = bytes / messages;
      if (round >= 3 && bytesPerMessage < least.bytesPerMessage) least = { bytesPerMessage, collections: gcCount };
    }
    return least;
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'feed-handler-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the per-event path writes quotes without allocating (less than a byte per message, no collection)', () => {
    const handler = new LobsterFeedHandler();
    handler.addInstrument(1, { midnightUtcMs: Date.parse('2012-06-21T04:00:00Z'), priceScale: LOBSTER_PRICE_SCALE });
    const out = new MarketDataRecord();
    const e = emptyOrderEvent();
    e.instrumentId = 1;
    let nextId = 1;
    const growth = heapGrowth(() => {
      for (let i = 0; i < 100_000; i++) {
        e.timeOfDayNs = T0 + i;
        e.orderId = nextId++;
        e.direction = 1;
        e.price = 1000 - (i % 5);
        e.type = 1;
        e.size = 10;
        handler.onEvent(e, out);
        e.type = 4;
        e.size = 3;
        handler.onEvent(e, out);
        e.type = 5;
        handler.onEvent(e, out);
        e.type = 2;
        e.size = 2;
        handler.onEvent(e, out);
        e.type = 3;
        handler.onEvent(e, out);
      }
      return 500_000;
    });
    expect(handler.quotes).toBeGreaterThan(700_000);
    expect(growth.collections).toBe(0);
    expect(growth.bytesPerMessage).toBeLessThan(1);
  });

  it('reading a message file line by line through the source allocates nothing per line', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const price = 5_850_000 - (i % 7) * 100;
      const time = `${34_200 + Math.floor(i / 1000)}.${String(i % 1000).padStart(3, '0')}123456`;
      lines.push(`${time},1,${i + 1},${10 + (i % 3)},${price},1`, `${time},4,${i + 1},3,${price},1`, `${time},3,${i + 1},0,${price},1`);
    }
    const file = path.join(dir, 'SYNTH_2012-06-21_34200000_57600000_message_1.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const record = new MarketDataRecord();
    let source: LobsterSource | undefined;
    // Opening (buffers, book) is in `prepare`, before the measurement.
    const open = () => {
      source?.close();
      source = openLobsterSource(file, { instrumentId: 1 });
    };
    const growth = heapGrowth(() => {
      while (source!.next(record));
      return source!.handler.messages;
    }, open);
    source!.close();
    expect(source!.handler.messages).toBe(lines.length);
    expect(source!.handler.quotes).toBe(lines.length);
    expect(growth.collections).toBe(0);
    expect(growth.bytesPerMessage).toBeLessThan(1);
  });
});
