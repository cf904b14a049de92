// Model-based tests of the broadcast ring: a writer that never waits and readers that each
// keep a cursor, against a reference that knows which records are still in the ring.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { BroadcastReceiver } from '../../runtime/ring/broadcast-receiver.ts';
import { BroadcastTransmitter } from '../../runtime/ring/broadcast-transmitter.ts';
import { allocateSharedRing, type RingMemory } from '../../runtime/ring/ring-memory.ts';
import { hasPayloadOf, writePayloadFor } from '../helpers/records.ts';
import { FlushCommand, modelCommit } from '../helpers/ring-commands.ts';

interface ReaderModel {
  cursor: number;
  lost: number;
  gaps: number;
  skipped: boolean;
}

interface Model {
  capacity: number;
  batch: number;
  written: number;
  published: number;
  readers: ReaderModel[];
}

interface Real {
  transmitter: BroadcastTransmitter;
  receivers: BroadcastReceiver[];
}

function write(transmitter: BroadcastTransmitter, count: number): void {
  for (let i = 0; i < count; i++) {
    const record = transmitter.tryClaim();
    writePayloadFor(record, transmitter.nextSequence);
    transmitter.commit();
  }
}

class WriteCommand implements fc.Command<Model, Real> {
  readonly count: number;
  constructor(count: number) {
    this.count = count;
  }
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    write(real.transmitter, this.count);
    for (let i = 0; i < this.count; i++) {
      modelCommit(model);
    }
    expect(real.transmitter.nextSequence).toBe(model.written);
  }
  toString(): string {
    return `write(${this.count})`;
  }
}

class PollCommand implements fc.Command<Model, Real> {
  readonly reader: number;
  readonly limit: number;
  constructor(reader: number, limit: number) {
    this.reader = reader;
    this.limit = limit;
  }
  check(model: Model): boolean {
    return this.reader < model.readers.length;
  }
  run(model: Model, real: Real): void {
    const r = model.readers[this.reader];
    // A lapped reader resumes a quarter of the ring ahead of the writer's next slot; the
    // writer may also have overwritten slots of records it has not published yet.
    const resumeAt = model.published - model.capacity + (model.capacity >> 2);
    let start = model.published - r.cursor > model.capacity ? resumeAt : r.cursor;
    while (start < model.published && start < model.written - model.capacity) start = Math.max(start + 1, resumeAt);
    if (start > r.cursor) {
      r.lost += start - r.cursor;
      r.skipped = true;
    }
    const expected: number[] = [];
    for (let s = start; s < model.published && expected.length < this.limit; s++) expected.push(s);
    if (expected.length > 0) {
      r.cursor = expected[expected.length - 1] + 1;
      if (r.skipped) r.gaps++;
      r.skipped = false;
    } else {
      r.cursor = start;
    }

    const delivered: number[] = [];
    const receiver = real.receivers[this.reader];
    const count = receiver.poll((record: MarketDataRecord) => {
      expect(hasPayloadOf(record, record.sequence)).toBe(true);
      delivered.push(record.sequence);
    }, this.limit);
    expect(count).toBe(delivered.length);
    expect(delivered).toEqual(expected);
    expect(receiver.lostRecords).toBe(r.lost);
    expect(receiver.gaps).toBe(r.gaps);
    if (expected.length > 0) expect(receiver.nextSequence).toBe(r.cursor);
  }
  toString(): string {
    return `poll(reader ${this.reader}, limit ${this.limit})`;
  }
}

const commands = [
  fc.integer({ min: 1, max: 40 }).map((n) => new WriteCommand(n)),
  fc.constant(new FlushCommand<Model, Real>()),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 50 })).map(([reader, limit]) => new PollCommand(reader, limit)),
];

describe('broadcast ring', () => {
  it('delivers in order, never a damaged record, and counts exactly what a lapped reader lost', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.commands(commands, { maxCommands: 200 }),
        (capacity, readers, batchWish, cmds) => {
          const batch = Math.min(batchWish, capacity);
          const { ring } = allocateSharedRing({ capacity, mode: 'broadcast', consumerSlots: 0 });
          const model: Model = {
            capacity,
            batch,
            written: 0,
            published: 0,
            readers: Array.from({ length: readers }, () => ({ cursor: 0, lost: 0, gaps: 0, skipped: false })),
          };
          const real: Real = {
            transmitter: new BroadcastTransmitter(ring, { batchSize: batch }),
            receivers: Array.from({ length: readers }, () => new BroadcastReceiver(ring, 'latest')),
          };
          fc.modelRun(() => ({ model, real }), cmds);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts a late reader at the newest record, or at the oldest still in the ring', () => {
    const { ring } = allocateSharedRing({ capacity: 8, mode: 'broadcast', consumerSlots: 0 });
    const transmitter = new BroadcastTransmitter(ring);
    write(transmitter, 20);
    expect(new BroadcastReceiver(ring, 'latest').nextSequence).toBe(20);
    const oldest = new BroadcastReceiver(ring, 'oldest');
    const seen: number[] = [];
    oldest.poll((record) => seen.push(record.sequence));
    expect(seen).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(oldest.lostRecords).toBe(0);
  });
});

/** A reader whose copy of a slot can be interrupted by writer steps, word by word. */
class InterleavedReceiver extends BroadcastReceiver {
  interruptions: Array<{ atWord: number; writes: number }> = [];
  /** Interruptions that fired and rewrote the whole ring (so surely the slot being copied). */
  firedFullLaps = 0;
  private readonly memory: RingMemory;
  private readonly transmitter: BroadcastTransmitter;

  constructor(ring: RingMemory, transmitter: BroadcastTransmitter) {
    super(ring, 'oldest');
    this.memory = ring;
    this.transmitter = transmitter;
  }

  protected override copySlot(word: number, target: Int32Array): void {
    const interruption = this.interruptions.shift();
    for (let i = 0; i < 16; i++) {
      if (interruption !== undefined && i === interruption.atWord) {
        write(this.transmitter, interruption.writes);
        this.transmitter.flush();
        if (interruption.writes >= this.memory.capacity) this.firedFullLaps++;
      }
      target[i] = this.memory.words[word + i];
    }
  }
}

describe('broadcast ring torn reads', () => {
  it('discards a record overwritten during the copy, at any word, and accounts for every record', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8),
        fc.array(fc.record({ atWord: fc.integer({ min: 0, max: 15 }), writes: fc.integer({ min: 0, max: 20 }) }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 30 }),
        (capacity, interruptions, writesBetweenPolls) => {
          const { ring } = allocateSharedRing({ capacity, mode: 'broadcast', consumerSlots: 0 });
          const transmitter = new BroadcastTransmitter(ring);
          const receiver = new InterleavedReceiver(ring, transmitter);
          receiver.interruptions = [...interruptions];
          let delivered = 0;
          let last = -1;
          const check = (record: MarketDataRecord): void => {
            expect(hasPayloadOf(record, record.sequence)).toBe(true);
            expect(record.sequence).toBeGreaterThan(last);
            last = record.sequence;
            delivered++;
          };
          for (const writes of writesBetweenPolls) {
            write(transmitter, writes);
            transmitter.flush();
            receiver.poll(check);
          }
          receiver.interruptions = [];
          receiver.poll(check, Infinity);
          expect(delivered + receiver.lostRecords).toBe(transmitter.nextSequence);
          expect(receiver.tornReads).toBeGreaterThanOrEqual(receiver.firedFullLaps);
        },
      ),
      { numRuns: 500 },
    );
  });
});
