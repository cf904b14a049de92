// A test stand-in for the OMS's PositionKeeper as PreTradeRisk reads it (the `Positions` view):
// plain arrays set by the test, gross exposure computed the plain way.
import type { Positions } from '../../runtime/risk/pre-trade-risk.ts';

export class PositionsStandIn implements Positions {
  readonly net: number[];
  readonly buys: number[];
  readonly sells: number[];

  constructor(instruments: number) {
    this.net = new Array<number>(instruments + 1).fill(0);
    this.buys = new Array<number>(instruments + 1).fill(0);
    this.sells = new Array<number>(instruments + 1).fill(0);
  }

  position(instrument: number): number {
    return this.net[instrument];
  }

  openBuy(instrument: number): number {
    return this.buys[instrument];
  }

  openSell(instrument: number): number {
    return this.sells[instrument];
  }

  grossExposure(): number {
    let gross = 0;
    for (let i = 1; i < this.net.length; i++) gross += Math.max(Math.abs(this.net[i] + this.buys[i]), Math.abs(this.net[i] - this.sells[i]));
    return gross;
  }
}
