// The applier on the bytes our exchange writes (FIX 4.4 and 4.2): a random clean stream of
// acks, fills, cancels, replaces, rejects, cancel rejects and expiries is applied once; the
// same stream with exact duplicates and PossDup resends inserted anywhere later (with an ExecID
// window large enough, or too small to remember them) must leave every order and position
// exactly as the clean stream did.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { ClOrdIdGenerator } from '../../runtime/oms/clordid-generator.ts';
import { APPLY_RESULT, ExecutionReportApplier } from '../../runtime/oms/execution-report-applier.ts';
import { OrderManager } from '../../runtime/oms/order-manager.ts';
import { SIDE_BUY } from '../../runtime/oms/order-pool.ts';
import { ORDER_STATE } from '../../runtime/oms/order-state.ts';
import { PositionKeeper } from '../../runtime/oms/position-keeper.ts';
import { INSTRUMENT, type Step, asPossDup, scriptStream } from './report-stream.ts';

const NOW = Date.UTC(2026, 11, 3);

function system(window = 65_536): { oms: OrderManager; applier: ExecutionReportApplier; parser: FixParser; apply: (bytes: Buffer) => number } {
  const oms = new OrderManager(new PositionKeeper(1), { capacity: 4, clOrdIds: new ClOrdIdGenerator({ nowMs: NOW }) });
  const applier = new ExecutionReportApplier(oms, [INSTRUMENT], window);
  const parser = new FixParser();
  return { oms, applier, parser, apply: (bytes) => applier.apply(parser.parse(bytes)) };
}

function snapshot(oms: OrderManager): unknown {
  const p = oms.pool;
  const orders = [];
  for (let i = 0; i < p.capacity; i++) {
    if (p.isInUse(i)) orders.push([p.state[i], p.prior[i], p.cum[i], p.leaves[i], p.notional[i], p.price[i], p.quantity[i], p.clOrdId[i], p.orderId[i]]);
  }
  const k = oms.positions;
  return { orders, position: [k.position(0), k.positionCost(0), k.realized(0), k.openBuy(0), k.openSell(0), k.grossExposure()] };
}

function replay(steps: Step[], apply: (bytes: Buffer) => number, oms: OrderManager): void {
  for (const s of steps) {
    if (s.kind === 'submit') oms.submit(0, 0, s.side, s.price, s.quantity);
    else if (s.kind === 'cancel') oms.requestCancel(s.order);
    else if (s.kind === 'replace') oms.requestReplace(s.order, s.price, s.quantity);
    else apply(s.bytes);
  }
}

describe('ExecutionReportApplier', () => {
  for (const beginString of ['FIX.4.4', 'FIX.4.2']) {
    it(`applies each report exactly once through duplicates and PossDup resends (${beginString})`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.nat(1000), { minLength: 1, maxLength: 120 }),
          fc.array(fc.record({ from: fc.nat(), to: fc.nat(), possDup: fc.boolean() }), { maxLength: 15 }),
          fc.boolean(),
          (choices, copies, smallWindow) => {
            const clean = system();
            const results: number[] = [];
            const steps = scriptStream(clean.oms, beginString, choices, (bytes) => results.push(clean.apply(bytes)));
            expect(results.filter((r) => r !== APPLY_RESULT.APPLIED)).toEqual([]);
            expect(clean.oms.machine.illegalTotal).toBe(0);
            // Insert copies of earlier reports later in the stream.
            const perturbed = [...steps];
            for (const { from, to, possDup } of copies) {
              const reports = perturbed.map((s, i) => [s, i] as const).filter(([s]) => s.kind === 'report');
              if (reports.length === 0) break;
              const [original, at] = reports[from % reports.length];
              if (original.kind !== 'report') continue;
              // With a window too small to remember them, only flagged resends are safe (FIX requires the
              // flag); an OrderCancelReject has no ExecID, so its copy is always a flagged resend.
              const flagged = possDup || smallWindow || original.execId === undefined;
              const position = at + 1 + (to % (perturbed.length - at));
              perturbed.splice(position, 0, { ...original, bytes: flagged ? asPossDup(original.bytes) : original.bytes });
            }
            const noisy = system(smallWindow ? 1 : 65_536);
            const noisyResults: number[] = [];
            replay(perturbed, (bytes) => {
              const r = noisy.apply(bytes);
              noisyResults.push(r);
              return r;
            }, noisy.oms);
            expect(snapshot(noisy.oms)).toEqual(snapshot(clean.oms));
            expect(noisyResults.filter((r) => r === APPLY_RESULT.ILLEGAL_TRANSITION || r === APPLY_RESULT.OVERFILL)).toEqual([]);
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('counts unknown orders and duplicates, finds a fill that came before the New ack, and keeps positions', () => {
    const { oms, applier, apply } = system();
    const other = new ClOrdIdGenerator({ nowMs: NOW - 5 });
    const steps = scriptStream(new OrderManager(new PositionKeeper(1), { clOrdIds: other }), 'FIX.4.4', [0, 1, 3, 5, 3, 2, 3], () => undefined);
    const firstReport = steps.find((s) => s.kind === 'report');
    if (firstReport?.kind !== 'report') throw new Error('no report');
    expect(apply(firstReport.bytes)).toBe(APPLY_RESULT.UNKNOWN_ORDER);
    expect(applier.counts[APPLY_RESULT.UNKNOWN_ORDER]).toBe(1);

    // Fill first, then the New ack: both applied, the ack changes nothing.
    const index = oms.submit(0, 0, SIDE_BUY, 150, 10);
    const id = oms.clOrdIds.format(oms.pool.clOrdId[index]);
    const fill = message(`35=8\x0137=77\x0111=${id}\x0117=1\x01150=F\x0139=1\x0155=AAPL\x0154=1\x0138=10\x0140=2\x0144=1.50\x0159=0\x0132=4\x0131=1.49\x01151=6\x0114=4\x016=1.49\x01`);
    const ack = message(`35=8\x0137=77\x0111=${id}\x0117=0\x01150=0\x0139=0\x0155=AAPL\x0154=1\x0138=10\x0140=2\x0144=1.50\x0159=0\x01151=10\x0114=0\x016=0\x01`);
    expect(apply(fill)).toBe(APPLY_RESULT.APPLIED);
    expect(apply(ack)).toBe(APPLY_RESULT.APPLIED);
    expect(apply(fill)).toBe(APPLY_RESULT.DUPLICATE);
    expect([oms.pool.state[index], oms.pool.cum[index], oms.byOrderId(77)]).toEqual([ORDER_STATE.PARTIALLY_FILLED, 4, index]);
    expect([oms.positions.position(0), oms.positions.positionCost(0), oms.positions.openBuy(0)]).toEqual([4, 4 * 149, 6]);
    // A second ack without PossDup is an illegal transition (counted, not applied); with it, stale.
    expect(apply(message(`35=8\x0137=77\x0111=${id}\x0117=9\x01150=F\x0139=1\x0132=20\x0131=1.49\x01151=0\x0114=24\x01`))).toBe(APPLY_RESULT.OVERFILL);
    expect(apply(message(`35=8\x0137=77\x0111=${id}\x0117=10\x01150=8\x0139=8\x01`))).toBe(APPLY_RESULT.ILLEGAL_TRANSITION);
    expect(apply(message(`35=8\x0143=Y\x0137=77\x0111=${id}\x0117=11\x01150=8\x0139=8\x01`))).toBe(APPLY_RESULT.STALE);
    expect(apply(message(`35=8\x0137=77\x0111=${id}\x0117=12\x01150=F\x0132=1\x0131=1.491\x0114=5\x01`))).toBe(APPLY_RESULT.MALFORMED);
    expect(apply(message(`35=0\x01`))).toBe(APPLY_RESULT.NOT_A_REPORT);
    expect(oms.pool.cum[index]).toBe(4);
    expect(oms.machine.illegalCount(ORDER_STATE.PARTIALLY_FILLED, 7)).toBe(1);
  });
});

function message(body: string): Buffer {
  const head = `8=FIX.4.4\x019=${body.length}\x01`;
  let sum = 0;
  for (const ch of head + body) sum += ch.charCodeAt(0);
  return Buffer.from(`${head}${body}10=${String(sum % 256).padStart(3, '0')}\x01`, 'latin1');
}
