// The process the message-store crash tests kill or starve: opens the store in argv[2]
// (fsync policy argv[3]) and, from its next sender MsgSeqNum on, stores each message and
// increments the sequence number as a session does, printing `done <seq>` after each pair
// returned. On a write error it prints `error <json>` and exits 3; on an open error, exit 4.
import { FileMessageStore, type FsyncPolicy } from '../../../runtime/fix/session/file-message-store.ts';
import { capturingLogger, crashMessageSize, messageFor } from './store-test-files.ts';

const [directory, fsync, limit] = process.argv.slice(2);
let store: FileMessageStore;
try {
  store = new FileMessageStore(directory, { fsync: fsync as FsyncPolicy, logger: capturingLogger().logger });
} catch (error) {
  process.stdout.write(`error ${JSON.stringify({ name: (error as Error).name, message: (error as Error).message })}\n`);
  process.exit(4);
}
const last = limit === undefined ? Infinity : Number(limit);
for (let seq = store.nextSenderMsgSeqNum; seq <= last; seq++) {
  try {
    store.set(seq, messageFor(seq, crashMessageSize(seq)));
    store.incrNextSenderMsgSeqNum();
  } catch (error) {
    process.stdout.write(`error ${JSON.stringify({ seq, name: (error as Error).name, message: (error as Error).message })}\n`);
    process.exit(3);
  }
  process.stdout.write(`done ${seq}\n`);
}
store.close();
