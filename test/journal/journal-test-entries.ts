// What the journal tests append: entries whose fields are a function of their sequence, so
// that a reader can check every entry it gets back, wherever it came from.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JournalAppender } from '../../runtime/journal/journal-appender.ts';
import { JournalKind } from '../../runtime/journal/journal-entry-layout.ts';
import type { JournalEntry } from '../../runtime/journal/journal-entry.ts';

export function journalTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-journal-'));
}

/** Appends the entry of the appender's next sequence; false when the ring is full. */
export function appendTestEntry(appender: JournalAppender): boolean {
  const sequence = appender.nextSequence;
  appender.eventTime[0] = 1_000_000 + sequence;
  return appender.appendOrder(JournalKind.orderSent, sequence % 7, 1 + (sequence % 2), sequence * 3, sequence - 5_000, sequence % 1_000, 0);
}

/** Why `entry` is not the one appendTestEntry wrote for its sequence, or undefined. */
export function testEntryProblem(entry: JournalEntry): string | undefined {
  const s = entry.sequence;
  const ok =
    entry.kind === JournalKind.orderSent &&
    entry.monotonicNs === 1_000_000 + s &&
    entry.instrument === s % 7 &&
    entry.side === 1 + (s % 2) &&
    entry.orderCounter === s * 3 &&
    entry.price === s - 5_000 &&
    entry.quantity === s % 1_000;
  return ok ? undefined : `entry ${s} has other fields than were appended`;
}
