// Positions per (account, instrument) cell, summed per instrument and per account, in
// integers: quantities in lots, prices in ticks, money (cost, P&L) in ticks × lots. Average
// cost method: `cost` is what the open position cost (signed like the position), the average
// price is cost / net. Closing part of a position takes away its share of the cost, rounded
// to the nearest tick × lot (the only rounding; at most half a tick × lot per close), and the
// difference is realized: realized + unrealized is always exactly Σ cash flows + net × mid.
// Exact while every product (price × lots, cost × lots closed) stays below 2^53.
//
// Exposure counts open orders at their worst: long side net + open buys, short side net − open
// sells; an instrument's worst case is the larger magnitude of the two, the gross exposure the
// sum over instruments (kept up to date on every change, so reading it is O(1)).
import { SIDE_BUY } from './order-pool.ts';

export class PositionKeeper {
  readonly instruments: number;
  readonly accounts: number;
  // Cells: account × instruments + instrument.
  private readonly cellNet: Float64Array;
  private readonly cellCost: Float64Array;
  private readonly cellRealized: Float64Array;
  private readonly cellOpenBuy: Float64Array;
  private readonly cellOpenSell: Float64Array;
  // Per instrument: sums over accounts.
  private readonly net: Float64Array;
  private readonly cost: Float64Array;
  private readonly realizedByInstrument: Float64Array;
  private readonly openBuys: Float64Array;
  private readonly openSells: Float64Array;
  private readonly worst: Float64Array;
  private readonly mids: Float64Array;
  private readonly realizedByAccount: Float64Array;
  private gross = 0;
  /** Fills applied. */
  fills = 0;

  constructor(instruments: number, accounts = 1) {
    if (!Number.isInteger(instruments) || instruments < 1 || !Number.isInteger(accounts) || accounts < 1) {
      throw new RangeError(`positions need at least one instrument and one account, got ${instruments} and ${accounts}`);
    }
    this.instruments = instruments;
    this.accounts = accounts;
    const cells = instruments * accounts;
    this.cellNet = new Float64Array(cells);
    this.cellCost = new Float64Array(cells);
    this.cellRealized = new Float64Array(cells);
    this.cellOpenBuy = new Float64Array(cells);
    this.cellOpenSell = new Float64Array(cells);
    this.net = new Float64Array(instruments);
    this.cost = new Float64Array(instruments);
    this.realizedByInstrument = new Float64Array(instruments);
    this.openBuys = new Float64Array(instruments);
    this.openSells = new Float64Array(instruments);
    this.worst = new Float64Array(instruments);
    this.mids = new Float64Array(instruments).fill(Number.NaN);
    this.realizedByAccount = new Float64Array(accounts);
  }

  /** Applies a fill of `quantity` lots at `price` ticks. */
  fill(account: number, instrument: number, side: number, price: number, quantity: number): void {
    const c = account * this.instruments + instrument;
    const q = side === SIDE_BUY ? quantity : -quantity;
    const net = this.cellNet[c];
    const cost = this.cellCost[c];
    let newNet = net + q;
    let newCost: number;
    let realized = 0;
    if (net === 0 || (net > 0) === (q > 0)) {
      newCost = cost + q * price;
    } else {
      const absNet = net < 0 ? -net : net;
      const absQ = q < 0 ? -q : q;
      const closing = absQ < absNet ? absQ : absNet;
      const removed = closing === absNet ? cost : Math.round((cost * closing) / absNet);
      const signedClose = net > 0 ? closing : -closing;
      realized = signedClose * price - removed;
      newCost = cost - removed;
      // What is left of the fill opens a position the other way.
      if (absQ > absNet) newCost = (q > 0 ? absQ - absNet : absNet - absQ) * price;
      if (newNet === 0) newCost = 0;
    }
    if (newNet === 0) newNet = 0; // no -0
    this.cellNet[c] = newNet;
    this.cellCost[c] = newCost;
    this.cellRealized[c] += realized;
    this.net[instrument] += q;
    this.cost[instrument] += newCost - cost;
    this.realizedByInstrument[instrument] += realized;
    this.realizedByAccount[account] += realized;
    this.fills++;
    this.updateWorst(instrument);
  }

  /** Adds `delta` lots (negative to take away) to the open orders of a side. */
  addOpen(account: number, instrument: number, side: number, delta: number): void {
    const c = account * this.instruments + instrument;
    if (side === SIDE_BUY) {
      this.cellOpenBuy[c] += delta;
      this.openBuys[instrument] += delta;
    } else {
      this.cellOpenSell[c] += delta;
      this.openSells[instrument] += delta;
    }
    this.updateWorst(instrument);
  }

  /** Marks an instrument to a mid price in ticks (a half tick is fine: mid = (bid + ask) / 2). */
  mark(instrument: number, mid: number): void {
    this.mids[instrument] = mid;
  }

  mid(instrument: number): number {
    return this.mids[instrument];
  }

  /** Net lots of an instrument over every account. */
  position(instrument: number): number {
    return this.net[instrument];
  }

  openBuy(instrument: number): number {
    return this.openBuys[instrument];
  }

  openSell(instrument: number): number {
    return this.openSells[instrument];
  }

  /** Cost of the instrument's open position, ticks × lots (signed like the position). */
  positionCost(instrument: number): number {
    return this.cost[instrument];
  }

  /** Average price in ticks (cost / net), NaN when flat. */
  averagePrice(instrument: number): number {
    const net = this.net[instrument];
    return net === 0 ? Number.NaN : this.cost[instrument] / net;
  }

  realized(instrument: number): number {
    return this.realizedByInstrument[instrument];
  }

  /** Unrealized P&L at the instrument's mid, ticks × lots (NaN before a mark unless flat). */
  unrealized(instrument: number): number {
    const net = this.net[instrument];
    return net === 0 ? 0 : net * this.mids[instrument] - this.cost[instrument];
  }

  /** The instrument's worst case in lots: max(|net + open buys|, |net − open sells|). */
  exposure(instrument: number): number {
    return this.worst[instrument];
  }

  /** Σ of every instrument's worst case, lots. */
  grossExposure(): number {
    return this.gross;
  }

  cellPosition(account: number, instrument: number): number {
    return this.cellNet[account * this.instruments + instrument];
  }

  cellCostOf(account: number, instrument: number): number {
    return this.cellCost[account * this.instruments + instrument];
  }

  cellRealizedOf(account: number, instrument: number): number {
    return this.cellRealized[account * this.instruments + instrument];
  }

  accountRealized(account: number): number {
    return this.realizedByAccount[account];
  }

  /** The account's unrealized P&L over its instruments at their mids. */
  accountUnrealized(account: number): number {
    let sum = 0;
    const base = account * this.instruments;
    for (let i = 0; i < this.instruments; i++) {
      const net = this.cellNet[base + i];
      if (net !== 0) sum += net * this.mids[i] - this.cellCost[base + i];
    }
    return sum;
  }

  /** The account's worst case summed over its instruments, lots. */
  accountExposure(account: number): number {
    let sum = 0;
    const base = account * this.instruments;
    for (let i = 0; i < this.instruments; i++) sum += worstOf(this.cellNet[base + i], this.cellOpenBuy[base + i], this.cellOpenSell[base + i]);
    return sum;
  }

  private updateWorst(instrument: number): void {
    const worst = worstOf(this.net[instrument], this.openBuys[instrument], this.openSells[instrument]);
    this.gross += worst - this.worst[instrument];
    this.worst[instrument] = worst;
  }
}

function worstOf(net: number, openBuy: number, openSell: number): number {
  const long = net + openBuy;
  const short = net - openSell;
  const a = long < 0 ? -long : long;
  const b = short < 0 ? -short : short;
  return a > b ? a : b;
}
