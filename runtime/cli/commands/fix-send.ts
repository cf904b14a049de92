// `marketfeed fix send`: logs on to a FIX acceptor (`marketfeed exchange` or any venue),
// sends one order given as flags or the messages given as tag=value lines on stdin, prints
// every report it gets (named fields as `fix decode` prints them, or --json), waits until what
// it sent is done (or --wait), logs out. Exit 1 on a refused logon, a reject of any kind, or
// a message left without an answer.
import readline from 'node:readline';
import { DEFAULT_FIX_PORT } from '../../exchange/exchange-fix-acceptor.ts';
import type { FixDictionary } from '../../fix/fix-dictionary.ts';
import { formatFixMessage } from '../../fix/fix-format.ts';
import type { FixMessageView } from '../../fix/fix-message-view.ts';
import { FixOrderClient, type OrderMessage, parseOrderLine } from '../../fix/session/fix-order-client.ts';
import { defineCommand } from '../command.ts';
import { loadDictionaryOption } from '../dictionary-option.ts';
import { UsageError } from '../options.ts';

const SIDES = { buy: '1', sell: '2' } as const;
const ORD_TYPES = { market: '1', limit: '2' } as const;
const TIFS = { day: '0', gtc: '1', ioc: '3', fok: '4' } as const;

export const fixSendCommand = defineCommand({
  name: 'fix send',
  description:
    'Logs on to a FIX acceptor (ResetSeqNumFlag=Y), sends one order given by --side/--symbol/--qty/--price, or the\n' +
    'messages on stdin, one a line as tag=value fields separated by | or SOH (35= gives the MsgType, default D; header\n' +
    'fields are the session\'s; TransactTime is added when missing). Prints every ExecutionReport, OrderCancelReject,\n' +
    'OrderMassCancelReport, BusinessMessageReject and session-level Reject (35=3) on stdout, one a line, with field\n' +
    'names and meanings from --dictionary as `fix decode` prints them (--json: one JSON object a line). Waits until\n' +
    'each message sent is done (filled, canceled, replaced, rejected, expired) or --wait seconds, then logs out.\n' +
    'Exit 1 on a failed logon, any reject, or a message without an answer; an order still resting after --wait is\n' +
    'no error.',
  examples: [
    'npx marketfeed fix send --dictionary FIX44.xml --side buy --symbol AAPL --qty 100 --price 100.05',
    'npx marketfeed fix send --dictionary FIX44.xml --side sell --qty 50 --type market --json',
    'npx marketfeed fix send --dictionary FIX44.xml --sender-comp-id CLIENT2 < orders.txt',
  ],
  options: {
    host: { type: 'string', default: '127.0.0.1', description: 'FIX acceptor host' },
    port: { type: 'integer', min: 1, max: 65535, default: DEFAULT_FIX_PORT, description: 'FIX acceptor port' },
    'sender-comp-id': { type: 'string', default: 'CLIENT1', description: 'our CompID (SenderCompID)' },
    'target-comp-id': { type: 'string', default: 'EXCH', description: "the acceptor's CompID (TargetCompID)" },
    dictionary: { type: 'string', description: 'QuickFIX XML data dictionary (FIX44.xml, FIX42.xml): the session version and field names (required)' },
    side: { type: 'choice', choices: Object.keys(SIDES) as (keyof typeof SIDES)[], description: 'one order from flags: its side (else the messages come from stdin)' },
    symbol: { type: 'string', default: 'AAPL', description: 'the order\'s Symbol' },
    qty: { type: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER, default: 100, description: 'the order\'s OrderQty' },
    price: { type: 'string', description: 'the order\'s limit Price (a decimal)' },
    type: { type: 'choice', choices: Object.keys(ORD_TYPES) as (keyof typeof ORD_TYPES)[], description: 'OrdType; default limit with --price, else market' },
    tif: { type: 'choice', choices: Object.keys(TIFS) as (keyof typeof TIFS)[], default: 'day', description: 'TimeInForce' },
    'cl-ord-id': { type: 'string', description: 'ClOrdID of the order from flags (default: a unique one)' },
    json: { type: 'boolean', default: false, description: 'print each report as a JSON object of field names to values' },
    wait: { type: 'number', min: 0, default: 5, description: 'seconds to wait for what was sent to be done' },
    'logon-timeout': { type: 'number', min: 0.1, default: 5, description: 'seconds to wait for the connection and the Logon answer' },
  },
  async run(options) {
    if (options.dictionary === undefined) throw new UsageError('marketfeed fix send: --dictionary is required (the QuickFIX XML of the session\'s version, e.g. FIX44.xml)');
    const dictionary = loadDictionaryOption(options.dictionary, undefined);
    const messages = options.side === undefined ? await stdinMessages() : [flagOrder(options, dictionary.version)];
    if (messages.length === 0) throw new UsageError('marketfeed fix send: no order: give --side (with --symbol, --qty, --price) or tag=value lines on stdin');
    const print = options.json ? (view: FixMessageView) => jsonReport(view, dictionary) : (view: FixMessageView) => formatFixMessage(view, dictionary);
    const client = new FixOrderClient({
      host: options.host,
      port: options.port,
      senderCompID: options.senderCompId,
      targetCompID: options.targetCompId,
      dictionary,
      onReport: (view) => process.stdout.write(`${print(view)}\n`),
    });
    const where = `${options.host}:${options.port} as ${options.senderCompId}→${options.targetCompId} (${dictionary.version})`;
    try {
      await client.logon(options.logonTimeout * 1000);
    } catch (error) {
      await client.stop(0);
      process.stderr.write(`marketfeed fix send: logon to ${where} failed: ${(error as Error).message}\n`);
      return 1;
    }
    for (const message of messages) client.send(message);
    await client.settled(options.wait * 1000);
    const pending = client.pending;
    const unanswered = client.unanswered;
    const loggedOn = client.session.isLoggedOn;
    await client.stop();
    if (!loggedOn) process.stderr.write(`marketfeed fix send: the session with ${where} ended before the answers\n`);
    if (unanswered.length > 0) process.stderr.write(`marketfeed fix send: no answer after ${options.wait} s: ClOrdID ${unanswered.join(', ')}\n`);
    const open = pending.filter((id) => !unanswered.includes(id));
    if (open.length > 0) process.stderr.write(`marketfeed fix send: still open after ${options.wait} s: ClOrdID ${open.join(', ')}\n`);
    if (client.rejects > 0) process.stderr.write(`marketfeed fix send: ${client.rejects} reject(s)\n`);
    return client.rejects > 0 || unanswered.length > 0 || !loggedOn ? 1 : 0;
  },
});

function flagOrder(
  options: { side?: keyof typeof SIDES; symbol: string; qty: number; price?: string; type?: keyof typeof ORD_TYPES; tif: keyof typeof TIFS; clOrdId?: string },
  version: string,
): OrderMessage {
  const type = options.type ?? (options.price === undefined ? 'market' : 'limit');
  if (type === 'limit' && options.price === undefined) throw new UsageError('marketfeed fix send: --type limit needs --price');
  if (options.price !== undefined && !/^\d+(\.\d+)?$/.test(options.price)) throw new UsageError(`marketfeed fix send: --price must be a decimal, got "${options.price}"`);
  const fields: [number, string][] = [[11, options.clOrdId ?? `mf-${process.pid}-${Date.now()}`]];
  // HandlInst: required in FIX 4.2, optional later (automated execution, no broker intervention).
  if (version === 'FIX.4.2') fields.push([21, '1']);
  fields.push([55, options.symbol], [54, SIDES[options.side!]], [38, String(options.qty)], [40, ORD_TYPES[type]]);
  if (type === 'limit') fields.push([44, options.price!]);
  fields.push([59, TIFS[options.tif]]);
  return { msgType: 'D', fields };
}

async function stdinMessages(): Promise<OrderMessage[]> {
  const messages: OrderMessage[] = [];
  let number = 0;
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    number++;
    if (line.trim() === '' || line.startsWith('#')) continue;
    try {
      messages.push(parseOrderLine(line));
    } catch (error) {
      throw new UsageError(`marketfeed fix send: stdin line ${number}: ${(error as Error).message}`);
    }
  }
  return messages;
}

function jsonReport(view: FixMessageView, dictionary: FixDictionary): string {
  const fields: Record<string, string> = {};
  for (let i = 0; i < view.count; i++) fields[dictionary.fieldsByNumber.get(view.tags[i])?.name ?? String(view.tags[i])] = view.stringAt(i);
  return JSON.stringify(fields);
}
