// The exchange's records reach a strategy in ticks, quotes feed the risk reference prices,
// and records the trader cannot use are counted, never passed on.
import { describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RecordType } from '../../runtime/record/record-layout.ts';
import { MarketDataDispatcher } from '../../runtime/trader/market-data-dispatcher.ts';
import type { Strategy, StrategyContext } from '../../runtime/trader/strategy.ts';

const TICK = 1_000_000; // 0.01 in 1e-8 units

function recordingStrategy(calls: string[], dispatcher: () => MarketDataDispatcher): Strategy {
  return {
    name: 'recording',
    onQuote: (_ctx, instrument, bid, bidSize, ask, askSize, nowNs) => calls.push(`quote ${instrument} ${bid}x${bidSize} ${ask}x${askSize} @${nowNs} trigger ${dispatcher().triggerNs}`),
    onTrade: (_ctx, instrument, price, size, side, nowNs) => calls.push(`trade ${instrument} ${size}@${price} side ${side} @${nowNs}`),
    onFill: () => {},
  };
}

describe('MarketDataDispatcher', () => {
  it('passes quotes and trades of the traded instruments in ticks, with the record time, and sets the reference prices', () => {
    const calls: string[] = [];
    const references: string[] = [];
    const strategy = recordingStrategy(calls, () => dispatcher);
    const dispatcher: MarketDataDispatcher = new MarketDataDispatcher(strategy, {} as StrategyContext, TICK, [1, 3], { setReference: (i, bid, ask, at) => references.push(`${i} ${bid}/${ask} @${at}`) });
    const record = new MarketDataRecord();
    record.setQuote(1_000, 0, 1, RecordType.quote, 0, 10_000 * TICK, 10_002 * TICK, 5, 7);
    dispatcher.handle(record);
    record.setTrade(2_000, 0, 3, 0, 10_001 * TICK, 4, 2, 9);
    dispatcher.handle(record);
    record.setQuote(3_000, 0, 1, RecordType.quote, 0, 0, 10_002 * TICK, 0, 7);
    dispatcher.handle(record);
    expect(calls).toEqual(['quote 1 10000x5 10002x7 @1000 trigger 1000', 'trade 3 4@10001 side 2 @2000', 'quote 1 0x0 10002x7 @3000 trigger 3000']);
    expect(references).toEqual(['1 10000/10002 @1000', '1 0/10002 @3000']);
    expect([dispatcher.quotes, dispatcher.trades, dispatcher.skipped, dispatcher.triggerNs]).toEqual([2, 1, 0, 0]);
  });

  it('counts and skips an instrument it does not trade and a price off the tick grid', () => {
    const calls: string[] = [];
    const dispatcher: MarketDataDispatcher = new MarketDataDispatcher(recordingStrategy(calls, () => dispatcher), {} as StrategyContext, TICK, [1]);
    const record = new MarketDataRecord();
    record.setQuote(1, 0, 2, RecordType.quote, 0, 100 * TICK, 101 * TICK, 1, 1);
    dispatcher.handle(record);
    record.setQuote(1, 0, 1, RecordType.quote, 0, 100 * TICK + 5, 101 * TICK, 1, 1);
    dispatcher.handle(record);
    record.setTrade(1, 0, 1, 0, 100 * TICK + 1, 1, 1, 1);
    dispatcher.handle(record);
    record.setQuote(1, 0, 9, RecordType.quote, 0, 100 * TICK, 101 * TICK, 1, 1);
    dispatcher.handle(record);
    expect(calls).toEqual([]);
    expect(dispatcher.skipped).toBe(4);
  });

  it('refuses a tick size that is not a positive whole number of price units', () => {
    expect(() => new MarketDataDispatcher(recordingStrategy([], () => undefined as never), {} as StrategyContext, 0.5, [1])).toThrow(/tickUnits must be a positive whole number/);
  });
});
