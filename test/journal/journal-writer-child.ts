// The process the journal crash test kills: creates the journal ring (argv: journal dir, shm
// dir, ring name, first sequence, fsync), appends test entries in bursts of 60,000 and prints
// `done <last sequence>` after each burst was appended (acknowledged), then drains them in
// one large write (5.7 MB), which a SIGKILL can tear.
import { JournalAppender, createJournalSegment } from '../../runtime/journal/journal-appender.ts';
import { JournalWriter, type JournalFsyncPolicy } from '../../runtime/journal/journal-writer.ts';
import { appendTestEntry } from './journal-test-entries.ts';

const [directory, shm, name, first, fsync] = process.argv.slice(2);
const segment = createJournalSegment({ name, directory: shm, capacity: 65_536, firstSequence: Number(first) });
const ring = segment.ring();
const appender = new JournalAppender(ring);
const writer = new JournalWriter(ring, { directory, fsync: fsync as JournalFsyncPolicy, batchEntries: 65_536 });
for (;;) {
  for (let i = 0; i < 60_000; i++) if (!appendTestEntry(appender)) throw new Error('ring full: the writer is behind');
  process.stdout.write(`done ${appender.nextSequence - 1}\n`);
  segment.beat();
  writer.drain();
}
