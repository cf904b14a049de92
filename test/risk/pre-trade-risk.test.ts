import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marginalAllocation } from '../../bench/lib/heap-allocation.ts';
import { PreTradeRisk } from '../../runtime/risk/pre-trade-risk.ts';
import { RiskLimitsError, parseRiskLimits } from '../../runtime/risk/risk-limits.ts';
import { RISK_REASON, RISK_REASON_COUNT, RISK_REASON_NAME, SIDE_BUY, SIDE_SELL, TRADING_STATE } from '../../runtime/risk/risk-reason.ts';
import { PositionsStandIn } from '../../bench/trading/positions-stand-in.ts';

const SYMBOLS = ['AAPL', 'MSFT'];
const AAPL = 1;
const MSFT = 2;
const MS = 1e6;
const LIMITS = `
global max_gross_position 1000
global reference_max_age_ms 500
AAPL max_order_qty 100
AAPL max_notional 1000000
AAPL price_band_bps 200
AAPL max_position 300
MSFT enabled false
`;

function riskWith(text = LIMITS, positions = new PositionsStandIn(SYMBOLS.length)): { risk: PreTradeRisk; positions: PositionsStandIn } {
  const risk = new PreTradeRisk(SYMBOLS, positions, parseRiskLimits(text, 'limits.txt'));
  // AAPL 99.90 / 100.10 in ticks of 0.01: mid 10,000 ticks, 2% band = 9,800..10,200.
  risk.setReference(AAPL, 9_990, 10_010, 0);
  return { risk, positions };
}

describe('PreTradeRisk.check', () => {
  it('names every reason', () => {
    expect(RISK_REASON_NAME).toHaveLength(RISK_REASON_COUNT);
    expect(RISK_REASON_NAME[RISK_REASON.priceBand]).toBe('price_band');
    expect(RISK_REASON_NAME[RISK_REASON.duplicateClOrdId]).toBe('duplicate_cl_ord_id');
  });

  it.each([
    ['a good order', AAPL, SIDE_BUY, 10_000, 100, RISK_REASON.pass],
    ['instrument 0', 0, SIDE_BUY, 10_000, 10, RISK_REASON.unknownInstrument],
    ['instrument 3', 3, SIDE_BUY, 10_000, 10, RISK_REASON.unknownInstrument],
    ['instrument 1.5', 1.5, SIDE_BUY, 10_000, 10, RISK_REASON.unknownInstrument],
    ['side 3', AAPL, 3, 10_000, 10, RISK_REASON.invalidOrder],
    ['quantity 0', AAPL, SIDE_BUY, 10_000, 0, RISK_REASON.invalidOrder],
    ['quantity 1.5', AAPL, SIDE_BUY, 10_000, 1.5, RISK_REASON.invalidOrder],
    ['price 0', AAPL, SIDE_SELL, 0, 10, RISK_REASON.invalidOrder],
    ['price NaN', AAPL, SIDE_SELL, NaN, 10, RISK_REASON.invalidOrder],
    ['a disabled instrument', MSFT, SIDE_BUY, 10_000, 10, RISK_REASON.instrumentDisabled],
    ['quantity 101', AAPL, SIDE_BUY, 9_900, 101, RISK_REASON.maxOrderQty],
    ['notional 1,000,100', AAPL, SIDE_BUY, 10_001, 100, RISK_REASON.maxNotional],
    ['a price 2% above the mid', AAPL, SIDE_BUY, 10_200, 10, RISK_REASON.pass],
    ['a price just over 2% above', AAPL, SIDE_BUY, 10_201, 10, RISK_REASON.priceBand],
    ['a price just over 2% below', AAPL, SIDE_SELL, 9_799, 10, RISK_REASON.priceBand],
  ])('%s → %i', (_name, instrument, side, price, quantity, reason) => {
    const { risk } = riskWith();
    expect(risk.check(instrument, side, price, quantity, 1, 100 * MS)).toBe(reason);
    expect(risk.counts[reason]).toBe(1);
  });

  it('refuses without a reference, with a stale one, and takes a one-sided book', () => {
    const { risk } = riskWith();
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 1, 501 * MS)).toBe(RISK_REASON.staleReference);
    risk.setReference(AAPL, 0, 0, 600 * MS);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 2, 600 * MS)).toBe(RISK_REASON.noReference);
    risk.setReference(AAPL, 0, 10_000, 600 * MS);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 3, 1_100 * MS)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_201, 1, 4, 1_100 * MS)).toBe(RISK_REASON.priceBand);
    const unbanded = riskWith('AAPL max_order_qty 5').risk;
    unbanded.setReference(AAPL, 0, 0, 0);
    expect(unbanded.check(AAPL, SIDE_BUY, 1, 5, 1, 10 * 1e9)).toBe(RISK_REASON.pass);
  });

  it('counts open orders in the per-instrument position limit, both sides', () => {
    const { risk, positions } = riskWith();
    positions.net[AAPL] = 150;
    positions.buys[AAPL] = 100;
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 50, 1, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 51, 2, 0)).toBe(RISK_REASON.positionLimit);
    positions.net[AAPL] = -150;
    positions.sells[AAPL] = 100;
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 50, 3, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 51, 4, 0)).toBe(RISK_REASON.positionLimit);
    // Over the limit already (it was lowered): an order that reduces still passes.
    positions.net[AAPL] = 400;
    positions.sells[AAPL] = 0;
    positions.buys[AAPL] = 0;
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 10, 5, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 6, 0)).toBe(RISK_REASON.positionLimit);
  });

  it('checks gross exposure as it would be with the order open', () => {
    const { risk, positions } = riskWith('global max_gross_position 1000\nMSFT max_order_qty 1000');
    positions.net[MSFT] = 900;
    positions.net[AAPL] = -50;
    // AAPL worst case 50 now; a buy of 100 makes it max(|−50 + 100|, 50) = 50: gross unchanged.
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 100, 1, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 50, 2, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 51, 3, 0)).toBe(RISK_REASON.grossPositionLimit);
    // Over the gross limit: an order that does not add exposure passes, one that does is refused.
    positions.net[MSFT] = 1_200;
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 100, 4, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(MSFT, SIDE_BUY, 10_000, 1, 5, 0)).toBe(RISK_REASON.grossPositionLimit);
  });

  it('HALTED refuses everything; REDUCING passes only orders that reduce the position', () => {
    const { risk, positions } = riskWith();
    risk.setTradingState(TRADING_STATE.halted);
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 1, 1, 0)).toBe(RISK_REASON.halted);
    risk.setTradingState(TRADING_STATE.reducing);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 2, 0)).toBe(RISK_REASON.reducingOnly);
    positions.net[AAPL] = 50;
    positions.sells[AAPL] = 20;
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 3, 0)).toBe(RISK_REASON.reducingOnly);
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 30, 4, 0)).toBe(RISK_REASON.pass);
    // 20 open + 31 would sell through flat to short.
    expect(risk.check(AAPL, SIDE_SELL, 10_000, 31, 5, 0)).toBe(RISK_REASON.reducingOnly);
    positions.net[AAPL] = -10;
    positions.sells[AAPL] = 0;
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 10, 6, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 11, 7, 0)).toBe(RISK_REASON.reducingOnly);
    risk.setTradingState(TRADING_STATE.active);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 11, 8, 0)).toBe(RISK_REASON.pass);
  });

  it('refuses a ClOrdID used before, and one older than the window', () => {
    const { risk } = riskWith();
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 7, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 7, 0)).toBe(RISK_REASON.duplicateClOrdId);
    // A refused order does not use its ClOrdID up.
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1_000, 5, 0)).toBe(RISK_REASON.maxOrderQty);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 5, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 6, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 100_000, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 8, 0)).toBe(RISK_REASON.duplicateClOrdId);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, 99_999, 0)).toBe(RISK_REASON.pass);
  });

  it('throttles per instrument and globally, refilling with the time passed in', () => {
    const { risk } = riskWith('AAPL max_orders_per_s 10\nAAPL order_burst 2\nglobal max_orders_per_s 1\nglobal order_burst 3\nMSFT max_order_qty 5');
    let id = 1;
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, id++, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, id++, 0)).toBe(RISK_REASON.pass);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, id++, 0)).toBe(RISK_REASON.throttleInstrument);
    // 100 ms at 10/s is one more AAPL token.
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, id++, 99 * MS)).toBe(RISK_REASON.throttleInstrument);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 1, id++, 100 * MS)).toBe(RISK_REASON.pass);
    // The global bucket (burst 3) is now empty: MSFT, with no own throttle, is refused globally.
    expect(risk.check(MSFT, SIDE_BUY, 10_000, 1, id++, 100 * MS)).toBe(RISK_REASON.throttleGlobal);
    expect(risk.check(MSFT, SIDE_BUY, 10_000, 1, id++, 1_100 * MS)).toBe(RISK_REASON.pass);
    expect(risk.counts[RISK_REASON.throttleInstrument]).toBe(2);
    expect(risk.counts[RISK_REASON.throttleGlobal]).toBe(1);
    expect(risk.counts[RISK_REASON.pass]).toBe(4);
  });

  it('applies new limits, keeps earned tokens, and refuses an unknown symbol without changing anything', () => {
    const { risk } = riskWith('AAPL max_orders_per_s 1\nAAPL max_order_qty 10');
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 10, 1, 0)).toBe(RISK_REASON.pass);
    risk.applyLimits(parseRiskLimits('AAPL max_orders_per_s 1\nAAPL max_order_qty 5', 'reload'));
    // Still no token: a reload does not refill the bucket.
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 5, 2, 0)).toBe(RISK_REASON.throttleInstrument);
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 6, 3, 1e9)).toBe(RISK_REASON.maxOrderQty);
    expect(() => risk.applyLimits(parseRiskLimits('AAPL max_order_qty 50\nAPPL max_order_qty 1', 'typo.txt'))).toThrow(
      new RiskLimitsError('typo.txt', 2, '', 'unknown instrument "APPL" (this trader\'s instruments: AAPL, MSFT)'),
    );
    expect(risk.check(AAPL, SIDE_BUY, 10_000, 6, 4, 1e9)).toBe(RISK_REASON.maxOrderQty);
  });

  it('allocates nothing per check', () => {
    const { risk } = riskWith('global max_gross_position 1000000\nglobal max_orders_per_s 1000000000\nAAPL price_band_bps 200\nAAPL max_order_qty 100\nAAPL max_notional 100000000\nAAPL max_position 1000000\nAAPL max_orders_per_s 1000000000');
    let counter = 1;
    // A real CLOCK_MONOTONIC time: far outside the small-integer range, a heap number if boxed.
    let now = 4e12;
    const run = (count: number): void => {
      // The time in a local: a double stored back into the closure's variable every order would be the test's own garbage.
      let at = now;
      for (let i = 0; i < count; i++) {
        at += 1_000;
        const now = at;
        risk.setReference(AAPL, 9_990, 10_010, now);
        risk.check(AAPL, (i & 1) + 1, 9_995 + (i & 7), 1 + (i & 15), counter++, now);
        if ((i & 63) === 0) risk.check(AAPL, SIDE_BUY, 99_999, 1, counter++, now);
      }
      now = at;
    };
    run(200_000);
    let least = Infinity;
    for (let attempt = 0; attempt < 10 && least >= 1; attempt++) least = Math.min(least, marginalAllocation(run, 100_000).bytesPerUnit);
    expect(least).toBeLessThan(1);
    expect(risk.counts[RISK_REASON.pass]).toBeGreaterThan(0);
    expect(risk.counts[RISK_REASON.priceBand]).toBeGreaterThan(0);
  });
});

describe('PreTradeRisk properties', () => {
  const limit = fc.option(fc.integer({ min: 0, max: 2_000 }), { nil: undefined });

  it('a pass never breaches a limit, given the positions view', () => {
    fc.assert(
      fc.property(
        fc.record({ qty: limit, notional: fc.option(fc.integer({ min: 0, max: 5_000_000 }), { nil: undefined }), band: limit, position: limit, gross: limit }),
        fc.constantFrom(TRADING_STATE.active, TRADING_STATE.reducing, TRADING_STATE.halted),
        fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.nat(300), { minLength: 4, maxLength: 4 }),
        fc.record({ side: fc.constantFrom(SIDE_BUY, SIDE_SELL), price: fc.integer({ min: 1, max: 20_000 }), quantity: fc.integer({ min: 1, max: 1_000 }), instrument: fc.constantFrom(AAPL, MSFT) }),
        (limits, state, net, open, order) => {
          const lines: string[] = [];
          if (limits.qty !== undefined) lines.push(`default max_order_qty ${limits.qty}`);
          if (limits.notional !== undefined) lines.push(`default max_notional ${limits.notional}`);
          if (limits.band !== undefined) lines.push(`default price_band_bps ${limits.band}`);
          if (limits.position !== undefined) lines.push(`default max_position ${limits.position}`);
          if (limits.gross !== undefined) lines.push(`global max_gross_position ${limits.gross}`);
          const positions = new PositionsStandIn(2);
          positions.net[AAPL] = net[0];
          positions.net[MSFT] = net[1];
          [positions.buys[AAPL], positions.sells[AAPL], positions.buys[MSFT], positions.sells[MSFT]] = open;
          const { risk } = riskWith(lines.join('\n'), positions);
          risk.setReference(MSFT, 9_990, 10_010, 0);
          risk.setTradingState(state);
          const grossBefore = positions.grossExposure();
          if (risk.check(order.instrument, order.side, order.price, order.quantity, 1, 0) !== RISK_REASON.pass) return;
          // Apply the order as an open order and check every limit the plain way.
          const i = order.instrument;
          if (order.side === SIDE_BUY) positions.buys[i] += order.quantity;
          else positions.sells[i] += order.quantity;
          expect(state).not.toBe(TRADING_STATE.halted);
          if (state === TRADING_STATE.reducing) {
            expect(Math.abs(net[i - 1] + (order.side === SIDE_BUY ? positions.buys[i] : -positions.sells[i]))).toBeLessThanOrEqual(Math.abs(net[i - 1]));
          }
          expect(order.quantity).toBeLessThanOrEqual(limits.qty ?? Infinity);
          expect(order.price * order.quantity).toBeLessThanOrEqual(limits.notional ?? Infinity);
          if (limits.band !== undefined) expect(Math.abs(order.price - 10_000) / 10_000).toBeLessThanOrEqual(limits.band / 10_000 + 1e-12);
          // The side the order adds to stays within the limit; the gross either within its limit or not increased.
          const sideWorst = order.side === SIDE_BUY ? positions.net[i] + positions.buys[i] : -(positions.net[i] - positions.sells[i]);
          expect(sideWorst).toBeLessThanOrEqual(limits.position ?? Infinity);
          if (positions.grossExposure() > grossBefore) expect(positions.grossExposure()).toBeLessThanOrEqual(limits.gross ?? Infinity);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('a throttle never admits more than rate × t + burst in any interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 * MS }), { minLength: 1, maxLength: 300 }),
        (rate, burst, gaps) => {
          const { risk } = riskWith(`AAPL max_orders_per_s ${rate}\nAAPL order_burst ${burst}`);
          const admitted: number[] = [];
          let now = 0;
          gaps.forEach((gap, index) => {
            now += gap;
            if (risk.check(AAPL, SIDE_BUY, 10_000, 1, index + 1, now) === RISK_REASON.pass) admitted.push(now);
          });
          for (let from = 0; from < admitted.length; from++) {
            for (let to = from; to < admitted.length; to++) {
              expect(to - from + 1).toBeLessThanOrEqual(rate * ((admitted[to] - admitted[from]) / 1e9) + burst + 1e-9);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
