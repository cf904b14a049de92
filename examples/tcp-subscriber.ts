// Subscribe to a publisher's TCP feed in a few lines, with the client library.
//   npx node examples/tcp-subscriber.ts [host] [port] [records]   (npx: the Node 24 of node_modules)
// (In another project: import { TcpFeedClient } from 'marketfeed'.)
import { PRICE_SCALE, TcpFeedClient } from '../runtime/index.ts';

const [host = '127.0.0.1', port = '9000', wanted = '10'] = process.argv.slice(2);
const client = new TcpFeedClient({ host, port: Number(port), encoding: 'binary', instruments: [0, 1, 2] }).start();
client.on('disconnected', (reason, retryInMs) => console.error(`disconnected (${reason}); retrying in ${retryInMs} ms`));

let seen = 0;
for await (const quote of client.records()) {
  console.log(`#${quote.sequence} instrument ${quote.instrumentId}: ${quote.bidSize} @ ${quote.bidPrice / PRICE_SCALE} / ${quote.askSize} @ ${quote.askPrice / PRICE_SCALE}`);
  if (++seen >= Number(wanted)) break;
}
client.close();
