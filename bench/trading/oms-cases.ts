// The OMS cases of `npm run bench -- trading` (the runner is bench/trading's, not this file):
// `clordid` (next + write the ClOrdID into a buffer), `fill` (an ExecutionReport's bytes →
// order + position: parse, ExecID check, lookup, state machine, position update) and `position`
// (one fill into the PositionKeeper), each beside the obvious way measured in the same run:
// objects in a Map, template strings, a parsed-to-object report. Each returns its rows.
//
// Time: operations run in batches of BATCH between two monotonicNs() reads (a clock read costs
// about as much as these operations, so one op is never timed alone); p50/p99 are of the
// per-op time of the batches, ops/s is all ops ÷ all batch time. Heap bytes per op: a run of
// 2N minus a run of N, over N (bench/lib/heap-allocation.ts).
import { marginalAllocation, reportedBytesPerUnit } from '../lib/heap-allocation.ts';
import type { BenchOptions, ResultRow } from '../lib/bench-report.ts';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { ClOrdIdGenerator } from '../../runtime/oms/clordid-generator.ts';
import { ExecutionReportApplier } from '../../runtime/oms/execution-report-applier.ts';
import { OrderManager } from '../../runtime/oms/order-manager.ts';
import { SIDE_BUY, SIDE_SELL } from '../../runtime/oms/order-pool.ts';
import { PositionKeeper } from '../../runtime/oms/position-keeper.ts';

export const OMS_IMPL = 'marketfeed';
export const OMS_BASELINE = 'obvious-way';
const BATCH = 64;
const INSTRUMENT = { tickUnits: 1_000_000, tickDecimals: 2 };

/** One operation of a case, run `count` times (its state kept by the closure that makes it). */
type Run = (count: number) => void;

function measure(caseName: string, impl: string, run: Run, options: BenchOptions): ResultRow {
  const batches = options.quick ? 2_000 : 50_000;
  run(batches * BATCH); // warm-up: optimized before measuring
  const perOp = new Float64Array(batches);
  let total = 0;
  for (let b = 0; b < batches; b++) {
    const start = monotonicNs();
    run(BATCH);
    const ns = monotonicNs() - start;
    total += ns;
    perOp[b] = ns / BATCH;
  }
  perOp.sort();
  const allocation = marginalAllocation(run, options.quick ? 20_000 : 200_000);
  return {
    case: caseName,
    impl,
    msgs_per_s: Math.round((batches * BATCH) / (total / 1e9)),
    p50_ns: round1(perOp[Math.floor(batches * 0.5)]),
    p99_ns: round1(perOp[Math.floor(batches * 0.99)]),
    heap_bytes_per_msg: reportedBytesPerUnit(allocation.bytesPerUnit),
  };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `clordid`: the next ClOrdID written as ASCII into a buffer vs a template string in a Map. */
export function clordidRows(options: BenchOptions): ResultRow[] {
  const ids = new ClOrdIdGenerator();
  const bytes = new Uint8Array(32);
  const ours: Run = (count) => {
    for (let i = 0; i < count; i++) ids.write(ids.next(), bytes, 0);
  };
  let counter = 0;
  const seen = new Map<string, number>();
  const prefix = Date.now().toString(36);
  const obvious: Run = (count) => {
    for (let i = 0; i < count; i++) {
      const id = `${prefix}-${++counter}`;
      seen.set(id, counter);
      if (seen.size > 4096) seen.clear();
    }
  };
  return [measure('clordid', OMS_IMPL, ours, options), measure('clordid', OMS_BASELINE, obvious, options)];
}

/** `position`: one fill into the positions vs an object per position in a Map keyed by symbol. */
export function positionRows(options: BenchOptions): ResultRow[] {
  const keeper = new PositionKeeper(8, 2);
  let n = 0;
  const ours: Run = (count) => {
    for (let i = 0; i < count; i++, n++) keeper.fill(n & 1, n & 7, (n >> 3) % 3 === 0 ? SIDE_SELL : SIDE_BUY, 10_000 + (n % 31), 1 + (n % 7));
  };
  const positions = new Map<string, { net: number; cost: number; realized: number }>();
  const symbols = Array.from({ length: 16 }, (_, i) => `ACC${i & 1}:SYM${i >> 1}`);
  let m = 0;
  const obvious: Run = (count) => {
    for (let i = 0; i < count; i++, m++) {
      const key = symbols[m & 15];
      const p = positions.get(key) ?? { net: 0, cost: 0, realized: 0 };
      const q = (m >> 3) % 3 === 0 ? -(1 + (m % 7)) : 1 + (m % 7);
      const price = 10_000 + (m % 31);
      if (p.net === 0 || p.net > 0 === q > 0) p.cost += q * price;
      else {
        const closing = Math.min(Math.abs(q), Math.abs(p.net));
        const removed = (p.cost * closing) / Math.abs(p.net);
        p.realized += Math.sign(p.net) * closing * price - removed;
        p.cost -= removed;
        if (Math.abs(q) > Math.abs(p.net)) p.cost = (p.net + q) * price;
      }
      p.net += q;
      if (p.net === 0) p.cost = 0;
      positions.set(key, { ...p });
    }
  };
  return [measure('position', OMS_IMPL, ours, options), measure('position', OMS_BASELINE, obvious, options)];
}

/**
 * `fill`: an ExecutionReport (35=8, ExecType F) as bytes → the order and the position. Ours:
 * FixParser view → ExecutionReportApplier (ExecID window, ClOrdID lookup, state machine,
 * PositionKeeper). The obvious way: the same bytes split into a tag → string object, orders in
 * a Map by ClOrdID string, ExecIDs in a Set, positions as objects.
 */
export function fillRows(options: BenchOptions): ResultRow[] {
  const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
  const head = latin1('8=FIX.4.4\x019=000\x0135=8\x0137=1\x0111=');
  const execIdTag = latin1('\x0117=');
  const tail = latin1('\x01150=F\x0139=1\x0132=1\x0131=1.25\x01151=999999\x0114=');
  const trailer = latin1('\x0110=000\x01');
  const message = Buffer.alloc(256);

  const positions = new PositionKeeper(1);
  const ids = new ClOrdIdGenerator();
  const oms = new OrderManager(positions, { capacity: 16, clOrdIds: ids });
  const applier = new ExecutionReportApplier(oms, [INSTRUMENT]);
  const parser = new FixParser({ skipFramingChecks: true });
  let order = oms.submit(0, 0, SIDE_BUY, 125, 1_000_000);
  let execId = 0;
  let cum = 0;
  const ours: Run = (count) => {
    for (let i = 0; i < count; i++) {
      if (cum === 999_999) {
        // A fresh order before the last lot is filled: the case measures partial fills.
        oms.release(order);
        order = oms.submit(0, 0, SIDE_BUY, 125, 1_000_000);
        cum = 0;
      }
      message.set(head, 0);
      let at = ids.write(oms.pool.clOrdId[order], message, head.length);
      message.set(execIdTag, at);
      at = putInt(message, at + execIdTag.length, ++execId);
      message.set(tail, at);
      at = putInt(message, at + tail.length, ++cum);
      message.set(trailer, at);
      applier.apply(parser.parse(message, 0, at + trailer.length));
    }
  };

  const orders = new Map<string, { cum: number; notional: number; state: string }>();
  const seen = new Set<string>();
  const positionsByKey = new Map<string, { net: number; cost: number }>();
  let obviousCum = 0;
  let obviousExec = 0;
  orders.set('ORDER1', { cum: 0, notional: 0, state: 'New' });
  const obvious: Run = (count) => {
    for (let i = 0; i < count; i++) {
      const text = `8=FIX.4.4\x019=000\x0135=8\x0137=1\x0111=ORDER1\x0117=${++obviousExec}\x01150=F\x0139=1\x0132=1\x0131=1.25\x01151=999999\x0114=${++obviousCum}\x0110=000\x01`;
      const fields: Record<string, string> = {};
      for (const field of text.split('\x01')) {
        const eq = field.indexOf('=');
        if (eq > 0) fields[field.slice(0, eq)] = field.slice(eq + 1);
      }
      if (seen.has(fields['17'])) continue;
      seen.add(fields['17']);
      if (seen.size > 65_536) seen.clear();
      const o = orders.get(fields['11']);
      if (o === undefined) continue;
      const qty = Number(fields['32']);
      const px = Math.round(Number(fields['31']) * 100);
      o.cum += qty;
      o.notional += qty * px;
      o.state = 'PartiallyFilled';
      const p = positionsByKey.get('SYM') ?? { net: 0, cost: 0 };
      positionsByKey.set('SYM', { net: p.net + qty, cost: p.cost + qty * px });
    }
  };
  return [measure('fill', OMS_IMPL, ours, options), measure('fill', OMS_BASELINE, obvious, options)];
}

/** All OMS case rows, ours beside the baseline's. */
export function omsRows(options: BenchOptions): ResultRow[] {
  return [...clordidRows(options), ...fillRows(options), ...positionRows(options)];
}

function putInt(bytes: Uint8Array, at: number, value: number): number {
  let length = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) length++;
  for (let i = at + length - 1, rest = value; i >= at; i--, rest = Math.floor(rest / 10)) bytes[i] = 0x30 + (rest % 10);
  return at + length;
}
