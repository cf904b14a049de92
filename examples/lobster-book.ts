// Rebuild an order book from a LOBSTER message file: seed it from the first orderbook row,
// apply every later message, and print the best bid/offer and the top 5 levels.
//   npx node examples/lobster-book.ts MESSAGE.csv ORDERBOOK.csv   (npx: the Node 24 of node_modules)
import { readFileSync } from 'node:fs';
import { LimitOrderBook, LobsterReplay, depthLevels, parseLobsterBookRow, parseLobsterMessage } from '../runtime/index.ts';

const [messageFile, orderbookFile] = process.argv.slice(2);
if (messageFile === undefined || orderbookFile === undefined) throw new Error('usage: npx node examples/lobster-book.ts MESSAGE.csv ORDERBOOK.csv');
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);

const replay = new LobsterReplay(new LimitOrderBook());
replay.seed(parseLobsterBookRow(lines(orderbookFile)[0], 1));
const messages = lines(messageFile);
for (let k = 1; k < messages.length; k++) replay.apply(parseLobsterMessage(messages[k], k + 1));

const book = replay.book;
console.log(`${messages.length - 1} messages, ${book.orderCount} resting orders, ${replay.rejected} rejected`);
console.log(`best bid ${book.bestBidQuantity()} @ ${book.bestBidPrice()}, best ask ${book.bestAskQuantity()} @ ${book.bestAskPrice()}`);
for (const side of ['buy', 'sell'] as const) {
  const top = depthLevels(5);
  const count = book.depth(side, top);
  const levels = Array.from({ length: count }, (_, level) => `${top.quantities[level]}@${top.prices[level]}`);
  console.log(`${side}: ${levels.join(' ')}`);
}
