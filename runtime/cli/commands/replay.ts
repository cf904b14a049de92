import { NEW_YORK, localMidnightUtcMs } from '../../replay/exchange-time.ts';
import { lobsterTradingDate } from '../../replay/lobster-source.ts';
import { detectReplayInput, openReplaySource } from '../../replay/open-replay-source.ts';
import { runReplay } from '../../replay/replay-process.ts';
import { defineCommand } from '../command.ts';
import { feedPublisherOptions, publisherSettings } from '../common-options.ts';
import { UsageError } from '../options.ts';

export const replayCommand = defineCommand({
  name: 'replay',
  description:
    'Publishes the records of --file into the feed like `marketfeed publish` (segment, TCP feed, drain, removal): a\n' +
    'capture written by `marketfeed record` (records bit-for-bit but sequence, publish time and the replayed flag),\n' +
    'or a LOBSTER message file run through the order book, one quote per change of the best bid/offer. Records go\n' +
    'out at their original pace (--speed 1), N times faster (--speed N) or flat out (--speed max). On a terminal a\n' +
    'progress bar; at the end a summary. A truncated or corrupt file: every record before the bad byte is\n' +
    'published, then the error with its byte offset, exit code 1.',
  examples: [
    'npx marketfeed replay --file feed.mfcap --speed 10',
    'npx marketfeed replay --file AAPL_2012-06-21_34200000_57600000_message_10.first998.csv --speed max',
  ],
  options: {
    file: { type: 'string', description: 'capture (.mfcap) or LOBSTER message file (.csv) to play' },
    speed: { type: 'rate', default: 1, description: '1 = original timing, 10 = ten times faster, 0.5 = half speed, max = flat out' },
    count: { type: 'integer', min: 0, default: 0, description: 'stop after this many records; 0 = the whole file' },
    'instrument-id': { type: 'integer', min: 0, max: 0xffff_ffff, default: 0, description: 'LOBSTER: instrument id of the quotes' },
    orderbook: { type: 'string', description: 'LOBSTER: orderbook file to seed the book from, or none (default: the _orderbook_ file next to --file, if there)' },
    date: { type: 'string', description: 'LOBSTER: trading date YYYY-MM-DD (default: from the file name)' },
    ...feedPublisherOptions,
  },
  async run(options) {
    const file = options.file;
    if (file === undefined) throw new UsageError('marketfeed replay: --file is required');
    const settings = publisherSettings('replay', options);
    if (options.date !== undefined && !isCalendarDate(options.date)) throw new UsageError(`marketfeed replay: --date must be a YYYY-MM-DD calendar date, got "${options.date}"`);
    if (detectReplayInput(file) === 'lobster' && options.date === undefined && lobsterTradingDate(file) === undefined) {
      throw new UsageError(`marketfeed replay: ${file} is a LOBSTER file whose name has no date: give --date YYYY-MM-DD`);
    }
    const source = openReplaySource(file, { instrumentId: options.instrumentId, orderbook: options.orderbook, tradingDate: options.date });
    return runReplay({ ...settings, speed: options.speed, count: options.count }, source);
  },
});

function isCalendarDate(text: string): boolean {
  try {
    localMidnightUtcMs(text, NEW_YORK);
    return true;
  } catch {
    return false;
  }
}
