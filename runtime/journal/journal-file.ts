// A journal file on disk: a 32-byte header ("MFJOURNL", version, CRC, creation time) and then
// one frame per entry, 96 bytes: the 32-byte CRC frame header of the FIX message store
// (runtime/fix/session/message-store-frames.ts, kind 3: a = the entry's sequence) and the
// 64-byte entry (journal-entry-layout.ts). The framing, its CRC-32 and the torn-tail scan are
// the FIX store's own (message-store-scan.ts): a crash can only leave a torn last frame; a bad
// frame with a valid one after it is damage, never cut.
//
// Files are named journal-<first sequence, 16 digits>.log, so that names sort in entry order;
// the writer starts a new one when a file reaches its size limit (rotation).
import fs from 'node:fs';
import path from 'node:path';
import {
  JOURNAL_ENTRY_PAYLOAD,
  KIND_JOURNAL_ENTRY,
  RECORD_HEADER_SIZE,
  STORE_HEADER_SIZE,
  decodeStoreHeader,
  encodeStoreHeader,
} from '../fix/session/message-store-frames.ts';
import { CorruptMessageStoreError, scanMessageLog, type TornTail } from '../fix/session/message-store-scan.ts';
import { JOURNAL_ENTRY_SIZE, JOURNAL_ENTRY_WORDS } from './journal-entry-layout.ts';
import { JournalEntry } from './journal-entry.ts';

export const JOURNAL_MAGIC = Buffer.from('MFJOURNL', 'latin1');
export const JOURNAL_FRAME_SIZE = RECORD_HEADER_SIZE + JOURNAL_ENTRY_SIZE;
export const JOURNAL_HEADER_SIZE = STORE_HEADER_SIZE;
export { KIND_JOURNAL_ENTRY };
export type { TornTail };

if (JOURNAL_ENTRY_PAYLOAD !== JOURNAL_ENTRY_SIZE) throw new Error('journal frame payload and entry size differ');

const FILE_PATTERN = /^journal-(\d{16})\.log$/;

export function journalFileName(firstSequence: number): string {
  return `journal-${String(firstSequence).padStart(16, '0')}.log`;
}

/** The journal files in `directory`, in entry order (none when it does not exist). */
export function listJournalFiles(directory: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((name) => FILE_PATTERN.test(name)).sort().map((name) => path.join(directory, name));
}

export function encodeJournalHeader(creationMs: number): Buffer {
  return encodeStoreHeader(creationMs, JOURNAL_MAGIC);
}

/** A journal file is damaged where no crash could have damaged it (or is no journal): the offset says where. */
export class CorruptJournalError extends Error {
  readonly file: string;
  readonly offset: number;
  readonly reason: string;

  constructor(file: string, offset: number, reason: string) {
    super(`${file}: bad entry at offset ${offset}: ${reason}`);
    this.name = 'CorruptJournalError';
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }
}

export interface JournalFileSummary {
  file: string;
  /** Creation time in the header (ms since the epoch). */
  createdMs: number;
  entries: number;
  /** 0 when the file holds no entry. */
  firstSequence: number;
  lastSequence: number;
  /** Size of the file up to the end of its last valid frame. */
  validBytes: number;
  /** A torn last frame (an interrupted write), not cut here. */
  tornTail?: TornTail;
}

export type JournalEntryVisitor = (entry: JournalEntry, offset: number) => void;

/**
 * Reads and checks one journal file: its header, each frame's CRC, and that sequences go up
 * by one. Visits each valid entry (a flyweight, valid during the call). A torn tail is
 * reported, not cut (cutJournalTail does that); damage before the tail throws CorruptJournalError.
 */
export function readJournal(file: string, onEntry: JournalEntryVisitor = () => {}): JournalFileSummary {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const header = Buffer.alloc(JOURNAL_HEADER_SIZE);
    fs.readSync(fd, header, 0, JOURNAL_HEADER_SIZE, 0);
    const created = decodeStoreHeader(header, JOURNAL_MAGIC, 'a marketfeed audit journal');
    if (typeof created === 'string') throw new CorruptJournalError(file, 0, `${created} (its first ${JOURNAL_HEADER_SIZE} bytes are no valid journal header)`);
    const bytes = Buffer.alloc(JOURNAL_ENTRY_SIZE);
    const entry = new JournalEntry(new Int32Array(bytes.buffer, bytes.byteOffset, JOURNAL_ENTRY_WORDS), 0);
    const summary: JournalFileSummary = { file, createdMs: created, entries: 0, firstSequence: 0, lastSequence: 0, validBytes: JOURNAL_HEADER_SIZE };
    let tornTail: TornTail | undefined;
    try {
      tornTail = scanMessageLog(fd, size, file, (frame, offset) => {
        if (frame.readUInt32LE(4) !== KIND_JOURNAL_ENTRY) throw new CorruptJournalError(file, offset, `frame of kind ${frame.readUInt32LE(4)}, not a journal entry`);
        bytes.set(frame.subarray(RECORD_HEADER_SIZE, JOURNAL_FRAME_SIZE));
        const sequence = entry.sequence;
        if (sequence !== frame.readDoubleLE(16)) throw new CorruptJournalError(file, offset, `entry sequence ${sequence} differs from its frame's ${frame.readDoubleLE(16)}`);
        if (summary.entries > 0 && sequence !== summary.lastSequence + 1) throw new CorruptJournalError(file, offset, `sequence ${sequence} follows ${summary.lastSequence}: entries are missing`);
        if (summary.entries === 0) summary.firstSequence = sequence;
        summary.lastSequence = sequence;
        summary.entries++;
        summary.validBytes = offset + JOURNAL_FRAME_SIZE;
        onEntry(entry, offset);
      });
    } catch (error) {
      if (error instanceof CorruptMessageStoreError) throw new CorruptJournalError(file, error.offset, `frame fails its check and a valid frame follows it (damage, not a torn tail)`);
      throw error;
    }
    return tornTail === undefined ? summary : { ...summary, tornTail };
  } finally {
    fs.closeSync(fd);
  }
}

/** Cuts a torn tail off (truncates the file to its valid bytes) and makes the cut durable. */
export function cutJournalTail(file: string, validBytes: number): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, validBytes);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
