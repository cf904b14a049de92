// Encode a FIX 4.4 NewOrderSingle into a reusable buffer, parse it back zero-copy, read
// typed fields, and print it with names from a QuickFIX data dictionary.
//   npx node examples/fix-order.ts [path/to/FIX44.xml]   (npx: the Node 24 of node_modules)
import { FixEncoder, FixParser, formatFixMessage, loadFixDictionary } from '../runtime/index.ts';

const [dictionaryPath] = process.argv.slice(2);
const encoder = new FixEncoder({ beginString: 'FIX.4.4', delimiter: '|' });
encoder
  .begin('D')
  .string(49, 'CLIENT')
  .string(56, 'VENUE')
  .int(34, 2)
  .utcTimestamp(52, Date.UTC(2026, 10, 25, 14, 30))
  .string(11, 'order-1')
  .string(55, 'AAPL')
  .char(54, '1')
  .int(38, 100)
  .char(40, '2')
  .price(44, 101.25, 2)
  .finish();

// The parser checks BeginString, BodyLength and CheckSum, then records tag and value offsets.
const message = new FixParser({ delimiter: '|' }).parse(encoder.buffer, encoder.start, encoder.end);
console.log(encoder.buffer.toString('latin1', encoder.start, encoder.end));
console.log(`${message.getString(55)} side ${message.getChar(54)} ${message.getInt(38)} @ ${message.getPrice(44)}`);
if (dictionaryPath !== undefined) console.log(formatFixMessage(message, loadFixDictionary(dictionaryPath)));
