// The exchange bench's matching check on its own: both flows (synthetic and LOBSTER) trade
// the same quantity on every command in our engine and in hft-limit-order-book and leave the
// same book, pass after pass (so the clean-up between passes is checked too); the flows
// really hold aggressive orders, cancels and replaces; and the check reports an engine that
// did different work.
import { describe, expect, it } from 'vitest';
import { ORDER_TYPE_MARKET } from '../../runtime/matching/matching-events.ts';
import { matchingDifferences } from '../../bench/exchange/matching-check.ts';
import { MarketfeedMatchingDriver, PeerMatchingDriver } from '../../bench/exchange/matching-drivers.ts';
import { lobsterFlow } from '../../bench/exchange/matching-lobster-flow.ts';
import { syntheticFlow } from '../../bench/exchange/matching-synthetic-flow.ts';

describe('matching bench flows', () => {
  it.each([
    ['synthetic', () => syntheticFlow(3_000)],
    ['LOBSTER', lobsterFlow],
  ])('%s: both engines trade alike on every command and leave the same book, pass after pass', (_name, makeFlow) => {
    const flow = makeFlow();
    expect(flow.mix.aggressive).toBeGreaterThan(0);
    expect(flow.mix.cancels).toBeGreaterThan(0);
    expect(flow.mix.replaces).toBeGreaterThan(0);
    expect(flow.mix.trades).toBeGreaterThan(0);
    const ours = new MarketfeedMatchingDriver(flow);
    const peer = new PeerMatchingDriver(flow);
    for (let pass = 0; pass < 3; pass++) {
      const { differences, volume } = matchingDifferences(ours, peer, flow);
      expect(differences).toEqual([]);
      expect(volume).toBeGreaterThan(0);
    }
  });

  it('reports an engine that did different work', () => {
    const flow = syntheticFlow(2_000);
    const market = flow.stream.types.indexOf(ORDER_TYPE_MARKET);
    const ours = new MarketfeedMatchingDriver(flow);
    // The peer gets a market order of another size: it trades another quantity.
    const tampered = { ...flow, stream: { ...flow.stream, peerSizes: flow.stream.peerSizes.map((size, index) => (index === market ? size + 1_000 : size)) } };
    const peer = new PeerMatchingDriver(tampered);
    expect(matchingDifferences(ours, peer, flow).differences.length).toBeGreaterThan(0);
  });
});
