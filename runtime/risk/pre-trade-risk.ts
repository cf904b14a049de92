// The checks every order passes before it leaves (anchor: NautilusTrader's RiskEngine, trading
// states ACTIVE / REDUCING / HALTED, submit throttles, max notional per order), on numbers in
// typed arrays: check() reads no clock (time is passed in), allocates nothing and returns a
// RISK_REASON code, 0 = pass. Cancels are never checked (reducing risk is always allowed).
// Instruments are numbered as the exchange numbers them: symbol i of the list is id i + 1.
// Units: prices in ticks, quantities in lots, notional in ticks × lots.
import { type RiskLimits, DEFAULT_REFERENCE_MAX_AGE_MS, RiskLimitsError, effectiveEnabled, effectiveLimit, emptyRiskLimits } from './risk-limits.ts';
import { RISK_REASON, RISK_REASON_COUNT, type RiskReason, SIDE_BUY, SIDE_SELL, TRADING_STATE, type TradingState } from './risk-reason.ts';
import { TokenBuckets } from './token-buckets.ts';
import { ClOrdIdWindow } from './clordid-window.ts';

/**
 * What risk reads of the positions (the OMS's PositionKeeper satisfies it), in lots.
 * openBuy/openSell: the leaves quantity of the instrument's open orders on that side.
 * grossExposure: Σ over instruments of the worst case max(|position + openBuy|, |position − openSell|).
 */
export interface Positions {
  position(instrument: number): number;
  openBuy(instrument: number): number;
  openSell(instrument: number): number;
  grossExposure(): number;
}

export class PreTradeRisk {
  private state: TradingState = TRADING_STATE.active;
  private readonly count: number;
  private readonly enabled: Uint8Array;
  private readonly maxOrderQty: Float64Array;
  private readonly maxNotional: Float64Array;
  private readonly bandBps: Float64Array;
  private readonly maxPosition: Float64Array;
  private maxGross = Infinity;
  private referenceMaxAgeNs = DEFAULT_REFERENCE_MAX_AGE_MS * 1e6;
  private readonly bid: Float64Array;
  private readonly ask: Float64Array;
  /** NaN = no reference. */
  private readonly referenceAtNs: Float64Array;
  private readonly instrumentBuckets: TokenBuckets;
  private readonly globalBucket = new TokenBuckets(1);
  private readonly clOrdIds = new ClOrdIdWindow();
  /** The time of the check in progress (see check()). */
  private readonly nowCell = new Float64Array(1);
  /** The time of the reference being set (see setReference()). */
  private readonly referenceCell = new Float64Array(1);
  /** Checks by result, index = RISK_REASON code (0 = passes). */
  readonly counts = new Float64Array(RISK_REASON_COUNT);

  readonly symbols: readonly string[];
  private readonly positions: Positions;

  constructor(symbols: readonly string[], positions: Positions, limits: RiskLimits = emptyRiskLimits()) {
    this.symbols = symbols;
    this.positions = positions;
    const size = symbols.length + 1;
    this.count = symbols.length;
    this.enabled = new Uint8Array(size);
    this.maxOrderQty = new Float64Array(size);
    this.maxNotional = new Float64Array(size);
    this.bandBps = new Float64Array(size);
    this.maxPosition = new Float64Array(size);
    this.bid = new Float64Array(size);
    this.ask = new Float64Array(size);
    this.referenceAtNs = new Float64Array(size).fill(NaN);
    this.instrumentBuckets = new TokenBuckets(size);
    this.applyLimits(limits);
  }

  /**
   * Installs new limits (at start and on reload). A symbol the trader does not trade is refused
   * (RiskLimitsError with its line) before anything changes: a typo must not leave the real
   * instrument unlimited. Throttle tokens already earned are kept (capped at the new burst).
   */
  applyLimits(limits: RiskLimits): void {
    for (const [symbol, instrument] of limits.instruments) {
      if (!this.symbols.includes(symbol)) throw new RiskLimitsError(instrument.source, instrument.line, '', `unknown instrument "${symbol}" (this trader's instruments: ${this.symbols.join(', ')})`);
    }
    this.symbols.forEach((symbol, index) => {
      const id = index + 1;
      this.enabled[id] = effectiveEnabled(limits, symbol) ? 1 : 0;
      this.maxOrderQty[id] = effectiveLimit(limits, symbol, 'max_order_qty');
      this.maxNotional[id] = effectiveLimit(limits, symbol, 'max_notional');
      this.bandBps[id] = effectiveLimit(limits, symbol, 'price_band_bps');
      this.maxPosition[id] = effectiveLimit(limits, symbol, 'max_position');
      const burst = effectiveLimit(limits, symbol, 'order_burst');
      this.instrumentBuckets.configure(id, effectiveLimit(limits, symbol, 'max_orders_per_s'), burst === Infinity ? undefined : burst);
    });
    this.maxGross = limits.global.max_gross_position ?? Infinity;
    this.referenceMaxAgeNs = (limits.global.reference_max_age_ms ?? DEFAULT_REFERENCE_MAX_AGE_MS) * 1e6;
    this.globalBucket.configure(0, limits.global.max_orders_per_s ?? Infinity, limits.global.order_burst);
  }

  get tradingState(): TradingState {
    return this.state;
  }

  setTradingState(state: TradingState): void {
    this.state = state;
  }

  /** The feed's best bid and ask (ticks) at atNs (monotonic). A side ≤ 0 is absent; with both absent there is no reference. */
  setReference(instrument: number, bid: number, ask: number, atNs: number): void {
    // Small, to be inlined on the feed path: the time goes through a cell, unboxed (see check()).
    this.referenceCell[0] = atNs;
    this.setReferenceAtCellTime(instrument, bid, ask);
  }

  private setReferenceAtCellTime(instrument: number, bid: number, ask: number): void {
    if (!(instrument >= 1 && instrument <= this.count)) return;
    const hasBid = bid > 0;
    const hasAsk = ask > 0;
    if (!hasBid && !hasAsk) {
      this.referenceAtNs[instrument] = NaN;
      return;
    }
    this.bid[instrument] = hasBid ? bid : ask;
    this.ask[instrument] = hasAsk ? ask : bid;
    this.referenceAtNs[instrument] = this.referenceCell[0];
  }

  /**
   * The whole check set; on a pass the order's throttle tokens are taken and its ClOrdID marked
   * used. A monotonic time is far beyond V8's small integers: passed to a call that is not
   * inlined it is boxed into a fresh 16-byte heap number. This wrapper is small enough to be
   * inlined where it is hot, and writes the time into a typed-array cell (a raw double), so the
   * check itself takes no double argument (the clock.ts approach).
   */
  check(instrument: number, side: number, price: number, quantity: number, clOrdIdCounter: number, nowNs: number): RiskReason {
    this.nowCell[0] = nowNs;
    return this.checkAtCellTime(instrument, side, price, quantity, clOrdIdCounter);
  }

  private checkAtCellTime(instrument: number, side: number, price: number, quantity: number, clOrdIdCounter: number): RiskReason {
    if (this.state === TRADING_STATE.halted) return this.refuse(RISK_REASON.halted);
    if (!(instrument >= 1 && instrument <= this.count && instrument === Math.floor(instrument))) return this.refuse(RISK_REASON.unknownInstrument);
    if ((side !== SIDE_BUY && side !== SIDE_SELL) || !(quantity >= 1) || !(price >= 1) || !Number.isSafeInteger(quantity) || !Number.isSafeInteger(price)) {
      return this.refuse(RISK_REASON.invalidOrder);
    }
    if (this.enabled[instrument] === 0) return this.refuse(RISK_REASON.instrumentDisabled);
    const position = this.positions.position(instrument);
    const openBuy = this.positions.openBuy(instrument);
    const openSell = this.positions.openSell(instrument);
    const buy = side === SIDE_BUY;
    // The worst case once this order is open too: every buy filled (long side), every sell (short side).
    const longSide = position + openBuy + (buy ? quantity : 0);
    const shortSide = position - openSell - (buy ? 0 : quantity);
    if (this.state === TRADING_STATE.reducing && !(buy ? position < 0 && longSide <= 0 : position > 0 && shortSide >= 0)) return this.refuse(RISK_REASON.reducingOnly);
    if (quantity > this.maxOrderQty[instrument]) return this.refuse(RISK_REASON.maxOrderQty);
    if (price * quantity > this.maxNotional[instrument]) return this.refuse(RISK_REASON.maxNotional);
    const band = this.bandBps[instrument];
    if (band !== Infinity) {
      const at = this.referenceAtNs[instrument];
      if (at !== at) return this.refuse(RISK_REASON.noReference);
      if (this.nowCell[0] - at > this.referenceMaxAgeNs) return this.refuse(RISK_REASON.staleReference);
      // |price − mid| × 10,000 > band × mid, doubled to stay in integers: mid × 2 = bid + ask.
      const twiceMid = this.bid[instrument] + this.ask[instrument];
      if (Math.abs(2 * price - twiceMid) * 10_000 > band * twiceMid) return this.refuse(RISK_REASON.priceBand);
    }
    // Only the side the order adds to is checked: an order that reduces risk passes even when the
    // position is already over a lowered limit.
    if (buy ? longSide > this.maxPosition[instrument] : -shortSide > this.maxPosition[instrument]) return this.refuse(RISK_REASON.positionLimit);
    if (this.maxGross !== Infinity) {
      const before = Math.max(Math.abs(position + openBuy), Math.abs(position - openSell));
      const after = Math.max(Math.abs(longSide), Math.abs(shortSide));
      if (after > before && this.positions.grossExposure() - before + after > this.maxGross) return this.refuse(RISK_REASON.grossPositionLimit);
    }
    if (this.clOrdIds.seen(clOrdIdCounter)) return this.refuse(RISK_REASON.duplicateClOrdId);
    if (!this.instrumentBuckets.available(instrument, this.nowCell)) return this.refuse(RISK_REASON.throttleInstrument);
    if (!this.globalBucket.available(0, this.nowCell)) return this.refuse(RISK_REASON.throttleGlobal);
    this.instrumentBuckets.take(instrument);
    this.globalBucket.take(0);
    this.clOrdIds.mark(clOrdIdCounter);
    this.counts[RISK_REASON.pass]++;
    return RISK_REASON.pass;
  }

  private refuse(reason: RiskReason): RiskReason {
    this.counts[reason]++;
    return reason;
  }
}
