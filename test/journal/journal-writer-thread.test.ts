// The journal writer in its worker thread: entries appended in the main thread reach the files
// in order, and stop() returns once everything is written and the file closed.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalAppender, createJournalSegment } from '../../runtime/journal/journal-appender.ts';
import { recoverJournal } from '../../runtime/journal/journal-recovery.ts';
import { JournalWriterThread } from '../../runtime/journal/journal-writer-thread.ts';
import { appendTestEntry, journalTempDir, testEntryProblem } from './journal-test-entries.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('JournalWriterThread', () => {
  it('writes what the main thread appends, through a full ring, and closes the journal on stop()', async () => {
    const dir = journalTempDir();
    const shm = journalTempDir();
    dirs.push(dir, shm);
    const segment = createJournalSegment({ name: 'journal', directory: shm, capacity: 256 });
    const appender = new JournalAppender(segment.ring());
    const thread = new JournalWriterThread({ ring: { name: 'journal', directory: shm }, directory: dir, fsync: 'interval' });
    let full = 0;
    for (let i = 0; i < 5_000; i++) {
      while (!appendTestEntry(appender)) {
        full++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(await thread.stop()).toEqual({ written: 5_000 });
    segment.closeAndRemove();
    const sequences: number[] = [];
    const bad: string[] = [];
    recoverJournal(dir, {
      onEntry: (entry) => {
        sequences.push(entry.sequence);
        if (testEntryProblem(entry) !== undefined) bad.push(String(entry.sequence));
      },
    });
    expect(bad).toEqual([]);
    expect(sequences).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
    expect(full).toBeGreaterThan(0); // 5,000 entries through 256 slots: the appender did wait for the thread
  });

  it('reports a writer that cannot write', async () => {
    const shm = journalTempDir();
    const dir = journalTempDir();
    dirs.push(dir, shm);
    const segment = createJournalSegment({ name: 'journal', directory: shm, capacity: 16 });
    const appender = new JournalAppender(segment.ring());
    fs.mkdirSync(`${dir}/journal-0000000000000001.log`);
    const thread = new JournalWriterThread({ ring: { name: 'journal', directory: shm }, directory: dir });
    appendTestEntry(appender);
    await expect(thread.done).rejects.toThrow(/cannot create/);
    segment.closeAndRemove();
  });
});
