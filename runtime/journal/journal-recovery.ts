// Rebuilds the journal after a crash, in entry order: every file (a torn tail of the last one
// cut, never replayed), then the entries a dead writer left in the /dev/shm ring (a kill -9 of
// the trader leaves the segment behind): those are written to a new file first, so that
// the files alone hold the whole journal afterwards and the trader may replace the segment
// with a fresh ring starting at `lastSequence + 1`.
import { readU64 } from '../record/market-data-record.ts';
import { slotWord } from '../ring/slot.ts';
import { readAtomicPosition } from '../shm/atomic-position.ts';
import { HeaderWord } from '../shm/segment-layout.ts';
import { Segment, type SegmentLocation } from '../shm/segment.ts';
import { SegmentError } from '../shm/segment-error.ts';
import { JournalWord } from './journal-entry-layout.ts';
import { JournalEntry } from './journal-entry.ts';
import { CorruptJournalError, cutJournalTail, listJournalFiles, readJournal, type JournalEntryVisitor } from './journal-file.ts';
import { JournalFileSink, type JournalFsyncPolicy } from './journal-writer.ts';

export interface RecoverJournalOptions {
  /** The journal's ring, if one may hold entries not yet in the files. */
  ring?: SegmentLocation;
  /** Each entry in order (a flyweight valid during the call; offset −1 for one from the ring): the trader rebuilds orders and positions from them. */
  onEntry?: JournalEntryVisitor;
  /** How the entries taken from the ring are synced (default 'always': they are made durable before the ring is replaced). */
  fsync?: JournalFsyncPolicy;
}

export interface RecoveredJournal {
  files: number;
  entries: number;
  /** 0 when the journal is empty. */
  firstSequence: number;
  lastSequence: number;
  /** A torn tail cut off the last file. */
  cutTail?: { file: string; offset: number; bytes: number; reason: string };
  /** Entries taken from the ring and written to a new file. */
  fromRing: number;
}

export function recoverJournal(directory: string, options: RecoverJournalOptions = {}): RecoveredJournal {
  const onEntry = options.onEntry ?? (() => {});
  const files = listJournalFiles(directory);
  const result: RecoveredJournal = { files: files.length, entries: 0, firstSequence: 0, lastSequence: 0, fromRing: 0 };
  files.forEach((file, index) => {
    let first = true;
    const summary = readJournal(file, (entry, offset) => {
      const sequence = entry.sequence;
      if (first && result.entries > 0 && sequence !== result.lastSequence + 1) {
        throw new CorruptJournalError(file, offset, `sequence ${sequence} follows ${result.lastSequence} of the previous file: entries are missing`);
      }
      first = false;
      onEntry(entry, offset);
    });
    if (summary.tornTail !== undefined) {
      if (index !== files.length - 1) throw new CorruptJournalError(file, summary.tornTail.offset, `${summary.tornTail.reason}, and later files follow (damage, not a torn tail)`);
      cutJournalTail(file, summary.validBytes);
      result.cutTail = { file, ...summary.tornTail };
    }
    if (summary.entries > 0) {
      if (result.entries === 0) result.firstSequence = summary.firstSequence;
      result.lastSequence = summary.lastSequence;
      result.entries += summary.entries;
    }
  });
  if (options.ring !== undefined) recoverFromRing(directory, options.ring, options.fsync ?? 'always', onEntry, result);
  return result;
}

function recoverFromRing(directory: string, location: SegmentLocation, fsync: JournalFsyncPolicy, onEntry: JournalEntryVisitor, result: RecoveredJournal): void {
  let segment: Segment;
  try {
    segment = Segment.open(location, false);
  } catch (error) {
    if (error instanceof SegmentError && error.code === 'NOT_FOUND') return;
    throw error;
  }
  try {
    const ring = segment.ring();
    const head = readAtomicPosition(ring.words, HeaderWord.writerPosition);
    const oldest = Math.max(ring.firstSequence, head - ring.capacity);
    let from = result.entries === 0 ? oldest : result.lastSequence + 1;
    if (from < oldest) throw new CorruptJournalError(segment.path, 0, `the files end at sequence ${result.lastSequence} and the ring holds ${oldest}…${head - 1}: entries ${from}…${oldest - 1} are missing`);
    if (from >= head) return;
    const sink = new JournalFileSink({ directory, fsync });
    const entry = new JournalEntry();
    const mask = ring.capacity - 1;
    for (; from < head; from++) {
      const base = slotWord(ring.dataWord, mask, from);
      const sequence = readU64(ring.words, base + JournalWord.sequenceLo);
      if (sequence !== from) throw new CorruptJournalError(segment.path, base * 4, `ring slot holds sequence ${sequence}, expected ${from}`);
      if (sink.isBatchFull) sink.flush();
      sink.add(ring.words, base);
      onEntry(entry.wrap(ring.words, base), -1);
      if (result.entries === 0) result.firstSequence = sequence;
      result.lastSequence = sequence;
      result.entries++;
      result.fromRing++;
    }
    sink.close();
    result.files++;
  } finally {
    segment.close();
  }
}
