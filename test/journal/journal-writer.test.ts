// The journal writer drains the ring to CRC-framed files (rotated by size), frees ring slots
// only once written, and readJournal/recoverJournal find every entry back in order; damage
// is named by its offset, a torn tail is cut (never replayed), and entries a dead writer
// left in the ring are recovered into the files.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalAppender, createJournalSegment } from '../../runtime/journal/journal-appender.ts';
import { CorruptJournalError, JOURNAL_FRAME_SIZE, JOURNAL_HEADER_SIZE, listJournalFiles, readJournal } from '../../runtime/journal/journal-file.ts';
import { recoverJournal } from '../../runtime/journal/journal-recovery.ts';
import { JournalWriteError, JournalWriter } from '../../runtime/journal/journal-writer.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import { appendTestEntry, journalTempDir, testEntryProblem } from './journal-test-entries.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = journalTempDir();
  dirs.push(dir);
  return dir;
}

function journalRing(capacity: number) {
  return allocateSharedRing({ capacity, mode: 'backpressure', consumerSlots: 1 }, 1).ring;
}

/** Appends `count` test entries, draining whenever the ring is full. */
function appendAll(appender: JournalAppender, writer: JournalWriter, count: number): void {
  for (let i = 0; i < count; i++) while (!appendTestEntry(appender)) writer.drain();
}

/** A closed journal of 10 test entries in one file. */
function journalOfTen(): { dir: string; file: string } {
  const dir = tempDir();
  const ring = journalRing(64);
  const appender = new JournalAppender(ring);
  const writer = new JournalWriter(ring, { directory: dir, fsync: 'never' });
  appendAll(appender, writer, 10);
  writer.close();
  return { dir, file: listJournalFiles(dir)[0] };
}

function problems(directory: string): { sequences: number[]; bad: string[] } {
  const sequences: number[] = [];
  const bad: string[] = [];
  recoverJournal(directory, {
    onEntry: (entry) => {
      sequences.push(entry.sequence);
      const problem = testEntryProblem(entry);
      if (problem !== undefined) bad.push(problem);
    },
  });
  return { sequences, bad };
}

describe('JournalWriter and readJournal', () => {
  it('writes every entry once, in order, across rotated files', () => {
    const dir = tempDir();
    const ring = journalRing(256);
    const appender = new JournalAppender(ring);
    const writer = new JournalWriter(ring, { directory: dir, fsync: 'never', maxFileBytes: 200 * JOURNAL_FRAME_SIZE, batchEntries: 64 });
    appendAll(appender, writer, 1_000);
    writer.close();
    expect(writer.written).toBe(1_000);
    const files = listJournalFiles(dir);
    expect(files.length).toBeGreaterThan(1);
    expect(path.basename(files[0])).toBe('journal-0000000000000001.log');
    const summaries = files.map((file) => readJournal(file));
    expect(summaries.every((s) => s.tornTail === undefined)).toBe(true);
    expect(summaries.reduce((n, s) => n + s.entries, 0)).toBe(1_000);
    const { sequences, bad } = problems(dir);
    expect(bad).toEqual([]);
    expect(sequences).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
  });

  it('names the offset of a damaged entry, and of a gap in the sequence', () => {
    const { file } = journalOfTen();
    const good = fs.readFileSync(file);
    const third = JOURNAL_HEADER_SIZE + 2 * JOURNAL_FRAME_SIZE;
    const damaged = Buffer.from(good);
    damaged[third + 40] ^= 1; // inside the entry's price
    fs.writeFileSync(file, damaged);
    expect(() => readJournal(file)).toThrow(CorruptJournalError);
    expect(() => readJournal(file)).toThrow(new RegExp(`bad entry at offset ${third}:`));
    // A whole frame removed: every CRC holds, the sequence does not.
    fs.writeFileSync(file, Buffer.concat([good.subarray(0, third), good.subarray(third + JOURNAL_FRAME_SIZE)]));
    expect(() => readJournal(file)).toThrow(new RegExp(`bad entry at offset ${third}: sequence 4 follows 2`));
    fs.writeFileSync(file, Buffer.from('not a journal at all, just some text in a file'));
    expect(() => readJournal(file)).toThrow(/bad entry at offset 0: not a marketfeed audit journal/);
  });

  it('reports a torn tail without replaying it, and recovery cuts it', () => {
    const { dir, file } = journalOfTen();
    const cutAt = JOURNAL_HEADER_SIZE + 9 * JOURNAL_FRAME_SIZE + 50;
    fs.truncateSync(file, cutAt);
    const summary = readJournal(file);
    expect(summary.entries).toBe(9);
    expect(summary.tornTail).toMatchObject({ offset: JOURNAL_HEADER_SIZE + 9 * JOURNAL_FRAME_SIZE, bytes: 50 });
    const recovered = recoverJournal(dir);
    expect(recovered).toMatchObject({ entries: 9, lastSequence: 9, cutTail: { offset: JOURNAL_HEADER_SIZE + 9 * JOURNAL_FRAME_SIZE } });
    expect(fs.statSync(file).size).toBe(JOURNAL_HEADER_SIZE + 9 * JOURNAL_FRAME_SIZE);
    expect(readJournal(file).tornTail).toBeUndefined();
  });

  it('keeps entries in the ring when a write fails, and writes them once it can', () => {
    const dir = tempDir();
    const ring = journalRing(64);
    const appender = new JournalAppender(ring);
    const writer = new JournalWriter(ring, { directory: dir, fsync: 'never' });
    appendAll(appender, writer, 5);
    // The file name taken by a directory: its create fails (as a full or read-only disk would; root ignores permissions).
    fs.mkdirSync(path.join(dir, 'journal-0000000000000001.log'));
    expect(() => writer.drain()).toThrow(JournalWriteError);
    expect(writer.lag()).toBe(5);
    fs.rmdirSync(path.join(dir, 'journal-0000000000000001.log'));
    expect(writer.drain()).toBe(5);
    writer.close();
    expect(problems(dir).sequences).toEqual([1, 2, 3, 4, 5]);
  });

  it('recovers entries a dead writer left in the /dev/shm ring into the files', () => {
    const dir = tempDir();
    const shm = tempDir();
    const segment = createJournalSegment({ name: 'journal-test', directory: shm, capacity: 64 });
    const ring = segment.ring();
    const appender = new JournalAppender(ring);
    const writer = new JournalWriter(ring, { directory: dir, fsync: 'always' });
    appendAll(appender, writer, 30);
    writer.drain();
    appendAll(appender, writer, 12); // appended, never drained: the process "dies" here
    segment.close();
    const recovered = recoverJournal(dir, { ring: { name: 'journal-test', directory: shm } });
    expect(recovered).toMatchObject({ entries: 42, firstSequence: 1, lastSequence: 42, fromRing: 12 });
    const { sequences, bad } = problems(dir);
    expect(bad).toEqual([]);
    expect(sequences).toEqual(Array.from({ length: 42 }, (_, i) => i + 1));
    // Recovering again finds everything in the files, nothing new in the ring.
    expect(recoverJournal(dir, { ring: { name: 'journal-test', directory: shm } })).toMatchObject({ entries: 42, fromRing: 0 });
  });
});
