// Model-based test of MatchingEngine against ReferenceMatcher: random command sequences
// (submits of every type and TIF, cancels, replaces, mass cancels; valid and invalid ids,
// prices, quantities and codes; every self-trade prevention mode) must give exactly the
// same events, in the same order, and the same resting orders after every command. The
// engine starts with one order row and one level per side so that pool growth is exercised.
// Beside it, the properties checked on the engine alone: conservation, FIFO, a book
// never crossed or locked, and replace semantics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine } from '../../runtime/matching/matching-engine.ts';
import { ReferenceMatcher } from './reference-matcher.ts';
import { type RecordedEvent, RecordingSink } from './recording-sink.ts';

const MAX_PRICE = 1000;
const MAX_QUANTITY = 100;

type Command =
  | { kind: 'submit'; id: number; owner: number; side: number; type: number; tif: number; price: number; quantity: number }
  | { kind: 'cancel'; id: number }
  | { kind: 'replace'; id: number; newId: number; price: number; quantity: number }
  | { kind: 'mass'; owner: number | undefined };

const ids = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 14 }), weight: 30 }, { arbitrary: fc.constantFrom(-1, 1.5, Number.NaN, 2 ** 53, 0), weight: 1 });
const owners = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 30 }, { arbitrary: fc.constantFrom(-2, 0.5), weight: 1 });
const prices = fc.oneof({ arbitrary: fc.integer({ min: 96, max: 104 }), weight: 30 }, { arbitrary: fc.constantFrom(-3, 0, 100.5, MAX_PRICE + 1, Number.NaN), weight: 1 });
const quantities = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 12 }), weight: 30 }, { arbitrary: fc.constantFrom(0, -1, 2.5, MAX_QUANTITY + 1, MAX_QUANTITY), weight: 1 });
const code = (valid: number[], invalid: number[]): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: fc.constantFrom(...valid), weight: 30 }, { arbitrary: fc.constantFrom(...invalid), weight: 1 });

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      id: ids,
      owner: owners,
      side: code([1, 2], [0, 3]),
      type: fc.oneof({ arbitrary: fc.constant(2), weight: 6 }, { arbitrary: code([1], [3]), weight: 1 }),
      tif: fc.oneof({ arbitrary: code([0, 1], [2]), weight: 4 }, { arbitrary: fc.constantFrom(3, 4), weight: 2 }),
      price: prices,
      quantity: quantities,
    }),
    weight: 12,
  },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), id: ids }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), id: ids, newId: ids, price: prices, quantity: quantities }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('mass' as const), owner: fc.option(owners, { nil: undefined }) }), weight: 1 },
);
const scenario = fc.record({ stp: fc.constantFrom(0, 1, 2, 3), commands: fc.array(command, { maxLength: 60 }) });

function apply(target: MatchingEngine | ReferenceMatcher, step: Command): number {
  switch (step.kind) {
    case 'submit':
      return target.submit(step.id, step.owner, step.side, step.type, step.tif, step.price, step.quantity);
    case 'cancel':
      return target.cancel(step.id);
    case 'replace':
      return target.replace(step.id, step.newId, step.price, step.quantity);
    case 'mass':
      if (target instanceof MatchingEngine) return step.owner === undefined ? target.massCancelAll() : target.massCancel(step.owner);
      return target.massCancel(step.owner);
  }
}

function restingOf(engine: MatchingEngine): number[][] {
  return engine.restingOrders().map((order) => [order.id, order.ownerId, order.side, order.price, order.leaves, order.cum, order.notional]);
}

function newEngine(stp: number, sink: RecordingSink): MatchingEngine {
  return new MatchingEngine(sink, { selfTradePrevention: stp, maxPrice: MAX_PRICE, maxQuantity: MAX_QUANTITY, initialOrders: 1, initialLevels: 1 });
}

/** Runs a scenario on the engine alone, handing each command's events and the book before and after it to `check`. */
function runEngine(stp: number, commands: Command[], check: (step: Command, events: RecordedEvent[], before: number[][], after: number[][]) => void): void {
  const sink = new RecordingSink();
  const engine = newEngine(stp, sink);
  for (const step of commands) {
    const before = restingOf(engine);
    apply(engine, step);
    const after = restingOf(engine);
    check(step, sink.take(), before, after);
    const bid = engine.book.bestBidPrice();
    const ask = engine.book.bestAskPrice();
    if (bid !== undefined && ask !== undefined) expect(bid, 'crossed or locked book').toBeLessThan(ask);
  }
}

describe('MatchingEngine against ReferenceMatcher', () => {
  it('emits the same events and keeps the same resting orders after every command', () => {
    fc.assert(
      fc.property(scenario, ({ stp, commands }) => {
        const engineSink = new RecordingSink();
        const modelSink = new RecordingSink();
        const engine = newEngine(stp, engineSink);
        const model = new ReferenceMatcher(modelSink, stp, MAX_PRICE, MAX_QUANTITY);
        for (const step of commands) {
          expect(apply(engine, step)).toBe(apply(model, step));
          expect(engineSink.take()).toEqual(modelSink.take());
          expect(restingOf(engine)).toEqual(model.sorted().map((order) => [order.id, order.owner, order.side, order.price, order.leaves, order.cum, order.notional]));
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('MatchingEngine properties', () => {
  it('conservation: every order\'s leaves + cum is its order quantity at every event, and a trade fills both sides alike', () => {
    fc.assert(
      fc.property(scenario, ({ stp, commands }) => {
        const orderQuantity = new Map<number, number>();
        let bought = 0;
        let sold = 0;
        const sides = new Map<number, number>();
        runEngine(stp, commands, (step, events) => {
          for (const event of events) {
            const [kind, ...values] = event as [string, ...number[]];
            if (kind === 'accepted') {
              orderQuantity.set(values[0], values[6]);
              sides.set(values[0], values[2]);
            } else if (kind === 'replaced') {
              orderQuantity.set(values[1], values[3] + values[4]);
              sides.set(values[1], sides.get(values[0])!);
              if (step.kind === 'replace') expect(values[3] + values[4]).toBe(step.quantity);
            } else if (kind === 'trade') {
              const [aggressor, resting, , quantity, aggressorLeaves, aggressorCum, , restingLeaves, restingCum] = values;
              expect(aggressorLeaves + aggressorCum).toBe(orderQuantity.get(aggressor));
              expect(restingLeaves + restingCum).toBe(orderQuantity.get(resting));
              if (sides.get(aggressor) === 1) bought += quantity;
              else sold += quantity;
              if (sides.get(resting) === 1) bought += quantity;
              else sold += quantity;
            } else if (kind === 'canceled' || kind === 'expired') {
              expect(values[1] + values[2]).toBe(orderQuantity.get(values[0]));
            }
          }
          expect(bought).toBe(sold);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('FIFO: the resting orders one command trades with (or cancels by self-trade prevention) at a price are the front of that price\'s queue, in order', () => {
    fc.assert(
      fc.property(scenario, ({ stp, commands }) => {
        runEngine(stp, commands, (step, events, before) => {
          if (step.kind === 'cancel' || step.kind === 'mass') return;
          const reached = new Map<number, number[]>();
          for (const event of events) {
            // A resting order leaves the front of its queue through a trade, or through a self-trade cancel of a resting order.
            const restingId = event[0] === 'trade' ? (event[2] as number) : event[0] === 'canceled' && event[5] === 2 && event[1] !== stepId(step) ? (event[1] as number) : undefined;
            if (restingId === undefined) continue;
            const order = before.find((row) => row[0] === restingId)!;
            reached.set(order[3], [...(reached.get(order[3]) ?? []), restingId]);
          }
          for (const [price, touched] of reached) {
            const side = before.find((row) => row[0] === touched[0])![2];
            const queue = before.filter((row) => row[2] === side && row[3] === price).map((row) => row[0]);
            // A partly filled order is touched again by nothing else in the same command: dedupe consecutive ids.
            expect(touched.filter((id, index) => touched.indexOf(id) === index)).toEqual(queue.slice(0, new Set(touched).size));
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('replace: same price and quantity not raised keeps the queue place; otherwise the order goes to the back', () => {
    fc.assert(
      fc.property(scenario, ({ stp, commands }) => {
        runEngine(stp, commands, (step, events, before, after) => {
          const replaced = events.find((event) => event[0] === 'replaced');
          if (step.kind !== 'replace' || replaced === undefined) return;
          const [, oldId, newId, price, leaves, , , kept] = replaced as [string, number, number, number, number, number, number, boolean];
          const old = before.find((row) => row[0] === oldId)!;
          expect(kept).toBe(price === old[3] && leaves <= old[4]);
          const queueOf = (rows: number[][]): number[] => rows.filter((row) => row[2] === old[2] && row[3] === price).map((row) => row[0]);
          const traded = events.some((event) => event[0] !== 'replaced' && event[0] !== 'top');
          if (traded) return;
          if (kept) expect(queueOf(after).indexOf(newId)).toBe(queueOf(before).indexOf(oldId));
          else expect(queueOf(after).at(-1)).toBe(newId);
        });
      }),
      { numRuns: 300 },
    );
  });
});

function stepId(step: Command): number | undefined {
  if (step.kind === 'submit') return step.id;
  if (step.kind === 'replace') return step.newId;
  return undefined;
}
