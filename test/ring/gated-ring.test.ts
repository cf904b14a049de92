// Model-based tests of the backpressure ring: the writer may run at most `capacity`
// records ahead of the slowest consumer slot, so nothing is ever lost or duplicated,
// even when a consumer is replaced by a new one on the same slot.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatedReceiver, NoConsumerSlotError } from '../../runtime/ring/gated-receiver.ts';
import { GatedTransmitter } from '../../runtime/ring/gated-transmitter.ts';
import { allocateSharedRing, type RingMemory } from '../../runtime/ring/ring-memory.ts';
import { hasPayloadOf, writePayloadFor } from '../helpers/records.ts';
import { FlushCommand, modelCommit } from '../helpers/ring-commands.ts';

interface Model {
  capacity: number;
  batch: number;
  written: number;
  published: number;
  positions: number[];
  full: number;
}

interface Real {
  ring: RingMemory;
  transmitter: GatedTransmitter;
  receivers: GatedReceiver[];
  received: number[][];
}

class TryWriteCommand implements fc.Command<Model, Real> {
  readonly count: number;
  constructor(count: number) {
    this.count = count;
  }
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    for (let i = 0; i < this.count; i++) {
      const slowest = Math.min(...model.positions);
      const modelFull = model.written - slowest >= model.capacity;
      const record = real.transmitter.tryClaim();
      expect(record === null).toBe(modelFull);
      if (record === null) {
        model.published = model.written;
        model.full++;
        break;
      }
      writePayloadFor(record, real.transmitter.nextSequence);
      real.transmitter.commit();
      modelCommit(model);
    }
    expect(real.transmitter.fullCount).toBe(model.full);
  }
  toString(): string {
    return `tryWrite(${this.count})`;
  }
}

class PollCommand implements fc.Command<Model, Real> {
  readonly consumer: number;
  readonly limit: number;
  constructor(consumer: number, limit: number) {
    this.consumer = consumer;
    this.limit = limit;
  }
  check(model: Model): boolean {
    return this.consumer < model.positions.length;
  }
  run(model: Model, real: Real): void {
    const from = model.positions[this.consumer];
    const to = Math.min(model.published, from + this.limit);
    const got: number[] = [];
    real.receivers[this.consumer].poll((record) => {
      expect(hasPayloadOf(record, record.sequence)).toBe(true);
      got.push(record.sequence);
    }, this.limit);
    expect(got).toEqual(Array.from({ length: to - from }, (_, i) => from + i));
    real.received[this.consumer].push(...got);
    model.positions[this.consumer] = to;
  }
  toString(): string {
    return `poll(consumer ${this.consumer}, limit ${this.limit})`;
  }
}

/** The consumer process is replaced: the new one claims the same slot and resumes. */
class ReplaceConsumerCommand implements fc.Command<Model, Real> {
  readonly consumer: number;
  constructor(consumer: number) {
    this.consumer = consumer;
  }
  check(model: Model): boolean {
    return this.consumer < model.positions.length;
  }
  run(model: Model, real: Real): void {
    real.receivers[this.consumer].release();
    real.receivers[this.consumer] = new GatedReceiver(real.ring, { slot: this.consumer });
    expect(real.receivers[this.consumer].nextSequence).toBe(model.positions[this.consumer]);
  }
  toString(): string {
    return `replace(consumer ${this.consumer})`;
  }
}

const commands = [
  fc.integer({ min: 1, max: 40 }).map((n) => new TryWriteCommand(n)),
  fc.constant(new FlushCommand<Model, Real>()),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 50 })).map(([c, limit]) => new PollCommand(c, limit)),
  fc.integer({ min: 0, max: 2 }).map((c) => new ReplaceConsumerCommand(c)),
];

describe('backpressure ring', () => {
  it('reports full exactly when the slowest consumer is a capacity behind, and loses or repeats nothing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 4, 8, 16),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        fc.commands(commands, { maxCommands: 200 }),
        (capacity, consumers, batch, cmds) => {
          const { ring } = allocateSharedRing({ capacity, mode: 'backpressure', consumerSlots: consumers });
          const model: Model = { capacity, batch, written: 0, published: 0, positions: new Array<number>(consumers).fill(0), full: 0 };
          const real: Real = {
            ring,
            transmitter: new GatedTransmitter(ring, { batchSize: batch }),
            receivers: Array.from({ length: consumers }, (_, slot) => new GatedReceiver(ring, { slot })),
            received: Array.from({ length: consumers }, () => []),
          };
          fc.modelRun(() => ({ model, real }), cmds);
          // Drain: every consumer has then seen every record exactly once, in order.
          real.transmitter.flush();
          real.receivers.forEach((receiver, i) => receiver.poll((record) => real.received[i].push(record.sequence), Infinity));
          for (const got of real.received) expect(got).toEqual(Array.from({ length: model.written }, (_, i) => i));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reports an empty ring to the reader', () => {
    const { ring } = allocateSharedRing({ capacity: 4, mode: 'backpressure', consumerSlots: 1 });
    const receiver = new GatedReceiver(ring);
    expect(receiver.poll(() => expect.unreachable())).toBe(0);
    expect(receiver.lag()).toBe(0);
  });

  it('gives each consumer its own slot and refuses one more than the ring has', () => {
    const { ring } = allocateSharedRing({ capacity: 4, mode: 'backpressure', consumerSlots: 2 });
    const a = new GatedReceiver(ring);
    const b = new GatedReceiver(ring);
    expect([a.slot, b.slot]).toEqual([0, 1]);
    expect(() => new GatedReceiver(ring)).toThrow(NoConsumerSlotError);
    expect(() => new GatedReceiver(ring, { slot: 5 })).toThrow(/slot 5 does not exist/);
    a.release();
    expect(new GatedReceiver(ring).slot).toBe(0);
  });
});
