// Drains the journal's ring to files: each entry framed with a CRC (journal-file.ts), one
// write per batch, files rotated by size. Entries are taken with GatedReceiver.peek() and
// freed with consume() only after their batch is written (and synced under 'always'), so an
// entry is always in the ring, in the file, or in both: a kill -9 between the two loses
// nothing (recoverJournal takes the rest from the ring). A failed write (a full disk) throws
// JournalWriteError and frees nothing (the next drain() writes the same entries again at
// the same place): the ring fills and the trader is told to stop sending.
//
// fsync policy (`fsync`), what survives:
// - every policy: a kill -9 of the process loses nothing that was appended: written entries
//   are in the kernel's page cache, the others still in the /dev/shm ring;
// - 'always': fdatasync after each batch, before the batch leaves the ring: a power loss
//   loses only what was in the ring (memory) and not yet drained — the drain loop's lag;
// - 'interval' (the default, every `fsyncIntervalMs`, 100 ms): a power loss also loses up to
//   the last interval of drained entries;
// - 'never': left to the kernel's writeback (typically up to 30 s).
//
// The writer runs in a worker thread of the trader (journal-writer-thread.ts), not a child
// process: the ring lives in /dev/shm and outlives the process either way, so a separate
// process would make nothing more durable against kill -9; a thread dies with the trader
// (no orphan to supervise, no second process to place on a core), and a restart recovers
// from the files and the ring. A power loss loses /dev/shm for both designs alike.
import fs from 'node:fs';
import path from 'node:path';
import { monotonicNs } from '../clock/clock.ts';
import { KIND_JOURNAL_ENTRY, RECORD_HEADER_SIZE, sealRecord } from '../fix/session/message-store-frames.ts';
import { readU64 } from '../record/market-data-record.ts';
import { GatedReceiver } from '../ring/gated-receiver.ts';
import type { RingMemory } from '../ring/ring-memory.ts';
import { JOURNAL_ENTRY_SIZE, JOURNAL_ENTRY_WORDS, JournalWord } from './journal-entry-layout.ts';
import { JOURNAL_FRAME_SIZE, JOURNAL_HEADER_SIZE, encodeJournalHeader, journalFileName } from './journal-file.ts';

export type JournalFsyncPolicy = 'always' | 'interval' | 'never';
export const JOURNAL_FSYNC_POLICIES: readonly JournalFsyncPolicy[] = ['always', 'interval', 'never'];

export interface JournalWriterOptions {
  directory: string;
  fsync?: JournalFsyncPolicy;
  fsyncIntervalMs?: number;
  /** A file reaching this size is closed and the next entry starts a new one (default 256 MiB). */
  maxFileBytes?: number;
  /** Entries per write (default 4096: 384 KiB). */
  batchEntries?: number;
}

/** Writing the journal failed (a full disk, a read-only directory): nothing was taken from the ring. */
export class JournalWriteError extends Error {
  constructor(file: string, action: string, cause: unknown) {
    super(`audit journal ${file}: cannot ${action} (${(cause as Error).message}); the entries stay in the ring`, { cause });
    this.name = 'JournalWriteError';
  }
}

/**
 * Journal files written a batch at a time: add() frames an entry into the batch, flush()
 * writes the batch with one write and syncs it as the policy says. Used by JournalWriter
 * (from the ring) and by recoverJournal (what a dead writer left in the ring).
 */
export class JournalFileSink {
  readonly directory: string;
  private readonly fsyncPolicy: JournalFsyncPolicy;
  private readonly fsyncIntervalNs: number;
  private readonly maxFileBytes: number;
  private readonly batch: Buffer;
  private readonly batchWords: Int32Array;
  /** One reusable view per frame of the batch (sealRecord writes a frame at its offset 0). */
  private readonly frames: Buffer[];
  private count = 0;
  private fd = -1;
  private file = '';
  private size = 0;
  private unsynced = false;
  private lastSyncNs = 0;
  /** Entries written to files. */
  written = 0;

  constructor(options: JournalWriterOptions) {
    this.directory = options.directory;
    this.fsyncPolicy = options.fsync ?? 'interval';
    if (!JOURNAL_FSYNC_POLICIES.includes(this.fsyncPolicy)) throw new RangeError(`journal fsync policy must be one of ${JOURNAL_FSYNC_POLICIES.join(', ')}, got ${String(this.fsyncPolicy)}`);
    this.fsyncIntervalNs = (options.fsyncIntervalMs ?? 100) * 1e6;
    this.maxFileBytes = options.maxFileBytes ?? 256 * 1024 * 1024;
    const batchEntries = options.batchEntries ?? 4096;
    this.batch = Buffer.alloc(batchEntries * JOURNAL_FRAME_SIZE);
    this.batchWords = new Int32Array(this.batch.buffer, this.batch.byteOffset, this.batch.length / 4);
    this.frames = Array.from({ length: batchEntries }, (_, i) => this.batch.subarray(i * JOURNAL_FRAME_SIZE, (i + 1) * JOURNAL_FRAME_SIZE));
    this.io('create the directory', () => fs.mkdirSync(this.directory, { recursive: true }));
  }

  get batchEntries(): number {
    return this.frames.length;
  }

  get isBatchFull(): boolean {
    return this.count === this.frames.length;
  }

  /** Frames the entry at words[base…] into the batch (the caller flushes a full batch first). */
  add(words: Int32Array, base: number): void {
    const at = (this.count * JOURNAL_FRAME_SIZE + RECORD_HEADER_SIZE) / 4;
    for (let i = 0; i < JOURNAL_ENTRY_WORDS; i++) this.batchWords[at + i] = words[base + i];
    sealRecord(this.frames[this.count], KIND_JOURNAL_ENTRY, readU64(words, base + JournalWord.sequenceLo), 0, JOURNAL_ENTRY_SIZE);
    this.count++;
  }

  /** Writes the batch (one write) and syncs as the policy says; a failure leaves the file's valid part as it was. */
  flush(): number {
    const n = this.count;
    if (n === 0) {
      this.syncIfDue();
      return 0;
    }
    if (this.fd === -1) this.openFile(readU64(this.batchWords, RECORD_HEADER_SIZE / 4 + JournalWord.sequenceLo));
    const length = n * JOURNAL_FRAME_SIZE;
    this.io('write', () => {
      let done = 0;
      while (done < length) done += fs.writeSync(this.fd, this.batch, done, length - done, this.size + done);
    });
    this.count = 0;
    this.size += length;
    this.unsynced = true;
    if (this.fsyncPolicy === 'always') this.sync();
    else this.syncIfDue();
    this.written += n;
    if (this.size >= this.maxFileBytes) this.closeFile();
    return n;
  }

  /** Writes what is batched, syncs (unless 'never') and closes the current file. */
  close(): void {
    this.flush();
    this.closeFile();
  }

  /** Forgets the batch (a write failed and the entries are still in the ring). */
  discardBatch(): void {
    this.count = 0;
  }

  private openFile(firstSequence: number): void {
    this.file = path.join(this.directory, journalFileName(firstSequence));
    this.io('create', () => {
      const fd = fs.openSync(this.file, 'wx');
      try {
        fs.writeSync(fd, encodeJournalHeader(Date.now()));
      } catch (error) {
        fs.closeSync(fd);
        fs.rmSync(this.file, { force: true });
        throw error;
      }
      this.fd = fd;
    });
    this.size = JOURNAL_HEADER_SIZE;
    if (this.fsyncPolicy !== 'never') this.io('sync the directory', () => syncDirectory(this.directory));
  }

  private closeFile(): void {
    if (this.fd === -1) return;
    if (this.fsyncPolicy !== 'never' && this.unsynced) this.sync();
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  private syncIfDue(): void {
    if (this.fsyncPolicy !== 'interval' || !this.unsynced) return;
    if (monotonicNs() - this.lastSyncNs >= this.fsyncIntervalNs) this.sync();
  }

  private sync(): void {
    this.io('sync', () => fs.fdatasyncSync(this.fd));
    this.unsynced = false;
    this.lastSyncNs = monotonicNs();
  }

  private io(action: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      throw new JournalWriteError(this.file === '' ? this.directory : this.file, action, error);
    }
  }
}

/** A new file's name becomes durable with its directory. */
function syncDirectory(directory: string): void {
  const fd = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class JournalWriter {
  private readonly receiver: GatedReceiver;
  private readonly sink: JournalFileSink;

  constructor(ring: RingMemory, options: JournalWriterOptions) {
    this.sink = new JournalFileSink(options);
    this.receiver = new GatedReceiver(ring, { slot: 0 });
  }

  get directory(): string {
    return this.sink.directory;
  }

  /** Entries written to files by this writer. */
  get written(): number {
    return this.sink.written;
  }

  /** Entries appended and not yet written. */
  lag(): number {
    return this.receiver.lag();
  }

  /** Writes what the ring holds (up to one batch); returns the entries written. Frees them in the ring only once written. */
  drain(): number {
    this.receiver.peek(this.frameEntry, this.sink.batchEntries);
    let n: number;
    try {
      n = this.sink.flush();
    } catch (error) {
      this.sink.discardBatch();
      this.receiver.rewind();
      throw error;
    }
    if (n > 0) this.receiver.consume();
    this.receiver.beat();
    return n;
  }

  /** Drains everything, syncs (unless 'never'), closes the file and releases the ring's consumer slot. */
  close(): void {
    while (this.drain() > 0);
    this.sink.close();
    this.receiver.release();
  }

  private readonly frameEntry = (record: { words: Int32Array; base: number }): void => {
    this.sink.add(record.words, record.base);
  };
}
