// Why a pre-trade check refused an order: a small integer on the hot path (no string or
// object per order), a name for logs, metrics labels and the journal.

export const RISK_REASON = {
  pass: 0,
  /** Trading state HALTED (kill switch or operator): no new order at all. */
  halted: 1,
  /** Trading state REDUCING and the order would not reduce the position (counting open orders). */
  reducingOnly: 2,
  instrumentDisabled: 3,
  unknownInstrument: 4,
  /** Side not 1/2, price or quantity not a positive integer. */
  invalidOrder: 5,
  maxOrderQty: 6,
  maxNotional: 7,
  /** No reference price from the feed yet (a price band is set). */
  noReference: 8,
  /** The reference price is older than reference_max_age_ms. */
  staleReference: 9,
  priceBand: 10,
  positionLimit: 11,
  grossPositionLimit: 12,
  throttleInstrument: 13,
  throttleGlobal: 14,
  duplicateClOrdId: 15,
} as const;

export type RiskReason = (typeof RISK_REASON)[keyof typeof RISK_REASON];

export const RISK_REASON_COUNT = 16;

/** snake_case names, index = code: metrics labels (`reason="price_band"`) and logs. */
export const RISK_REASON_NAME: readonly string[] = Object.entries(RISK_REASON)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`));

export const TRADING_STATE = { active: 0, reducing: 1, halted: 2 } as const;
export type TradingState = (typeof TRADING_STATE)[keyof typeof TRADING_STATE];
export const TRADING_STATE_NAME: readonly string[] = ['ACTIVE', 'REDUCING', 'HALTED'];

export const SIDE_BUY = 1;
export const SIDE_SELL = 2;
