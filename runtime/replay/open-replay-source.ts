// Picks the ReplaySource for a file by what is in it: a capture (MFCAP magic) or a LOBSTER
// message file (its first line is six comma-separated numbers, or its name is LOBSTER's
// TICKER_DATE_start_end_message_LEVEL.csv). Anything else is refused at byte 0.
import fs from 'node:fs';
import path from 'node:path';
import { looksLikeCapture } from './capture-file.ts';
import { CaptureReader } from './capture-reader.ts';
import { LOBSTER_MESSAGE_NAME, lobsterOrderbookPathFor, openLobsterSource } from './lobster-source.ts';
import { ReplayInputError, type ReplaySource } from './replay-source.ts';

export interface ReplayInputOptions {
  /** LOBSTER: the instrument id of its quotes. */
  instrumentId: number;
  /** LOBSTER: the orderbook file; undefined = the sibling `_orderbook_` file if present; 'none' = start from an empty book. */
  orderbook?: string | undefined;
  /** LOBSTER: the trading date YYYY-MM-DD; undefined = from the file name. */
  tradingDate?: string | undefined;
}

export type ReplayInputKind = 'capture' | 'lobster';

const PEEK_BYTES = 256;
const LOBSTER_ROW = /^\d+(\.\d+)?,\d+,\d+,\d+,-?\d+,-?1\r?$/;

export function detectReplayInput(file: string): ReplayInputKind | undefined {
  const fd = fs.openSync(file, 'r');
  const first = Buffer.alloc(PEEK_BYTES);
  let length: number;
  try {
    length = fs.readSync(fd, first, 0, PEEK_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  const bytes = first.subarray(0, length);
  if (looksLikeCapture(bytes)) return 'capture';
  const firstLine = bytes.toString('latin1').split('\n', 1)[0];
  if (LOBSTER_ROW.test(firstLine) || LOBSTER_MESSAGE_NAME.test(path.basename(file))) return 'lobster';
  return undefined;
}

export function openReplaySource(file: string, options: ReplayInputOptions): ReplaySource {
  switch (detectReplayInput(file)) {
    case 'capture':
      return CaptureReader.open(file);
    case 'lobster': {
      const orderbookPath = options.orderbook === 'none' ? undefined : (options.orderbook ?? lobsterOrderbookPathFor(file));
      return openLobsterSource(file, {
        instrumentId: options.instrumentId,
        ...(orderbookPath === undefined ? {} : { orderbookPath }),
        ...(options.tradingDate === undefined ? {} : { tradingDate: options.tradingDate }),
      });
    }
    case undefined:
      throw new ReplayInputError(file, 0, 'neither a marketfeed capture (MFCAP magic) nor a LOBSTER message file (lines of time,type,order id,size,price,direction)');
  }
}
