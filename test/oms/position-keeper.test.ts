// The position keeper against a plain reference in exact rationals (BigInt): random fills
// across accounts and instruments, opening, adding, reducing, flipping; open orders coming and
// going. Net quantities, total P&L, realized P&L when flat and exposure agree exactly; the
// carried cost agrees within the documented half a tick × lot per close.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIDE_BUY, SIDE_SELL } from '../../runtime/oms/order-pool.ts';
import { PositionKeeper } from '../../runtime/oms/position-keeper.ts';

/** One (account, instrument) position in exact arithmetic: cost as a fraction num / den. */
class RefCell {
  net = 0n;
  num = 0n;
  den = 1n;
  cash = 0n;
  closes = 0;
  openBuy = 0;
  openSell = 0;

  fill(side: number, price: number, quantity: number): void {
    const q = BigInt(side === SIDE_BUY ? quantity : -quantity);
    const p = BigInt(price);
    this.cash -= q * p;
    if (this.net === 0n || this.net > 0n === q > 0n) {
      this.num += q * p * this.den;
      this.net += q;
      return;
    }
    this.closes++;
    const abs = (x: bigint): bigint => (x < 0n ? -x : x);
    const closing = abs(q) < abs(this.net) ? abs(q) : abs(this.net);
    // Remaining cost = cost × (|net| − closing) / |net|.
    this.num *= abs(this.net) - closing;
    this.den *= abs(this.net);
    const rest = abs(q) - closing;
    this.net += q;
    if (rest > 0n) {
      this.num = this.net * p;
      this.den = 1n;
    }
    if (this.net === 0n) {
      this.num = 0n;
      this.den = 1n;
    }
  }
}

const worst = (net: number, buy: number, sell: number): number => Math.max(Math.abs(net + buy), Math.abs(net - sell));

describe('PositionKeeper', () => {
  it('agrees with an exact reference on random fills and open orders', () => {
    const INSTRUMENTS = 2;
    const ACCOUNTS = 2;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            account: fc.nat(ACCOUNTS - 1),
            instrument: fc.nat(INSTRUMENTS - 1),
            side: fc.constantFrom(SIDE_BUY, SIDE_SELL),
            price: fc.integer({ min: 1, max: 2_000_000 }),
            quantity: fc.integer({ min: 1, max: 10_000 }),
            open: fc.boolean(),
          }),
          { maxLength: 120 },
        ),
        fc.array(fc.integer({ min: 1, max: 4_000_000 }), { minLength: INSTRUMENTS, maxLength: INSTRUMENTS }),
        (steps, midsTimesTwo) => {
          const keeper = new PositionKeeper(INSTRUMENTS, ACCOUNTS);
          const cells = Array.from({ length: INSTRUMENTS * ACCOUNTS }, () => new RefCell());
          for (const s of steps) {
            const cell = cells[s.account * INSTRUMENTS + s.instrument];
            if (s.open) {
              // An order placed, or (when it would go below zero) one taken away.
              const delta = (s.side === SIDE_BUY ? cell.openBuy : cell.openSell) >= s.quantity && s.price % 2 === 0 ? -s.quantity : s.quantity;
              keeper.addOpen(s.account, s.instrument, s.side, delta);
              if (s.side === SIDE_BUY) cell.openBuy += delta;
              else cell.openSell += delta;
            } else {
              keeper.fill(s.account, s.instrument, s.side, s.price, s.quantity);
              cell.fill(s.side, s.price, s.quantity);
            }
          }
          midsTimesTwo.forEach((m, i) => keeper.mark(i, m / 2));
          let gross = 0;
          for (let i = 0; i < INSTRUMENTS; i++) {
            let net = 0;
            let buy = 0;
            let sell = 0;
            let totalTimesTwo = 0n;
            for (let a = 0; a < ACCOUNTS; a++) {
              const ref = cells[a * INSTRUMENTS + i];
              expect(keeper.cellPosition(a, i)).toBe(Number(ref.net));
              // Total P&L (× 2, the mid may be a half tick) is exact: realized + unrealized = cash + net × mid.
              const cellTotalTimesTwo = ref.cash * 2n + ref.net * BigInt(midsTimesTwo[i]);
              const keeperCellTotal = keeper.cellRealizedOf(a, i) + (keeper.cellPosition(a, i) * midsTimesTwo[i]) / 2 - keeper.cellCostOf(a, i);
              expect(BigInt(keeperCellTotal * 2)).toBe(cellTotalTimesTwo);
              // The carried cost is within half a tick × lot per close of the exact one.
              const exactCost = Number(ref.num) / Number(ref.den);
              expect(Math.abs(keeper.cellCostOf(a, i) - exactCost)).toBeLessThanOrEqual(0.5 * ref.closes + 1e-6 * Math.abs(exactCost));
              if (ref.net === 0n) {
                expect(keeper.cellCostOf(a, i)).toBe(0);
                expect(BigInt(keeper.cellRealizedOf(a, i))).toBe(ref.cash);
              }
              net += Number(ref.net);
              buy += ref.openBuy;
              sell += ref.openSell;
              totalTimesTwo += cellTotalTimesTwo;
            }
            expect(keeper.position(i)).toBe(net);
            expect(keeper.openBuy(i)).toBe(buy);
            expect(keeper.openSell(i)).toBe(sell);
            expect(keeper.exposure(i)).toBe(worst(net, buy, sell));
            expect(BigInt((keeper.realized(i) + keeper.unrealized(i)) * 2)).toBe(totalTimesTwo);
            gross += worst(net, buy, sell);
          }
          expect(keeper.grossExposure()).toBe(gross);
          for (let a = 0; a < ACCOUNTS; a++) {
            let realized = 0;
            let exposure = 0;
            let total = 0n;
            for (let i = 0; i < INSTRUMENTS; i++) {
              const ref = cells[a * INSTRUMENTS + i];
              realized += keeper.cellRealizedOf(a, i);
              exposure += worst(Number(ref.net), ref.openBuy, ref.openSell);
              total += ref.cash * 2n + ref.net * BigInt(midsTimesTwo[i]);
            }
            expect(keeper.accountRealized(a)).toBe(realized);
            expect(keeper.accountExposure(a)).toBe(exposure);
            expect(BigInt((keeper.accountRealized(a) + keeper.accountUnrealized(a)) * 2)).toBe(total);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('average price, realized and unrealized on a worked example', () => {
    const k = new PositionKeeper(1);
    k.fill(0, 0, SIDE_BUY, 100, 3);
    k.fill(0, 0, SIDE_BUY, 103, 1); // 4 lots, cost 403
    expect([k.position(0), k.positionCost(0), k.averagePrice(0)]).toEqual([4, 403, 100.75]);
    k.fill(0, 0, SIDE_SELL, 110, 2); // closes half: removes round(201.5) = 202 (half away from zero... Math.round: 202)
    expect([k.position(0), k.positionCost(0), k.realized(0)]).toEqual([2, 201, 220 - 202]);
    k.mark(0, 105);
    expect(k.unrealized(0)).toBe(2 * 105 - 201);
    k.fill(0, 0, SIDE_SELL, 90, 5); // closes 2 at 90, opens 3 short at 90
    expect([k.position(0), k.positionCost(0), k.realized(0)]).toEqual([-3, -270, 18 + 180 - 201]);
    k.addOpen(0, 0, SIDE_BUY, 10);
    k.addOpen(0, 0, SIDE_SELL, 4);
    expect([k.exposure(0), k.grossExposure()]).toEqual([7, 7]);
  });
});
