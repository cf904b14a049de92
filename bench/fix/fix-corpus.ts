// The messages the fix bench parses: a NewOrderSingle and an ExecutionReport from a real
// FIX 4.4 session log (FIXSIM's demo acceptor, ../shared/data/fix, valid BodyLength and
// CheckSum with SOH), and a MarketDataIncrementalRefresh written by our FixEncoder,
// because the samples hold none with real prices and sizes (their X messages are
// generated lorem ipsum without MDEntryPx).
import { readFileSync } from 'node:fs';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { dataPath } from '../../test/helpers/shared-data.ts';

export const SESSION_LOG = 'fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt';
export const FIX44_DICTIONARY = 'fix/dictionaries/FIX44.xml';

/** Entries in the generated MarketDataIncrementalRefresh. */
export const MD_ENTRIES = 8;

/** The first message of `msgType` in the session log, SOH-delimited. */
function sessionMessage(msgType: string): Buffer {
  const line = readFileSync(dataPath(SESSION_LOG), 'latin1')
    .split(/\r?\n/)
    .find((candidate) => candidate.includes(`|35=${msgType}|`));
  if (line === undefined) throw new Error(`no MsgType ${msgType} in ${SESSION_LOG}`);
  return Buffer.from(line.replaceAll('|', '\x01'), 'latin1');
}

/**
 * A level-2 update for one instrument as a venue sends it: per entry the action (new,
 * change, delete), side, entry id, symbol, price, size, time and level.
 */
function marketDataIncrementalRefresh(): Buffer {
  const encoder = new FixEncoder({ beginString: 'FIX.4.4' });
  encoder
    .begin('X')
    .int(34, 7_321)
    .string(49, 'FIXSIMDEMO')
    .string(52, '20241013-14:15:00.746')
    .string(56, 'sjames8888@gmail_com')
    .string(262, 'MDREQ-VOD.L-1')
    .int(268, MD_ENTRIES);
  for (let entry = 0; entry < MD_ENTRIES; entry++) {
    const bid = entry % 2 === 0;
    const level = (entry >> 1) + 1;
    encoder
      .char(279, entry === MD_ENTRIES - 1 ? '2' : entry < 2 ? '1' : '0')
      .char(269, bid ? '0' : '1')
      .string(278, `VOD.L-${bid ? 'B' : 'A'}${level}-638644257`)
      .string(55, 'VOD.L')
      .scaledPrice(270, bid ? 7_234 - level : 7_236 + level, 2)
      .int(271, 1_000 * (level + 3) + entry * 250)
      .string(273, '14:15:00.746')
      .int(290, level);
  }
  encoder.finish();
  return encoder.toBuffer();
}

export interface FixMessages {
  newOrderSingle: Buffer;
  executionReport: Buffer;
  marketDataIncrementalRefresh: Buffer;
}

export function loadFixMessages(): FixMessages {
  return {
    newOrderSingle: sessionMessage('D'),
    executionReport: sessionMessage('8'),
    marketDataIncrementalRefresh: marketDataIncrementalRefresh(),
  };
}
