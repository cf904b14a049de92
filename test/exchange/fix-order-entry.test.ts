// The exchange's FIX application layer against the FIX spec: every order state's
// ExecutionReport fields (table tests, FIX 4.2 and 4.4), OrderCancelReject reasons, mass
// cancel, reject and latency injection, and fast-check properties over random order flows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { FixValidator } from '../../runtime/fix/fix-validator.ts';
import { Exchange } from '../../runtime/exchange/exchange.ts';
import { FixOrderEntry, type FixOrderEntryOptions, type OrderEntrySession } from '../../runtime/exchange/fix-order-entry.ts';
import { dataPath } from '../helpers/shared-data.ts';

type Fields = Record<number, string>;

const DICTIONARIES = new Map([
  ['FIX.4.2', loadFixDictionary(dataPath('fix/dictionaries/FIX42.xml'))],
  ['FIX.4.4', loadFixDictionary(dataPath('fix/dictionaries/FIX44.xml'))],
]);

/**
 * A session that keeps every message it is sent, as tag → value, after checking it against
 * the version's QuickFIX dictionary (strict: required fields, enums, formats, field order).
 */
class RecordingSession implements OrderEntrySession {
  readonly messages: Fields[] = [];
  readonly beginString: string;
  private readonly parser = new FixParser();
  private readonly validator: FixValidator;
  private readonly encoder: FixEncoder;
  private seq = 0;
  constructor(beginString: string) {
    this.beginString = beginString;
    this.encoder = new FixEncoder({ beginString });
    this.validator = new FixValidator(DICTIONARIES.get(beginString)!, { strict: true });
  }
  /** As FixSession.send: the header, then the body the order entry writes. */
  send(msgType: string, body: (encoder: FixEncoder) => void): void {
    const encoder = this.encoder.begin(msgType).int(34, ++this.seq).string(49, 'EXCH').utcTimestamp(52, 1_764_000_000_000).string(56, 'CLIENT');
    body(encoder);
    encoder.finish();
    const message = encoder.toBuffer();
    const view = this.parser.parse(message);
    const findings = this.validator.validate(view);
    const problems = Array.from({ length: findings }, (_, i) => this.validator.describe(i));
    expect(problems, Buffer.from(message).toString('latin1').replaceAll('\x01', '|')).toEqual([]);
    const fields: Fields = {};
    for (let i = 0; i < view.count; i++) fields[view.tags[i]] = view.stringAt(i);
    this.messages.push(fields);
  }
  take(): Fields[] {
    return this.messages.splice(0);
  }
}

function venue(options: FixOrderEntryOptions = {}, beginString = 'FIX.4.4') {
  const exchange = new Exchange({ symbols: ['AAPL', 'MSFT'], tickSize: '0.01' });
  const entry = new FixOrderEntry(exchange, { nowMs: () => 1_764_000_000_000, ...options });
  const session = new RecordingSession(beginString);
  entry.open(session);
  const encoder = new FixEncoder({ beginString });
  const parser = new FixParser();
  const message = (msgType: string, fields: [number, string | number][]): void => {
    encoder.begin(msgType);
    for (const [tag, value] of fields) encoder.string(tag, String(value));
    encoder.finish();
    const handled = entry.onMessage(session, parser.parse(encoder.buffer, encoder.start, encoder.end));
    if (!handled) session.messages.push({ 35: `unhandled ${msgType}` });
  };
  return {
    exchange,
    entry,
    session,
    message,
    order: (clOrdId: string, side: 1 | 2, qty: number, price?: string, extra: [number, string | number][] = []) =>
      message('D', [
        [11, clOrdId],
        [55, 'AAPL'],
        [54, side],
        [38, qty],
        [40, price === undefined ? 1 : 2],
        ...(price === undefined ? [] : ([[44, price]] as [number, string][])),
        ...extra,
      ]),
  };
}

/** The fields of an ExecutionReport that describe the order's state. */
function state(report: Fields): Fields {
  const picked: Fields = {};
  for (const tag of [35, 11, 41, 150, 39, 38, 14, 151, 6, 31, 32, 20, 103, 434, 102]) if (report[tag] !== undefined) picked[tag] = report[tag];
  return picked;
}

describe('FixOrderEntry: ExecutionReports in every order state (FIX 4.4)', () => {
  it('new → partially filled → filled: ExecType 0/F/F, OrdStatus 0/1/2, CumQty + LeavesQty = OrderQty, AvgPx exact', () => {
    const v = venue();
    v.order('B1', 1, 300, '100.00');
    expect(v.session.take().map(state)).toEqual([{ 35: '8', 11: 'B1', 150: '0', 39: '0', 38: '300', 14: '0', 151: '300', 6: '0' }]);
    v.order('S1', 2, 100, '100.00');
    v.order('S2', 2, 200, '99.99');
    expect(v.session.take().map(state)).toEqual([
      { 35: '8', 11: 'S1', 150: '0', 39: '0', 38: '100', 14: '0', 151: '100', 6: '0' },
      { 35: '8', 11: 'S1', 150: 'F', 39: '2', 38: '100', 14: '100', 151: '0', 6: '100.00', 31: '100.00', 32: '100' },
      { 35: '8', 11: 'B1', 150: 'F', 39: '1', 38: '300', 14: '100', 151: '200', 6: '100.00', 31: '100.00', 32: '100' },
      { 35: '8', 11: 'S2', 150: '0', 39: '0', 38: '200', 14: '0', 151: '200', 6: '0' },
      { 35: '8', 11: 'S2', 150: 'F', 39: '2', 38: '200', 14: '200', 151: '0', 6: '100.00', 31: '100.00', 32: '200' },
      { 35: '8', 11: 'B1', 150: 'F', 39: '2', 38: '300', 14: '300', 151: '0', 6: '100.00', 31: '100.00', 32: '200' },
    ]);
  });

  it('averages fills at several prices exactly (AvgPx = Σ LastPx × LastQty / CumQty)', () => {
    const v = venue();
    v.order('S1', 2, 1, '100.01');
    v.order('S2', 2, 2, '100.02');
    v.session.take();
    v.order('B1', 1, 3, '100.02');
    const last = v.session.take().filter((m) => m[11] === 'B1').at(-1)!;
    expect(state(last)).toMatchObject({ 11: 'B1', 150: 'F', 39: '2', 14: '3', 151: '0', 6: '100.01666667' });
  });

  it('cancel: ExecType 4, OrdStatus 4, LeavesQty 0, the new ClOrdID with OrigClOrdID', () => {
    const v = venue();
    v.order('B1', 1, 300, '100');
    v.order('S1', 2, 100, '100');
    v.session.take();
    v.message('F', [[11, 'C1'], [41, 'B1'], [55, 'AAPL'], [54, 1]]);
    expect(v.session.take().map(state)).toEqual([{ 35: '8', 11: 'C1', 41: 'B1', 150: '4', 39: '4', 38: '300', 14: '100', 151: '0', 6: '100.00' }]);
  });

  it('replace: ExecType 5 with the new quantity and price; OrdStatus is the order state (4.4) or 5 (4.2)', () => {
    for (const [beginString, status, extra] of [['FIX.4.4', '0', {}], ['FIX.4.2', '5', { 20: '0', 31: '0', 32: '0' }]] as const) {
      const v = venue({}, beginString);
      v.order('B1', 1, 300, '100');
      v.session.take();
      v.message('G', [[11, 'R1'], [41, 'B1'], [55, 'AAPL'], [54, 1], [38, 200], [40, 2], [44, '100.05']]);
      const [report] = v.session.take();
      expect(state(report)).toEqual({ 35: '8', 11: 'R1', 41: 'B1', 150: '5', 39: status, 38: '200', 14: '0', 151: '200', 6: '0', ...extra });
      expect(report[44]).toBe('100.05');
    }
  });

  it('IOC remainder expires: ExecType C, OrdStatus C, LeavesQty 0', () => {
    const v = venue();
    v.order('S1', 2, 100, '100');
    v.order('B1', 1, 300, '100', [[59, '3']]);
    expect(v.session.take().slice(-1).map(state)).toEqual([{ 35: '8', 11: 'B1', 150: 'C', 39: 'C', 38: '300', 14: '100', 151: '0', 6: '100.00' }]);
  });

  it('FIX 4.2 reports fills as ExecType 1/2 with ExecTransType 0', () => {
    const v = venue({}, 'FIX.4.2');
    v.order('B1', 1, 300, '100');
    v.order('S1', 2, 100, '100');
    v.order('S2', 2, 200, '100');
    const fills = v.session.take().filter((m) => m[11] === 'B1' && m[150] !== '0');
    expect(fills.map((m) => [m[20], m[150], m[39]])).toEqual([
      ['0', '1', '1'],
      ['0', '2', '2'],
    ]);
  });

  it.each([
    ['an unknown symbol', [[55, 'NOPE']], '1'],
    ['a zero quantity', [[38, 0]], '13'],
    ['a price off the tick', [[44, '100.005']], '99'],
    ['an unsupported TimeInForce', [[59, '6']], '99'],
  ] as const)('rejects %s: ExecType 8, OrdStatus 8, OrdRejReason', (_name, overrides, reason) => {
    const v = venue();
    const fields = new Map<number, string | number>([[11, 'B1'], [55, 'AAPL'], [54, 1], [38, 100], [40, 2], [44, '100']]);
    for (const [tag, value] of overrides) fields.set(tag, value);
    v.message('D', [...fields]);
    const [report] = v.session.take();
    expect(state(report)).toMatchObject({ 35: '8', 11: 'B1', 150: '8', 39: '8', 103: reason, 14: '0', 151: '0' });
    expect(v.exchange.books[0].engine.restingOrders()).toEqual([]);
  });

  it.each([
    ['D without OrderQty', 'D', [[11, 'B1'], [55, 'AAPL'], [54, 1], [40, 2], [44, '100']], { 35: '8', 11: 'B1', 150: '8', 39: '8', 103: '99' }, /tag 38/],
    ['D with a malformed OrderQty', 'D', [[11, 'B1'], [55, 'AAPL'], [54, 1], [38, 'ten'], [40, 2], [44, '100']], { 35: '8', 150: '8', 103: '99' }, /a price|decimal|number/i],
    ['F without OrigClOrdID', 'F', [[11, 'C1'], [55, 'AAPL'], [54, 1]], { 35: '9', 11: 'C1', 41: 'NONE', 434: '1', 102: '99' }, /tag 41/],
  ] as const)('refuses %s with a reject naming the problem, changing nothing', (_name, msgType, fields, expected, text) => {
    const v = venue();
    v.message(msgType, fields as unknown as [number, string | number][]);
    const [report] = v.session.take();
    expect(state(report)).toMatchObject(expected);
    expect(report[58]).toMatch(text);
    expect(v.exchange.books[0].engine.restingOrders()).toEqual([]);
  });

  it('a duplicate live ClOrdID is rejected (OrdRejReason 6) and the live order is untouched', () => {
    const v = venue();
    v.order('B1', 1, 100, '100');
    v.order('B1', 1, 100, '101');
    expect(v.session.take().map((m) => [m[150], m[103]])).toEqual([['0', undefined], ['8', '6']]);
    expect(v.exchange.books[0].engine.restingOrders().map((o) => o.price)).toEqual([10_000]);
  });
});

describe('FixOrderEntry: OrderStatusRequest (H)', () => {
  const status = (v: ReturnType<typeof venue>, clOrdId: string, side = 1): Fields[] => {
    v.message('H', [[11, clOrdId], [55, 'AAPL'], [54, side]]);
    return v.session.take().map(state);
  };

  it('answers with the order as it stands (ExecType I), live or done, by its current or an earlier ClOrdID', () => {
    const v = venue();
    v.order('B1', 1, 300, '100');
    v.order('S1', 2, 100, '100');
    v.session.take();
    expect(status(v, 'B1')).toEqual([{ 35: '8', 11: 'B1', 150: 'I', 39: '1', 38: '300', 14: '100', 151: '200', 6: '100.00' }]);
    v.message('G', [[11, 'R1'], [41, 'B1'], [55, 'AAPL'], [54, 1], [38, 150], [40, 2], [44, '100']]);
    v.session.take();
    // Asked by its first ClOrdID, the order answers as it is now: ClOrdID R1, OrigClOrdID B1.
    expect(status(v, 'B1')).toEqual([{ 35: '8', 11: 'R1', 41: 'B1', 150: 'I', 39: '1', 38: '150', 14: '100', 151: '50', 6: '100.00' }]);
    expect(status(v, 'S1', 2)).toEqual([{ 35: '8', 11: 'S1', 150: 'I', 39: '2', 38: '100', 14: '100', 151: '0', 6: '100.00' }]);
    v.message('F', [[11, 'C1'], [41, 'R1'], [55, 'AAPL'], [54, 1]]);
    v.session.take();
    expect(status(v, 'C1')).toEqual([{ 35: '8', 11: 'C1', 41: 'R1', 150: 'I', 39: '4', 38: '150', 14: '100', 151: '0', 6: '100.00' }]);
  });

  it('an unknown ClOrdID: OrdStatus 8 with OrdRejReason 5 (unknown order), nothing else changes', () => {
    const v = venue();
    const [report] = status(v, 'NOPE');
    expect(report).toEqual({ 35: '8', 11: 'NOPE', 150: 'I', 39: '8', 14: '0', 151: '0', 6: '0', 103: '5' });
    expect(v.entry.counts).toEqual({ orders: 0, fills: 0, rejects: 0, cancelRejects: 0 });
  });

  it('FIX 4.2: ExecTransType 3 (status), ExecType the order status', () => {
    const v = venue({}, 'FIX.4.2');
    v.order('B1', 1, 300, '100');
    v.session.take();
    expect(status(v, 'B1')).toEqual([{ 35: '8', 11: 'B1', 20: '3', 150: '0', 39: '0', 38: '300', 14: '0', 151: '300', 6: '0', 31: '0', 32: '0' }]);
    expect(status(v, 'NOPE')).toEqual([{ 35: '8', 11: 'NOPE', 20: '3', 150: '8', 39: '8', 14: '0', 151: '0', 6: '0', 31: '0', 32: '0', 103: '5' }]);
  });
});

describe('FixOrderEntry: OrderCancelReject', () => {
  it.each([
    ['an unknown order', 'F', 'NOPE', '1', '1', '8'],
    ['a filled order (too late)', 'F', 'S1', '0', '1', '2'],
    ['an unknown order to replace', 'G', 'NOPE', '1', '2', '8'],
  ] as const)('answers a cancel of %s with 35=9, CxlRejReason, CxlRejResponseTo, OrdStatus', (_name, msgType, orig, reason, responseTo, status) => {
    const v = venue();
    v.order('S1', 2, 100, '100');
    v.order('B1', 1, 100, '100');
    v.session.take();
    v.message(msgType, [[11, 'X1'], [41, orig], [55, 'AAPL'], [54, 2], [38, 100], [40, 2], [44, '100']]);
    expect(v.session.take().map(state)).toEqual([{ 35: '9', 11: 'X1', 41: orig, 39: status, 434: responseTo, 102: reason }]);
  });

  it('a replace below the filled quantity changes nothing and keeps the old ClOrdID', () => {
    const v = venue();
    v.order('B1', 1, 300, '100');
    v.order('S1', 2, 200, '100');
    v.session.take();
    v.message('G', [[11, 'R1'], [41, 'B1'], [55, 'AAPL'], [54, 1], [38, 100], [40, 2], [44, '100']]);
    expect(v.session.take().map(state)).toEqual([{ 35: '9', 11: 'R1', 41: 'B1', 39: '1', 434: '2', 102: '99' }]);
    v.message('F', [[11, 'C1'], [41, 'B1'], [55, 'AAPL'], [54, 1]]);
    expect(v.session.take().map((m) => [m[150], m[38], m[14]])).toEqual([['4', '300', '200']]);
  });
});

describe('FixOrderEntry: mass cancel, injection', () => {
  it('mass cancel of all orders cancels each (ExecType 4) and reports the count (35=r)', () => {
    const v = venue();
    v.order('B1', 1, 100, '99');
    v.order('B2', 1, 100, '98');
    v.message('D', [[11, 'M1'], [55, 'MSFT'], [54, 2], [38, 100], [40, 2], [44, '50']]);
    v.session.take();
    v.message('q', [[11, 'Q1'], [530, '7']]);
    const messages = v.session.take();
    expect(messages.filter((m) => m[35] === '8').map((m) => [m[11], m[150]])).toEqual([['B1', '4'], ['B2', '4'], ['M1', '4']]);
    expect(messages.at(-1)).toMatchObject({ 35: 'r', 11: 'Q1', 530: '7', 531: '7', 533: '3' });
    v.message('q', [[11, 'Q2'], [530, '1'], [55, 'NOPE']]);
    expect(v.session.take()).toMatchObject([{ 35: 'r', 531: '0', 532: '1', 533: '0' }]);
  });

  it('FIX 4.2 has no mass cancel: q is left to the session (BusinessMessageReject)', () => {
    const v = venue({}, 'FIX.4.2');
    v.message('q', [[11, 'Q1'], [530, '7']]);
    expect(v.session.take()).toEqual([{ 35: 'unhandled q' }]);
  });

  it('rejects about rejectRatio of orders, the same ones for the same seed', () => {
    const rejected = (seed: number) => {
      const v = venue({ rejectRatio: 0.3, seed });
      for (let i = 0; i < 400; i++) v.order(`B${i}`, 1, 1, '1');
      return v.session.take().filter((m) => m[39] === '8').map((m) => m[11]);
    };
    const first = rejected(7);
    expect(first.length).toBeGreaterThan(80);
    expect(first.length).toBeLessThan(160);
    expect(rejected(7)).toEqual(first);
    expect(rejected(8)).not.toEqual(first);
  });

  it('writes a drop-copy entry per order event and fill', () => {
    const entries: unknown[] = [];
    const v = venue({ audit: (entry) => entries.push([entry.event, entry.clOrdId, entry.quantity ?? entry.cum]) });
    v.order('S1', 2, 100, '100');
    v.order('B1', 1, 300, '100');
    v.message('F', [[11, 'C1'], [41, 'B1'], [55, 'AAPL'], [54, 1]]);
    expect(entries).toEqual([['new', 'S1', 100], ['new', 'B1', 300], ['fill', 'B1', 100], ['fill', 'S1', 100], ['canceled', 'C1', 100]]);
  });

  it('delays every report by ackDelayUs, in order', () => {
    const timers: [() => void, number][] = [];
    const v = venue({ ackDelayUs: 250, delay: (fn, us) => timers.push([fn, us]) });
    v.order('S1', 2, 100, '100');
    v.order('B1', 1, 100, '100');
    expect(v.session.messages).toEqual([]);
    expect(timers.map(([, us]) => us)).toEqual([250, 250, 250, 250]);
    for (const [fn] of timers) fn();
    expect(v.session.take().map((m) => [m[11], m[150]])).toEqual([['S1', '0'], ['B1', '0'], ['B1', 'F'], ['S1', 'F']]);
  });
});

describe('FixOrderEntry: properties over random order flows', () => {
  const command = fc.oneof(
    fc.record({ kind: fc.constant('new' as const), side: fc.constantFrom<1 | 2>(1, 2), qty: fc.integer({ min: 1, max: 50 }), px: fc.integer({ min: 9_995, max: 10_005 }), tif: fc.constantFrom('0', '3') }),
    fc.record({ kind: fc.constant('cancel' as const), target: fc.nat(40) }),
    fc.record({ kind: fc.constant('replace' as const), target: fc.nat(40), qty: fc.integer({ min: 1, max: 60 }), px: fc.integer({ min: 9_995, max: 10_005 }) }),
  );

  it('every report: CumQty + LeavesQty = OrderQty while live, LeavesQty 0 when done, AvgPx = Σ LastPx·LastQty / CumQty', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), fc.constantFrom('FIX.4.2', 'FIX.4.4'), (commands, beginString) => {
        const v = venue({}, beginString);
        const names: { clOrdId: string; side: number }[] = [];
        let n = 0;
        for (const c of commands) {
          if (c.kind === 'new') {
            const clOrdId = `N${n++}`;
            names.push({ clOrdId, side: c.side });
            v.order(clOrdId, c.side, c.qty, (c.px / 100).toFixed(2), [[59, c.tif]]);
          } else if (names.length > 0) {
            const target = names[c.target % names.length];
            const clOrdId = `X${n++}`;
            if (c.kind === 'cancel') v.message('F', [[11, clOrdId], [41, target.clOrdId], [55, 'AAPL'], [54, target.side]]);
            else v.message('G', [[11, clOrdId], [41, target.clOrdId], [55, 'AAPL'], [54, target.side], [38, c.qty], [40, 2], [44, (c.px / 100).toFixed(2)]]);
            target.clOrdId = clOrdId;
          }
        }
        const notional = new Map<string, number>();
        for (const m of v.session.take()) {
          if (m[35] !== '8' || m[39] === '8') continue;
          const [orderQty, cum, leaves] = [Number(m[38]), Number(m[14]), Number(m[151])];
          const done = ['2', '4', 'C'].includes(m[39]);
          if (done) expect(leaves).toBe(0);
          else expect(cum + leaves).toBe(orderQty);
          if (m[32] !== undefined && Number(m[32]) > 0) notional.set(m[37], (notional.get(m[37]) ?? 0) + Math.round(Number(m[31]) * 100) * Number(m[32]));
          const expected = cum === 0 ? 0 : (notional.get(m[37]) ?? 0) / cum / 100;
          expect(Math.abs(Number(m[6]) - expected)).toBeLessThanOrEqual(0.5e-8 + 1e-12 * expected);
        }
      }),
      {
        numRuns: 300,
        // Found by this property: a FIX 4.2 OrderCancelReject (and order reject) carried reason 99, which 4.2 does not define.
        examples: [[[{ kind: 'new', side: 1, qty: 2, px: 9995, tif: '0' }, { kind: 'new', side: 2, qty: 1, px: 9995, tif: '0' }, { kind: 'replace', target: 0, qty: 1, px: 9995 }], 'FIX.4.2']],
      },
    );
  });
});
