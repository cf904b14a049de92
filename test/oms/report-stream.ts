// Test helper: a scripted exchange that answers the OrderManager's orders with the exact bytes
// our exchange writes (ExecutionReportWriter, FIX 4.4 or 4.2), and records the trader's actions
// and the reports in order so the same stream can be replayed, perturbed, on a fresh OMS.
import type { ExchangeBook } from '../../runtime/exchange/exchange-book.ts';
import { ExecutionReportWriter, type OrderReport } from '../../runtime/exchange/execution-report-writer.ts';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import type { OrderManager } from '../../runtime/oms/order-manager.ts';
import { SIDE_BUY } from '../../runtime/oms/order-pool.ts';

export const INSTRUMENT = { symbol: 'AAPL', instrumentId: 0, tickUnits: 1_000_000, tickDecimals: 2 };
const BOOK = { instrument: INSTRUMENT } as unknown as ExchangeBook;

export type Step =
  | { kind: 'submit'; side: number; price: number; quantity: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'replace'; order: number; price: number; quantity: number }
  | { kind: 'report'; bytes: Buffer; execId: number | undefined };

interface ExOrder {
  index: number;
  orderId: number;
  clOrdId: string;
  origClOrdId: string | undefined;
  side: number;
  price: number;
  qty: number;
  cum: number;
  notional: number;
  acked: boolean;
  done: boolean;
  /** A cancel or replace request waiting for the exchange's answer. */
  request: { kind: 'cancel' | 'replace'; clOrdId: string; price: number; qty: number } | undefined;
}

/** Drives `oms` with random choices (numbers from `choices`), returning every step taken. */
export function scriptStream(oms: OrderManager, beginString: string, choices: number[], apply: (bytes: Buffer) => void): Step[] {
  const writer = new ExecutionReportWriter(beginString);
  const v42 = beginString === 'FIX.4.2';
  const steps: Step[] = [];
  const orders: ExOrder[] = [];
  let execId = 0;
  let c = 0;
  const pick = (n: number): number => (choices.length === 0 ? 0 : choices[c++ % choices.length] % n);
  const send = (bytes: Buffer, id: number | undefined): void => {
    steps.push({ kind: 'report', bytes, execId: id });
    apply(bytes);
  };
  const report = (o: ExOrder, execType: string, lastPx: number, lastQty: number): void => {
    const e = new FixEncoder({ beginString }).begin('8');
    const leaves = o.done ? 0 : o.qty - o.cum;
    const status = o.done ? (o.cum === o.qty ? '2' : execType === 'C' ? 'C' : '4') : o.cum > 0 ? '1' : '0';
    const r: OrderReport = { orderId: o.orderId, book: BOOK, side: o.side, ordType: 2, timeInForce: 0, clOrdId: o.clOrdId, origClOrdId: o.origClOrdId, price: o.price, orderQty: o.qty, leaves, cum: o.cum, notional: o.notional, lastPx, lastQty };
    writer.executionReport(e, ++execId, 0, r, execType, status, undefined);
    e.finish();
    send(e.toBuffer(), execId);
  };
  for (let step = 0; step < 40; step++) {
    const live = orders.filter((o) => !o.done);
    if (live.length === 0 || (orders.length < 4 && pick(4) === 0)) {
      const side = 1 + pick(2);
      const price = 100 + pick(50);
      const quantity = 1 + pick(20);
      steps.push({ kind: 'submit', side, price, quantity });
      const index = oms.submit(0, 0, side, price, quantity);
      const clOrdId = oms.clOrdIds.format(oms.pool.clOrdId[index]);
      orders.push({ index, orderId: 1000 + orders.length, clOrdId, origClOrdId: undefined, side, price, qty: quantity, cum: 0, notional: 0, acked: false, done: false, request: undefined });
      continue;
    }
    const o = live[pick(live.length)];
    const action = pick(8);
    if (!o.acked && action === 7) {
      // Refused outright (no cancel pending: the exchange never saw it).
      if (o.request !== undefined) continue;
      o.done = true;
      const e = new FixEncoder({ beginString }).begin('8');
      writer.rejectedNew(e, ++execId, 0, o.clOrdId, 'AAPL', String(o.side), o.qty, 99, 'injected reject');
      e.finish();
    send(e.toBuffer(), execId);
    } else if (!o.acked && action < 3) {
      o.acked = true;
      report(o, '0', 0, 0);
    } else if (action < 4) {
      const qty = 1 + pick(o.qty - o.cum);
      const px = o.price - pick(3);
      o.cum += qty;
      o.notional += px * qty;
      o.acked = true;
      if (o.cum === o.qty) o.done = true;
      report(o, v42 ? (o.done ? '2' : '1') : 'F', px, qty);
    } else if (o.request === undefined && o.acked && action < 6) {
      if (action === 4) {
        steps.push({ kind: 'cancel', order: o.index });
        const id = oms.requestCancel(o.index);
        o.request = { kind: 'cancel', clOrdId: oms.clOrdIds.format(id), price: 0, qty: 0 };
      } else {
        const price = o.price + 1;
        const qty = o.cum + 1 + pick(20);
        steps.push({ kind: 'replace', order: o.index, price, quantity: qty });
        const id = oms.requestReplace(o.index, price, qty);
        o.request = { kind: 'replace', clOrdId: oms.clOrdIds.format(id), price, qty };
      }
    } else if (o.request !== undefined) {
      const request = o.request;
      o.request = undefined;
      // A replace below what has been filled meanwhile is refused, as the exchange does.
      if (pick(3) === 0 || (request.kind === 'replace' && request.qty <= o.cum)) {
        const e = new FixEncoder({ beginString }).begin('9');
        writer.cancelReject(e, o.orderId, request.clOrdId, o.clOrdId, o.cum > 0 ? '1' : '0', request.kind === 'cancel' ? '1' : '2', 0, 'too late');
        e.finish();
        send(e.toBuffer(), undefined);
        continue;
      }
      o.origClOrdId = o.clOrdId;
      o.clOrdId = request.clOrdId;
      if (request.kind === 'cancel') {
        o.done = true;
        report(o, '4', 0, 0);
      } else {
        o.price = request.price;
        o.qty = request.qty;
        report(o, '5', 0, 0);
      }
    } else if (o.acked && action === 6) {
      o.done = true;
      report(o, 'C', 0, 0);
    }
  }
  return steps;
}

/** The same bytes with PossDupFlag (43=Y) after MsgType, framing recomputed. */
export function asPossDup(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const body = text.slice(text.indexOf('\x0135=') + 1, text.lastIndexOf('10='));
  const afterMsgType = body.indexOf('\x01') + 1;
  const withFlag = `${body.slice(0, afterMsgType)}43=Y\x01${body.slice(afterMsgType)}`;
  const head = text.slice(0, text.indexOf('\x019=') + 1);
  const message = `${head}9=${withFlag.length}\x01${withFlag}`;
  let sum = 0;
  for (let i = 0; i < message.length; i++) sum += message.charCodeAt(i);
  return Buffer.from(`${message}10=${String(sum % 256).padStart(3, '0')}\x01`, 'latin1');
}

export { SIDE_BUY };
