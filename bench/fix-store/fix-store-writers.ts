// What the fix-store bench times, one append at a time: a FileMessageStore under each fsync
// policy storing a sent message and incrementing the sender MsgSeqNum (what a session does
// for each message it sends), beside plain positioned fs.writeSync calls of the same bytes
// into a file (and the same followed by fdatasync), the floor any file-backed store pays.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { FileMessageStore, type FsyncPolicy } from '../../runtime/fix/session/file-message-store.ts';

/** A FIX NewOrderSingle-sized message (200 bytes). */
export const MESSAGE = Buffer.from(`8=FIX.4.4\x019=178\x0135=D\x0134=1\x0149=CLIENT1\x0156=EXCH\x0152=20260101-12:00:00.000\x0111=order-1\x0121=1\x0155=AAPL\x0154=1\x0160=20260101-12:00:00.000\x0138=100\x0140=2\x0144=101.25\x0159=0\x0158=${'x'.repeat(35)}\x0110=000\x01`);
/** The flush policy's flush() comes after this many messages (a session's batch). */
export const FLUSH_EVERY = 64;

export interface AppendWriter {
  impl: string;
  append(): void;
  close(): void;
}

const silent = pino({ level: 'silent' });

export function storeWriter(directory: string, fsync: FsyncPolicy): AppendWriter {
  const store = new FileMessageStore(path.join(directory, `store-${fsync}`), { fsync, logger: silent });
  let count = 0;
  return {
    impl: `marketfeed-${fsync}`,
    append: () => {
      store.set(store.nextSenderMsgSeqNum, MESSAGE);
      store.incrNextSenderMsgSeqNum();
      if (fsync === 'flush' && ++count % FLUSH_EVERY === 0) store.flush();
    },
    close: () => store.close(),
  };
}

export function plainWriter(directory: string, sync: boolean): AppendWriter {
  const fd = fs.openSync(path.join(directory, sync ? 'plain-fdatasync' : 'plain'), 'w');
  let position = 0;
  return {
    impl: sync ? 'node-fs-fdatasync' : 'node-fs',
    append: () => {
      position += fs.writeSync(fd, MESSAGE, 0, MESSAGE.length, position);
      if (sync) fs.fdatasyncSync(fd);
    },
    close: () => fs.closeSync(fd),
  };
}
