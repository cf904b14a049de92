// The exchange's duty cycle inside the publisher: steps the liquidity source at a paced
// rate (orders per second, from the clock since the start, so a stall is caught up, capped
// per call) and makes the market data it caused visible. FIX orders arrive between duty
// cycles, on the event loop, and publish their market data themselves (ExchangeBook).
import { monotonicNs } from '../clock/clock.ts';
import type { PublishingAgent } from '../publisher/publisher-process.ts';
import type { ExchangeMarketData } from './exchange-market-data.ts';
import type { LiquiditySource } from './liquidity-source.ts';

const MAX_STEPS_PER_CALL = 256;

export class ExchangeAgent implements PublishingAgent {
  steps = 0;
  failure: Error | undefined = undefined;
  /** The liquidity source ran out (a file ended); the exchange goes on without it. */
  exhausted = false;
  private readonly source: LiquiditySource | undefined;
  private readonly marketData: ExchangeMarketData;
  private readonly ratePerNs: number;
  private startNs = -1;

  constructor(source: LiquiditySource | undefined, marketData: ExchangeMarketData, ratePerS: number) {
    this.source = source;
    this.marketData = marketData;
    this.ratePerNs = ratePerS / 1e9;
  }

  get sent(): number {
    return this.marketData.sent;
  }

  isDone(): boolean {
    return this.failure !== undefined;
  }

  doWork(): number {
    if (this.source === undefined || this.exhausted) return 0;
    const now = monotonicNs();
    if (this.startNs < 0) this.startNs = now;
    const due = Math.min(MAX_STEPS_PER_CALL, Math.floor((now - this.startNs) * this.ratePerNs) - this.steps);
    let done = 0;
    try {
      while (done < due) {
        if (!this.source.step()) {
          this.exhausted = true;
          break;
        }
        done++;
      }
    } catch (error) {
      this.failure = error as Error;
    }
    this.steps += done;
    this.marketData.flush();
    return done;
  }
}
