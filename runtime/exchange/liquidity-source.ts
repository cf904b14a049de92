// Where the exchange's background order flow comes from: the seeded synthetic flow or a
// LOBSTER message file. The exchange agent calls step() at the configured pace.
export interface LiquiditySource {
  /** Submits the next command; false once the source is exhausted. */
  step(): boolean;
}
