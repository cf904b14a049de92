// A stand-in for the OMS's PositionKeeper as PreTradeRisk reads it (the `Positions` view),
// for risk tests and the risk-check bench until the OMS is merged: columns set by the caller,
// gross exposure computed the plain way.
import type { Positions } from '../../runtime/risk/pre-trade-risk.ts';

export class PositionsStandIn implements Positions {
  readonly net: Float64Array;
  readonly buys: Float64Array;
  readonly sells: Float64Array;

  constructor(instruments: number) {
    this.net = new Float64Array(instruments + 1);
    this.buys = new Float64Array(instruments + 1);
    this.sells = new Float64Array(instruments + 1);
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
