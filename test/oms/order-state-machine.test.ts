// The state machine against the plain reference: random interleavings of events on a few
// orders (acks, fills, cancels, replaces, rejects, cancel rejects, expiries, duplicates of
// any of them); both agree on every verdict and state, and a refused event changes nothing
// and is counted under its (from, event).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ILLEGAL_TRANSITION, IllegalTransitionError, ORDER_EVENT, ORDER_EVENT_NAMES, ORDER_STATE, ORDER_STATE_NAMES } from '../../runtime/oms/order-state.ts';
import { OrderStateMachine, nextPriorOf, nextStateOf } from '../../runtime/oms/order-state-machine.ts';
import { type RefOrder, refApply } from './order-state-reference.ts';

const EVENTS = ORDER_EVENT_NAMES.length;

describe('OrderStateMachine', () => {
  it('agrees with the reference on random interleavings, and refuses without applying', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ order: fc.nat(3), event: fc.nat(EVENTS - 1), repeat: fc.nat(2) }), { maxLength: 80 }),
        (steps) => {
          const machine = new OrderStateMachine();
          const states: { state: number; prior: number }[] = [0, 0, 0, 0].map(() => ({ state: ORDER_STATE.PENDING_NEW, prior: ORDER_STATE.PENDING_NEW }));
          const refs: RefOrder[] = states.map(() => ({ status: 'PendingNew', underneath: 'PendingNew' }));
          const expectedIllegal = new Map<string, number>();
          let illegal = 0;
          for (const { order, event, repeat } of steps) {
            // A duplicate is the same event again, at once.
            for (let r = 0; r <= repeat; r++) {
              const before = states[order];
              const packed = machine.transition(before.state, before.prior, event);
              const ref = refApply(refs[order], ORDER_EVENT_NAMES[event]);
              if (ref === undefined) {
                expect(packed).toBe(ILLEGAL_TRANSITION);
                illegal++;
                const key = `${before.state}/${event}`;
                expectedIllegal.set(key, (expectedIllegal.get(key) ?? 0) + 1);
                continue;
              }
              expect(packed).not.toBe(ILLEGAL_TRANSITION);
              states[order] = { state: nextStateOf(packed), prior: nextPriorOf(packed) };
              refs[order] = ref;
              expect(ORDER_STATE_NAMES[states[order].state]).toBe(ref.status);
              if (ref.status === 'PendingCancel' || ref.status === 'PendingReplace') expect(ORDER_STATE_NAMES[states[order].prior]).toBe(ref.underneath);
            }
          }
          expect(machine.illegalTotal).toBe(illegal);
          for (const [key, count] of expectedIllegal) {
            const [from, event] = key.split('/').map(Number);
            expect(machine.illegalCount(from, event)).toBe(count);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('walks the documented paths', () => {
    const m = new OrderStateMachine();
    const walk = (events: number[]): string => {
      let state: number = ORDER_STATE.PENDING_NEW;
      let prior: number = state;
      for (const e of events) {
        const p = m.transitionOrThrow(state, prior, e);
        state = nextStateOf(p);
        prior = nextPriorOf(p);
      }
      return ORDER_STATE_NAMES[state];
    };
    const { ACK_NEW, FILL_PARTIAL, FILL_FULL, CANCEL_REQUEST, REPLACE_REQUEST, CANCELED, REPLACED, REJECT, CANCEL_REJECT, EXPIRE } = ORDER_EVENT;
    expect(walk([ACK_NEW, FILL_PARTIAL, FILL_FULL])).toBe('Filled');
    expect(walk([ACK_NEW, CANCEL_REQUEST, CANCELED])).toBe('Canceled');
    expect(walk([ACK_NEW, FILL_PARTIAL, REPLACE_REQUEST, REPLACED])).toBe('Replaced');
    expect(walk([ACK_NEW, REPLACE_REQUEST, CANCEL_REJECT])).toBe('New');
    expect(walk([ACK_NEW, CANCEL_REQUEST, FILL_PARTIAL, CANCEL_REJECT])).toBe('PartiallyFilled');
    expect(walk([FILL_PARTIAL, ACK_NEW])).toBe('PartiallyFilled');
    expect(walk([ACK_NEW, CANCEL_REQUEST, FILL_FULL, CANCEL_REJECT])).toBe('Filled');
    expect(walk([REJECT])).toBe('Rejected');
    expect(walk([ACK_NEW, EXPIRE])).toBe('Expired');
    expect(() => walk([ACK_NEW, FILL_FULL, FILL_PARTIAL])).toThrow(IllegalTransitionError);
    expect(() => walk([ACK_NEW, FILL_FULL, FILL_PARTIAL])).toThrow('illegal order transition: FillPartial in state Filled');
    expect(m.illegalCount(ORDER_STATE.FILLED, FILL_PARTIAL)).toBe(2);
  });
});
