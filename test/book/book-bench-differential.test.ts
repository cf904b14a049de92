// The book bench's differential check on its own: the LOBSTER workload the bench records
// (bench/book/lobster-workload.ts), applied to our book and to hft-limit-order-book, leaves
// both with the same top levels as each other and as LOBSTER's last orderbook row, with no
// rejected operation and no add that matched; twice, so the clean-up between passes is
// checked too.
import { describe, expect, it } from 'vitest';
import { topLevelDifferences } from '../../bench/book/top-level-check.ts';
import { loadLobsterWorkload } from '../../bench/book/lobster-workload.ts';
import { MarketfeedBookDriver } from '../../bench/book/marketfeed-driver.ts';
import { PeerBookDriver } from '../../bench/book/peer-driver.ts';

describe('book bench workload', () => {
  it('has one operation per book-changing message, plus those learnt from the orderbook file', () => {
    const workload = loadLobsterWorkload();
    expect(workload.messages).toBe(998);
    expect(workload.stream.length).toBe(workload.messages - workload.unchangedMessages + workload.learnedOperations);
    expect(workload.seed.length).toBe(20);
  });

  it('leaves both books equal to each other and to LOBSTER after every pass', () => {
    const workload = loadLobsterWorkload();
    const ours = new MarketfeedBookDriver(workload);
    const peer = new PeerBookDriver(workload);
    for (let pass = 0; pass < 2; pass++) {
      for (const driver of [ours, peer]) {
        driver.prepare();
        driver.applyStream();
      }
      expect(topLevelDifferences(ours, peer, workload.lastRow)).toEqual([]);
    }
    expect([ours.rejected, peer.rejected, peer.crossed]).toEqual([0, 0, 0]);
  });

  it('reports a book that did different work', () => {
    const workload = loadLobsterWorkload();
    const ours = new MarketfeedBookDriver(workload);
    const peer = new PeerBookDriver(workload);
    ours.prepare();
    ours.applyStream();
    peer.prepare();
    expect(topLevelDifferences(ours, peer, workload.lastRow).length).toBeGreaterThan(0);
  });
});
