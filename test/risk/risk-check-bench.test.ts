// The risk-check bench compares like with like: the obvious way decides every order of the
// stream as PreTradeRisk does, and the stream exercises passes and several refusal reasons.
import { describe, expect, it } from 'vitest';
import { riskCheckDifferences } from '../../bench/trading/risk-check.ts';
import { MarketfeedRiskDriver, ObviousRiskDriver, orderStream } from '../../bench/trading/risk-check-drivers.ts';
import { RISK_REASON } from '../../runtime/risk/risk-reason.ts';

describe('risk-check bench drivers', () => {
  it('decide the same stream alike, with passes and refusals of several kinds', () => {
    const stream = orderStream(5_000);
    const ours = new MarketfeedRiskDriver(stream);
    const obvious = new ObviousRiskDriver(stream);
    expect(riskCheckDifferences(ours, obvious)).toEqual([]);
    const kinds = new Set(ours.reasons);
    for (const reason of [RISK_REASON.pass, RISK_REASON.priceBand, RISK_REASON.maxOrderQty, RISK_REASON.duplicateClOrdId]) expect(kinds).toContain(reason);
    // A second pass: new ClOrdIDs, the same decisions.
    const first = Array.from(ours.reasons);
    expect(riskCheckDifferences(ours, obvious)).toEqual([]);
    expect(Array.from(ours.reasons)).toEqual(first);
  });
});
