// The matching bench's differential check: both engines run the flow's stream once more,
// untimed, and must have traded the same quantity on every single command and left the
// same book (every level, price and quantity). Equal results mean the peer really matched
// the same orders as ours, so the timings compare like with like.
import type { MatchingFlow } from './matching-commands.ts';
import type { MatchingDriver } from './matching-drivers.ts';

/** Levels compared: every level of these flows' books. */
const COMPARED_LEVELS = 10_000;
const SHOWN_DIFFERENCES = 3;

/** Differences found, as readable lines (empty when both engines agree), and the quantity our engine traded over the stream. */
export function matchingDifferences(ours: MatchingDriver, peer: MatchingDriver, flow: MatchingFlow): { differences: string[]; volume: number } {
  const found: string[] = [];
  const traded = [ours, peer].map((driver) => {
    driver.prepare();
    const out = new Float64Array(flow.stream.length);
    driver.tradedPerCommand(out);
    return out;
  });
  let differing = 0;
  for (let index = 0; index < flow.stream.length; index++) {
    if (traded[0][index] === traded[1][index]) continue;
    if (differing++ < SHOWN_DIFFERENCES) found.push(`${flow.name} command ${index}: ${ours.impl} traded ${traded[0][index]}, ${peer.impl} ${traded[1][index]}`);
  }
  if (differing > SHOWN_DIFFERENCES) found.push(`${flow.name}: ${differing} commands traded differently in all`);
  for (const side of ['bids', 'asks'] as const) {
    const mine = format(ours.topLevels(side, COMPARED_LEVELS));
    const theirs = format(peer.topLevels(side, COMPARED_LEVELS));
    if (mine !== theirs) found.push(`${flow.name} ${side} after the stream differ: ${ours.impl} ${mine.slice(0, 200)}…, ${peer.impl} ${theirs.slice(0, 200)}…`);
  }
  for (const driver of [ours, peer]) if (driver.rejected > 0) found.push(`${flow.name}: ${driver.impl} refused ${driver.rejected} commands`);
  return { differences: found, volume: traded[0].reduce((sum, quantity) => sum + quantity, 0) };
}

function format(levels: Array<[number, number]>): string {
  return levels.map(([price, quantity]) => `${quantity}@${price}`).join(' ');
}
