// The differential check: after the stream, both books must show the same top levels as
// each other, and as LOBSTER's last orderbook row on the levels it fixes (the 10th can be
// filled from deeper levels no message showed, as in test/book/lobster-oracle.test.ts).
// Equal books mean the peer really applied the same operations as ours.
import type { LobsterBookRow } from '../../runtime/book/lobster.ts';
import type { BookDriver, TopLevels } from './book-driver.ts';

const COMPARED_LEVELS = 10;
const LOBSTER_LEVELS = 9;

/** Differences found, as readable lines (empty when the books agree). */
export function topLevelDifferences(ours: BookDriver, peer: BookDriver, lastRow: LobsterBookRow): string[] {
  const found: string[] = [];
  for (const side of ['bids', 'asks'] as const) {
    const mine = ours.topLevels(side, COMPARED_LEVELS);
    const theirs = peer.topLevels(side, COMPARED_LEVELS);
    if (format(mine) !== format(theirs)) found.push(`${side}: ${ours.impl} ${format(mine)}, ${peer.impl} ${format(theirs)}`);
    const prices = side === 'bids' ? lastRow.bidPrices : lastRow.askPrices;
    const sizes = side === 'bids' ? lastRow.bidSizes : lastRow.askSizes;
    const lobster: TopLevels = [];
    for (let level = 0; level < LOBSTER_LEVELS && sizes[level] > 0; level++) lobster.push([prices[level], sizes[level]]);
    const ourTop = mine.slice(0, LOBSTER_LEVELS);
    if (format(ourTop) !== format(lobster)) found.push(`${side}: ${ours.impl} ${format(ourTop)}, LOBSTER's last row ${format(lobster)}`);
  }
  return found;
}

function format(levels: TopLevels): string {
  return levels.map(([price, quantity]) => `${quantity}@${price}`).join(' ');
}
