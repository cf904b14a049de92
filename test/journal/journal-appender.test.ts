// JournalAppender over a backpressure ring: every entry reaches the reader in order with its
// fields and the ring's sequence; a full ring refuses the append (reported, counted) and
// overwrites nothing; appending allocates nothing per entry (bytes, never time).
import { describe, expect, it } from 'vitest';
import { marginalAllocation } from '../../bench/lib/heap-allocation.ts';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { JournalAppender } from '../../runtime/journal/journal-appender.ts';
import { JournalKind } from '../../runtime/journal/journal-entry-layout.ts';
import { readJournalFields } from '../../runtime/journal/journal-entry.ts';
import { GatedReceiver } from '../../runtime/ring/gated-receiver.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';

function journalRing(capacity: number) {
  return allocateSharedRing({ capacity, mode: 'backpressure', consumerSlots: 1 }, 1).ring;
}

describe('JournalAppender', () => {
  it('appends entries the reader sees in order, numbered from the ring first sequence, stamped and zeroed', () => {
    const ring = journalRing(8);
    const appender = new JournalAppender(ring);
    const receiver = new GatedReceiver(ring);
    appender.eventTime[0] = 1_000;
    expect(appender.appendOrder(JournalKind.orderSent, 7, 1, 101, 10_050, 300, 0)).toBe(true);
    appender.eventTime[0] = 2_000;
    expect(appender.appendReport(7, 1, 101, 0x46, 0x31, 10_049, 100, 100, 200, 1)).toBe(true);
    appender.eventTime[0] = 3_000;
    expect(appender.appendOrder(JournalKind.cancelSent, 7, 1, 102, 0, 0, 101)).toBe(true);
    appender.eventTime[0] = 4_000;
    expect(appender.appendRiskDecision(JournalKind.riskReject, 4, 9, 2, 103, 99, 5)).toBe(true);
    appender.eventTime[0] = 5_000;
    expect(appender.appendControl(JournalKind.killEvent, 2, 17)).toBe(true);
    const seen: ReturnType<typeof readJournalFields>[] = [];
    receiver.poll((record) => seen.push(readJournalFields(record.words, record.base)));
    expect(seen.map((e) => [e.sequence, e.kind, e.monotonicNs])).toEqual([
      [1, JournalKind.orderSent, 1_000],
      [2, JournalKind.reportReceived, 2_000],
      [3, JournalKind.cancelSent, 3_000],
      [4, JournalKind.riskReject, 4_000],
      [5, JournalKind.killEvent, 5_000],
    ]);
    expect(seen[0]).toMatchObject({ instrument: 7, side: 1, orderCounter: 101, price: 10_050, quantity: 300, cumQuantity: 0, leavesQuantity: 0, reason: 0, flags: 0 });
    expect(seen[1]).toMatchObject({ execType: 0x46, ordStatus: 0x31, price: 10_049, quantity: 100, cumQuantity: 100, leavesQuantity: 200, flags: 1 });
    expect(seen[2]).toMatchObject({ orderCounter: 102, cumQuantity: 101, leavesQuantity: 0 }); // origOrderCounter 101 in bytes 52-59
    expect(seen[3]).toMatchObject({ reason: 4, side: 2, instrument: 9 });
    expect(seen[4]).toMatchObject({ reason: 2, quantity: 17, instrument: 0, side: 0, orderCounter: 0, price: 0 });
    // Wall time = monotonic + the wall−monotonic offset taken at start (a minute of slack: not a timing test).
    expect(Math.abs(seen[0].wallNs - seen[0].monotonicNs - (Date.now() * 1e6 - monotonicNs()))).toBeLessThan(60e9);
  });

  it('reports a full ring instead of overwriting, and goes on once the writer took entries', () => {
    const ring = journalRing(4);
    const appender = new JournalAppender(ring);
    const receiver = new GatedReceiver(ring);
    for (let i = 0; i < 4; i++) expect(appender.appendControl(JournalKind.reset, 0, i)).toBe(true);
    expect(appender.appendControl(JournalKind.reset, 0, 99)).toBe(false);
    expect(appender.tryClaim()).toBeNull();
    expect(appender.fullCount).toBe(2);
    // Entries taken with peek() but not yet consume()d still hold their slots.
    const quantities: number[] = [];
    expect(receiver.peek((record) => quantities.push(readJournalFields(record.words, record.base).quantity))).toBe(4);
    expect(appender.appendControl(JournalKind.reset, 0, 99)).toBe(false);
    receiver.consume();
    expect(appender.appendControl(JournalKind.reset, 0, 4)).toBe(true);
    receiver.poll((record) => quantities.push(readJournalFields(record.words, record.base).quantity));
    expect(quantities).toEqual([0, 1, 2, 3, 4]);
    expect(appender.nextSequence).toBe(6);
  });

  it('appends with less than a byte of heap per entry', () => {
    const ring = journalRing(1024);
    const appender = new JournalAppender(ring);
    const receiver = new GatedReceiver(ring);
    const drain = (): void => {
      receiver.poll(() => {}, 1024);
    };
    const append = (count: number): void => {
      for (let i = 0; i < count; i++) {
        // A full ring is the writer's turn (here: drained inline), as the trader would wait.
        appender.eventTime[0] = monotonicNs();
        while (!appender.appendOrder(JournalKind.orderSent, 3, 1, i, 10_000 + (i & 63), 100, 0)) drain();
      }
    };
    append(100_000);
    let least = Infinity;
    for (let attempt = 0; attempt < 10 && least >= 1; attempt++) least = Math.min(least, marginalAllocation(append, 50_000).bytesPerUnit);
    expect(least).toBeLessThan(1);
  });
});
