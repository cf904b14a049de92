// The two ways the risk-check case runs the full pre-trade check set over the same order
// stream: ours (PreTradeRisk: typed arrays, reason codes) and the obvious way (limits,
// positions, references and throttles as objects in Maps keyed by symbol, ClOrdIDs as strings
// in a Set). Both return the same reason codes order by order (checked every run).
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { PreTradeRisk } from '../../runtime/risk/pre-trade-risk.ts';
import { PositionsStandIn } from './positions-stand-in.ts';
import { parseRiskLimits } from '../../runtime/risk/risk-limits.ts';
import { RISK_REASON, SIDE_BUY } from '../../runtime/risk/risk-reason.ts';
import type { PassDriver } from '../book/book-measure.ts';

export const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN'];
export const OBVIOUS_IMPL = 'objects-in-maps';
const MID = 10_000;
/** Virtual time between two orders: throttles refill as they would at 1 M orders/s. */
const ORDER_GAP_NS = 1_000;
const LIMITS = `
global max_gross_position 100000
global max_orders_per_s 2000000
global order_burst 1000
default max_order_qty 500
default max_notional 4000000
default price_band_bps 100
default max_position 5000
default max_orders_per_s 1000000
default order_burst 200
`;

/** A stream of orders in columns; some out of the band, too large, or reusing an earlier ClOrdID. */
export interface OrderStream {
  length: number;
  instrument: Int32Array;
  side: Int32Array;
  price: Float64Array;
  quantity: Float64Array;
  /** The order's ClOrdID as an offset from the pass's first counter (a reused offset is a duplicate). */
  counterOffset: Float64Array;
}

export function orderStream(length: number, seed = 1): OrderStream {
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  const stream: OrderStream = {
    length,
    instrument: new Int32Array(length),
    side: new Int32Array(length),
    price: new Float64Array(length),
    quantity: new Float64Array(length),
    counterOffset: new Float64Array(length),
  };
  for (let i = 0; i < length; i++) {
    stream.instrument[i] = 1 + Math.floor(random() * SYMBOLS.length);
    stream.side[i] = random() < 0.5 ? 1 : 2;
    // ±1.2% around the mid: a band of 1% refuses about one in six.
    stream.price[i] = MID + Math.round((random() - 0.5) * 240);
    stream.quantity[i] = 1 + Math.floor(random() < 0.02 ? 600 : random() * 100);
    stream.counterOffset[i] = i > 3 && random() < 0.02 ? i - 3 : i;
  }
  return stream;
}

/** Positions held still during the run (the check reads them; fills are the OMS bench's). */
export class FixedPositions extends PositionsStandIn {
  constructor() {
    super(SYMBOLS.length);
    for (let i = 1; i <= SYMBOLS.length; i++) {
      this.net[i] = i % 2 === 0 ? 1_500 : -1_500;
      this.buys[i] = 2_000;
      this.sells[i] = 2_000;
    }
  }
}

export interface RiskCheckDriver extends PassDriver {
  readonly impl: string;
  /** Reason codes of the last pass, order by order (for the equality check). */
  readonly reasons: Int32Array;
}

export class MarketfeedRiskDriver implements RiskCheckDriver {
  readonly impl = 'marketfeed';
  readonly reasons: Int32Array;
  private readonly risk: PreTradeRisk;
  private readonly stream: OrderStream;
  private passBase = 0;
  private nowNs = 0;

  constructor(stream: OrderStream) {
    this.stream = stream;
    this.reasons = new Int32Array(stream.length);
    this.risk = new PreTradeRisk(SYMBOLS, new FixedPositions(), parseRiskLimits(LIMITS, 'risk-check bench'));
  }

  /** New ClOrdIDs for the pass, a fresh reference for every instrument. */
  prepare(): void {
    this.passBase += this.stream.length;
    for (let i = 1; i <= SYMBOLS.length; i++) this.risk.setReference(i, MID - 5, MID + 5, this.nowNs);
  }

  applyStream(): void {
    const { instrument, side, price, quantity, counterOffset, length } = this.stream;
    const risk = this.risk;
    const reasons = this.reasons;
    let now = this.nowNs;
    for (let i = 0; i < length; i++) {
      now += ORDER_GAP_NS;
      reasons[i] = risk.check(instrument[i], side[i], price[i], quantity[i], this.passBase + counterOffset[i], now);
    }
    this.nowNs = now;
  }

  timeEachOperation(out: Float64Array): void {
    const { instrument, side, price, quantity, counterOffset, length } = this.stream;
    const risk = this.risk;
    let now = this.nowNs;
    for (let i = 0; i < length; i++) {
      now += ORDER_GAP_NS;
      const start = monotonicNs();
      risk.check(instrument[i], side[i], price[i], quantity[i], this.passBase + counterOffset[i], now);
      out[i] = monotonicNs() - start;
    }
    this.nowNs = now;
  }
}

interface ObviousLimits {
  enabled: boolean;
  maxOrderQty: number;
  maxNotional: number;
  priceBandBps: number;
  maxPosition: number;
  ratePerS: number;
  burst: number;
}
interface ObviousOrder {
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  quantity: number;
  clOrdId: string;
}

/** The same rules written the way one would first write them. */
export class ObviousRiskDriver implements RiskCheckDriver {
  readonly impl = OBVIOUS_IMPL;
  readonly reasons: Int32Array;
  private readonly orders: ObviousOrder[];
  private readonly limits = new Map<string, ObviousLimits>();
  private readonly positions = new Map<string, { net: number; openBuy: number; openSell: number }>();
  private readonly references = new Map<string, { bid: number; ask: number; atNs: number }>();
  private readonly buckets = new Map<string, { tokens: number; lastNs: number }>();
  private readonly seen = new Set<string>();
  private readonly global = { maxGross: 100_000, ratePerS: 2_000_000, burst: 1_000, referenceMaxAgeNs: 1e9 };
  private nowNs = 0;

  constructor(stream: OrderStream) {
    this.reasons = new Int32Array(stream.length);
    const fixed = new FixedPositions();
    for (const [index, symbol] of SYMBOLS.entries()) {
      this.limits.set(symbol, { enabled: true, maxOrderQty: 500, maxNotional: 4_000_000, priceBandBps: 100, maxPosition: 5_000, ratePerS: 1_000_000, burst: 200 });
      this.positions.set(symbol, { net: fixed.net[index + 1], openBuy: fixed.buys[index + 1], openSell: fixed.sells[index + 1] });
      this.buckets.set(symbol, { tokens: 200, lastNs: 0 });
    }
    this.buckets.set('*', { tokens: 1_000, lastNs: 0 });
    // Order objects and ClOrdID strings built before the run, as a caller would hand them over.
    this.orders = Array.from({ length: stream.length }, (_, i) => ({
      symbol: SYMBOLS[stream.instrument[i] - 1],
      side: stream.side[i] === SIDE_BUY ? 'buy' : 'sell',
      price: stream.price[i],
      quantity: stream.quantity[i],
      clOrdId: `O-${stream.counterOffset[i]}`,
    }));
  }

  prepare(): void {
    this.seen.clear();
    for (const symbol of SYMBOLS) this.references.set(symbol, { bid: MID - 5, ask: MID + 5, atNs: this.nowNs });
  }

  applyStream(): void {
    const orders = this.orders;
    for (let i = 0; i < orders.length; i++) {
      this.nowNs += ORDER_GAP_NS;
      this.reasons[i] = this.check(orders[i], this.nowNs);
    }
  }

  timeEachOperation(out: Float64Array): void {
    const orders = this.orders;
    for (let i = 0; i < orders.length; i++) {
      this.nowNs += ORDER_GAP_NS;
      const start = monotonicNs();
      this.check(orders[i], this.nowNs);
      out[i] = monotonicNs() - start;
    }
  }

  private check(order: ObviousOrder, nowNs: number): number {
    const limits = this.limits.get(order.symbol);
    if (limits === undefined) return RISK_REASON.unknownInstrument;
    if (!limits.enabled) return RISK_REASON.instrumentDisabled;
    const position = this.positions.get(order.symbol) ?? { net: 0, openBuy: 0, openSell: 0 };
    const buy = order.side === 'buy';
    const longSide = position.net + position.openBuy + (buy ? order.quantity : 0);
    const shortSide = position.net - position.openSell - (buy ? 0 : order.quantity);
    if (order.quantity > limits.maxOrderQty) return RISK_REASON.maxOrderQty;
    if (order.price * order.quantity > limits.maxNotional) return RISK_REASON.maxNotional;
    const reference = this.references.get(order.symbol);
    if (reference === undefined) return RISK_REASON.noReference;
    if (nowNs - reference.atNs > this.global.referenceMaxAgeNs) return RISK_REASON.staleReference;
    const mid = (reference.bid + reference.ask) / 2;
    if ((Math.abs(order.price - mid) / mid) * 10_000 > limits.priceBandBps) return RISK_REASON.priceBand;
    if (buy ? longSide > limits.maxPosition : -shortSide > limits.maxPosition) return RISK_REASON.positionLimit;
    let gross = 0;
    let before = 0;
    for (const [symbol, p] of this.positions) {
      const worst = Math.max(Math.abs(p.net + p.openBuy), Math.abs(p.net - p.openSell));
      gross += worst;
      if (symbol === order.symbol) before = worst;
    }
    const after = Math.max(Math.abs(longSide), Math.abs(shortSide));
    if (after > before && gross - before + after > this.global.maxGross) return RISK_REASON.grossPositionLimit;
    if (this.seen.has(order.clOrdId)) return RISK_REASON.duplicateClOrdId;
    const bucket = this.refill(order.symbol, limits.ratePerS, limits.burst, nowNs);
    if (bucket.tokens < 1) return RISK_REASON.throttleInstrument;
    const global = this.refill('*', this.global.ratePerS, this.global.burst, nowNs);
    if (global.tokens < 1) return RISK_REASON.throttleGlobal;
    bucket.tokens -= 1;
    global.tokens -= 1;
    this.seen.add(order.clOrdId);
    return RISK_REASON.pass;
  }

  private refill(key: string, ratePerS: number, burst: number, nowNs: number): { tokens: number; lastNs: number } {
    const bucket = this.buckets.get(key) ?? { tokens: burst, lastNs: nowNs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowNs - bucket.lastNs) * ratePerS) / 1e9);
    bucket.lastNs = nowNs;
    this.buckets.set(key, bucket);
    return bucket;
  }
}
