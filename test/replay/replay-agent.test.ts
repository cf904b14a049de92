// The replay agent's pacing, stamping and error handling, on a clock the test moves: no
// wall time is measured, so the assertions are exact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RECORD_WORDS, RecordFlag, RecordType } from '../../runtime/record/record-layout.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import { ReplayAgent } from '../../runtime/replay/replay-agent.ts';
import { ReplayInputError, type ReplaySource } from '../../runtime/replay/replay-source.ts';

/** A transmitter into an array, with room for `room` records at a time (null when full, like backpressure). */
class ArrayTransmitter implements RecordTransmitter {
  readonly published: MarketDataRecord[] = [];
  fullCount = 0;
  room = Infinity;
  flushes = 0;
  private claimed = new MarketDataRecord();

  get nextSequence(): number {
    return this.published.length;
  }
  tryClaim(): MarketDataRecord | null {
    if (this.room <= 0) {
      this.fullCount++;
      return null;
    }
    this.claimed = new MarketDataRecord();
    this.claimed.sequence = this.published.length;
    return this.claimed;
  }
  commit(): void {
    this.published.push(this.claimed);
    this.room--;
  }
  flush(): void {
    this.flushes++;
  }
}

/** Records with the given source times; throws ReplayInputError after `failAfter` records if set. */
function arraySource(sourceTimes: readonly number[], failAfter?: number): ReplaySource & { closed: boolean } {
  let i = 0;
  return {
    description: 'test records',
    get bytesRead() {
      return i * 64;
    },
    totalBytes: sourceTimes.length * 64,
    closed: false,
    next(out) {
      if (failAfter !== undefined && i === failAfter) throw new ReplayInputError('test.mfcap', 256 + i * 64, 'corrupt block');
      if (i >= sourceTimes.length) return false;
      out.sequence = 1000 + i;
      out.setQuote(555, sourceTimes[i], i, RecordType.quote, i % 2, 100 + i, 101 + i, 10 * i, 20 * i);
      out.words[14] = i; // reserved words travel bit-for-bit too
      i++;
      return true;
    },
    close() {
      this.closed = true;
    },
  };
}

function fakeClock(startNs: number): { now: number; read: () => number } {
  const clock = { now: startNs, read: () => clock.now };
  return clock;
}

const MS = 1_000_000;

describe('ReplayAgent', () => {
  it('at --speed 10 publishes each record a tenth of its source interval after the first, never before', () => {
    const transmitter = new ArrayTransmitter();
    const clock = fakeClock(5_000 * MS);
    const sourceTimes = [1_000_000 * MS, 1_000_100 * MS, 1_001_000 * MS, 1_001_000 * MS, 1_002_000 * MS];
    const agent = new ReplayAgent(transmitter, arraySource(sourceTimes), { speed: 10, count: 0, clock: clock.read });
    const sentAt = (ms: number): number => {
      clock.now = 5_000 * MS + ms * MS;
      agent.doWork();
      return transmitter.published.length;
    };
    expect(sentAt(0)).toBe(1);
    expect(sentAt(9.999)).toBe(1);
    expect(sentAt(10)).toBe(2);
    expect(sentAt(99)).toBe(2);
    expect(sentAt(100)).toBe(4); // two records with the same source time go together
    expect(agent.isDone()).toBe(false);
    expect(sentAt(199.9)).toBe(4);
    expect(sentAt(200)).toBe(5);
    agent.doWork();
    expect(agent.isDone()).toBe(true);
    expect(transmitter.published.map((r) => r.publishTimeNs)).toEqual([0, 10, 100, 100, 200].map((ms) => 5_000 * MS + ms * MS));
    expect(agent.finishedNs - agent.startedNs).toBe(200 * MS);
    expect(agent.lastSourceNs - agent.firstSourceNs).toBe(2_000 * MS);
  });

  it('a jump back in source time (a capture spanning days) starts a new schedule where the previous record was due', () => {
    const transmitter = new ArrayTransmitter();
    const clock = fakeClock(0);
    const S = 1000 * MS;
    const agent = new ReplayAgent(transmitter, arraySource([36_000 * S, 36_000 * S + 100 * MS, 3_600 * S, 3_600 * S + 50 * MS]), { speed: 1, count: 0, clock: clock.read });
    const sentAt = (ms: number): number => {
      clock.now = ms * MS;
      agent.doWork();
      return transmitter.published.length;
    };
    expect(sentAt(0)).toBe(1);
    // The second record is late (published at 130 ms, due at 100): the jump back is due at 100, not 130.
    expect(sentAt(130)).toBe(3);
    expect(sentAt(149)).toBe(3);
    expect(sentAt(150)).toBe(4);
  });

  it('source times a little out of order (interleaved venue clocks) go at once and never delay the schedule', () => {
    const transmitter = new ArrayTransmitter();
    const clock = fakeClock(0);
    // 2,000 records 1 ms apart, every other one 0.8 ms before the one it follows.
    const times = Array.from({ length: 2000 }, (_, i) => 10_000 * MS + (i % 2 === 0 ? i : i - 1.8) * MS);
    const agent = new ReplayAgent(transmitter, arraySource(times), { speed: 1, count: 0, clock: clock.read });
    // Work every 0.1 ms: no record may go before it is due, and the last one is due at 1998 ms.
    for (let at = 0; at <= 1998 * 10; at++) {
      clock.now = (at * MS) / 10;
      agent.doWork();
    }
    expect(transmitter.published).toHaveLength(2000);
    expect(agent.finishedNs).toBe(1998 * MS);
  });

  it('keeps every captured field but sequence, publish time and the replayed flag', () => {
    const transmitter = new ArrayTransmitter();
    const source = arraySource([10, 20, 30]);
    const agent = new ReplayAgent(transmitter, source, { speed: Infinity, count: 0, clock: () => 77 });
    agent.doWork();
    expect(agent.isDone()).toBe(true);
    const original = arraySource([10, 20, 30]);
    const expected = new MarketDataRecord();
    transmitter.published.forEach((record, i) => {
      original.next(expected);
      expect(record.sequence).toBe(i);
      expect(record.publishTimeNs).toBe(77);
      expect(record.flags).toBe(expected.flags | RecordFlag.replayed);
      for (let w = 4; w < RECORD_WORDS; w++) if (w !== 7) expect(record.words[w], `word ${w}`).toBe(expected.words[w]);
    });
  });

  it('flat out publishes in chunks, waits while the ring is full, and stops at --count', () => {
    const times = Array.from({ length: 5000 }, (_, i) => i);
    const transmitter = new ArrayTransmitter();
    const agent = new ReplayAgent(transmitter, arraySource(times), { speed: Infinity, count: 3000, clock: () => 1 });
    transmitter.room = 10;
    expect(agent.doWork()).toBe(10);
    expect(agent.doWork()).toBe(0);
    transmitter.room = Infinity;
    expect(agent.doWork()).toBe(1024);
    while (!agent.isDone()) agent.doWork();
    expect(transmitter.published).toHaveLength(3000);
    expect(transmitter.published.map((r) => r.sourceTimeNs)).toEqual(times.slice(0, 3000));
  });

  it('on bad input keeps the error and ends after publishing every record before it', () => {
    const transmitter = new ArrayTransmitter();
    const agent = new ReplayAgent(transmitter, arraySource([1, 2, 3, 4, 5], 3), { speed: Infinity, count: 0, clock: () => 1 });
    agent.doWork();
    expect(agent.isDone()).toBe(true);
    expect(transmitter.published).toHaveLength(3);
    expect(agent.failure).toBeInstanceOf(ReplayInputError);
    expect(agent.failure?.offset).toBe(256 + 3 * 64);
    expect(agent.doWork()).toBe(0);
  });

  it('never publishes a record before its due time, in order, whatever the speed, source times and clock steps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(0.5, 1, 10, 1000),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 200 }),
        (gaps, speed, steps) => {
          const sourceTimes = gaps.reduce<number[]>((times, gap) => [...times, (times.at(-1) ?? 1e9) + gap], []);
          const transmitter = new ArrayTransmitter();
          const clock = fakeClock(0);
          const agent = new ReplayAgent(transmitter, arraySource(sourceTimes), { speed, count: 0, clock: clock.read });
          for (const step of steps) {
            agent.doWork();
            clock.now += step;
          }
          const published = transmitter.published;
          published.forEach((record, i) => {
            expect(record.sourceTimeNs).toBe(sourceTimes[i]);
            expect(record.publishTimeNs).toBeGreaterThanOrEqual((sourceTimes[i] - sourceTimes[0]) / speed);
          });
          // Everything due by the last doWork() was published.
          const lastWork = clock.now - steps.at(-1)!;
          const due = sourceTimes.filter((t) => (t - sourceTimes[0]) / speed <= lastWork).length;
          expect(published.length).toBe(due);
        },
      ),
    );
  });
});
