// The OMS hot paths create no object per order or report: ClOrdID generation and writing,
// submit → ack → fill report → release through the applier (orders, lookups, ExecID window,
// positions), and position updates. Judged as a marginal figure (a run of 2N minus a run of N,
// over N), the least of a few attempts, as the other allocation tests do. Bytes, never time.
import { describe, expect, it } from 'vitest';
import { marginalAllocation } from '../../bench/lib/heap-allocation.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { ClOrdIdGenerator } from '../../runtime/oms/clordid-generator.ts';
import { APPLY_RESULT, ExecutionReportApplier } from '../../runtime/oms/execution-report-applier.ts';
import { OrderManager } from '../../runtime/oms/order-manager.ts';
import { SIDE_BUY, SIDE_SELL } from '../../runtime/oms/order-pool.ts';
import { PositionKeeper } from '../../runtime/oms/position-keeper.ts';
import { INSTRUMENT } from './report-stream.ts';

function least(run: (count: number) => void, units: number): number {
  run(units);
  let best = Infinity;
  for (let attempt = 0; attempt < 10 && best >= 1; attempt++) best = Math.min(best, marginalAllocation(run, units).bytesPerUnit);
  return best;
}

/** Writes the decimal `value` into `bytes` at `at`; returns the end. */
function putInt(bytes: Uint8Array, at: number, value: number): number {
  let length = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) length++;
  for (let i = at + length - 1, rest = value; i >= at; i--, rest = Math.floor(rest / 10)) bytes[i] = 0x30 + (rest % 10);
  return at + length;
}

describe('OMS allocation', () => {
  it('generates and writes ClOrdIDs in less than a byte each', () => {
    const ids = new ClOrdIdGenerator({ nowMs: 1_800_000_000_000 });
    const bytes = new Uint8Array(32);
    // A typed array, not a captured number: a double kept in a closure is boxed on every write.
    const sum = new Float64Array(1);
    const run = (count: number): void => {
      for (let i = 0; i < count; i++) {
        const end = ids.write(ids.next(), bytes, 0);
        sum[0] += ids.parse(bytes, 0, end);
      }
    };
    expect(least(run, 200_000)).toBeLessThan(1);
    expect(sum[0]).toBeGreaterThan(0);
  });

  it('submits, acknowledges, fills from report bytes and releases orders in less than a byte per order', () => {
    const positions = new PositionKeeper(1, 1);
    const oms = new OrderManager(positions, { capacity: 64, clOrdIds: new ClOrdIdGenerator({ nowMs: 1_800_000_000_000 }) });
    const applier = new ExecutionReportApplier(oms, [INSTRUMENT], 4096);
    const parse = new FixParser({ skipFramingChecks: true });
    const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
    const head = latin1('8=FIX.4.4\x019=000\x0135=8\x0137=');
    const clOrdIdTag = latin1('\x0111=');
    const execIdTag = latin1('\x0117=');
    const ackTail = latin1('\x01150=0\x0139=0\x01151=10\x0114=0\x0110=000\x01');
    const fillTail = latin1('\x01150=F\x0139=2\x0132=10\x0131=1.25\x01151=0\x0114=10\x0110=000\x01');
    const message = Buffer.alloc(256);
    let execId = 0;
    /** Builds a report for ClOrdID `counter` into `message` (no object); returns its length. */
    const report = (counter: number, tail: Uint8Array): number => {
      message.set(head, 0);
      let at = putInt(message, head.length, 1_000_000_000 + counter);
      message.set(clOrdIdTag, at);
      at = oms.clOrdIds.write(counter, message, at + clOrdIdTag.length);
      message.set(execIdTag, at);
      at = putInt(message, at + execIdTag.length, ++execId);
      message.set(tail, at);
      return at + tail.length;
    };
    let applied = 0;
    const run = (count: number): void => {
      for (let i = 0; i < count; i++) {
        const index = oms.submit(0, 0, i % 2 === 0 ? SIDE_BUY : SIDE_SELL, 125, 10);
        const counter = oms.pool.clOrdId[index];
        if (applier.apply(parse.parse(message, 0, report(counter, ackTail))) === APPLY_RESULT.APPLIED) applied++;
        if (applier.apply(parse.parse(message, 0, report(counter, fillTail))) === APPLY_RESULT.APPLIED) applied++;
        oms.release(index);
      }
    };
    expect(least(run, 20_000)).toBeLessThan(1);
    expect(applied).toBeGreaterThan(0);
    expect(applier.counts[APPLY_RESULT.APPLIED]).toBe(applied);
    expect(applier.counts[APPLY_RESULT.MALFORMED] + applier.counts[APPLY_RESULT.UNKNOWN_ORDER]).toBe(0);
    expect(oms.pool.size).toBe(0);
    expect(positions.openBuy(0) + positions.openSell(0)).toBe(0);
  });

  it('updates positions in less than a byte per fill', () => {
    const k = new PositionKeeper(4, 2);
    const run = (count: number): void => {
      for (let i = 0; i < count; i++) {
        k.fill(i & 1, i & 3, (i >> 2) % 3 === 0 ? SIDE_SELL : SIDE_BUY, 1000 + (i % 17), 1 + (i % 5));
        k.addOpen(i & 1, i & 3, SIDE_BUY, 1);
        k.addOpen(i & 1, i & 3, SIDE_BUY, -1);
      }
    };
    k.mark(0, 1005);
    expect(least(run, 200_000)).toBeLessThan(1);
    expect(k.fills).toBeGreaterThan(0);
  });
});
