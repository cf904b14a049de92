// Whether an order event's price agrees with the LOBSTER orderbook rows around it: row k-1
// (the book before message k) and row k (after it). A row shows only the top N levels of
// each side, and a message file holds events deeper than that: LOBSTER's own README says
// level N "can be filled from deeper levels the file does not show", and an orderbook file
// may have fewer levels than the messages reach (one cut to 5 levels, say). So a price is
//   level         a level of its side in either row: the rows show what it did;
//   deeper        beyond the last level of its side in both rows (a side with an empty
//                 level shows all of its levels, so nothing is beyond it): real data the
//                 rows cannot confirm, applied to the book and left out of the comparison;
//   contradiction inside the levels a row shows, yet a level of neither row: an event the
//                 rows would have shown, so the two files disagree.
import { OrderEventType } from './order-event.ts';

export const PriceAgreement = { level: 0, deeper: 1, contradiction: 2 } as const;

/** One of PriceAgreement for a price of one side, given that side's prices in the row before and the row after. */
export function priceAgreement(price: number, buy: boolean, before: Float64Array, after: Float64Array): number {
  if (includes(before, price) || includes(after, price)) return PriceAgreement.level;
  if (beyondLastLevel(price, buy, before) && beyondLastLevel(price, buy, after)) return PriceAgreement.deeper;
  return PriceAgreement.contradiction;
}

const EVENT_NAMES: Record<number, string> = {
  [OrderEventType.add]: 'an add',
  [OrderEventType.reduce]: 'a partial cancel',
  [OrderEventType.cancel]: 'a delete',
  [OrderEventType.execute]: 'an execution',
};

export interface Contradiction {
  /** The message's line (1-based); the rows around it are lines line - 1 and line of the orderbook file. */
  line: number;
  type: number;
  buy: boolean;
  price: number;
  /** The prices of the message's side in the row before it and the row after it. */
  before: Float64Array;
  after: Float64Array;
  orderbookName: string;
}

/** What was seen, where, what the rows show instead, and the way through. */
export function describeContradiction(seen: Contradiction): string {
  const { line, buy, price } = seen;
  const side = buy ? 'bid' : 'ask';
  const levels = (prices: Float64Array): string => Array.from(prices).join(' ');
  return (
    `line ${line}: ${EVENT_NAMES[seen.type] ?? `an event of type ${seen.type}`} of a ${buy ? 'buy' : 'sell'} order at price ${price} ` +
    `lies inside the ${side} levels the orderbook shows, yet is a level of neither row ${line - 1} nor row ${line} ` +
    `(${side} levels of row ${line - 1}: ${levels(seen.before)}; of row ${line}: ${levels(seen.after)}; rows are lines of ${seen.orderbookName}). ` +
    'The orderbook file disagrees with the messages here (prices deeper than its levels are accepted): check that it is this message file\'s, ' +
    'or replay from the messages alone with --orderbook none'
  );
}

function includes(prices: Float64Array, price: number): boolean {
  for (let level = 0; level < prices.length; level++) if (prices[level] === price) return true;
  return false;
}

/** Below the last bid level or above the last ask level; never beyond an empty level (±9999999999). */
function beyondLastLevel(price: number, buy: boolean, prices: Float64Array): boolean {
  if (prices.length === 0) return false;
  const last = prices[prices.length - 1];
  return buy ? price < last : price > last;
}
