// A FixMessageStore in files that survives a crash or a restart: one directory per session,
// holding one append-only log (messages.log, layout in message-store-frames.ts) of the sent
// messages and of every sequence-number change, each a framed record with a CRC. Each
// operation is one positioned write of one record, so a crash can only leave a torn last
// record, which the next open detects, logs and cuts (message-store-scan.ts); it is never
// replayed. Memory holds an index (message-store-index.ts), not the messages.
//
// fsync policy (`fsync` option), the durability of what was written:
// - 'always': fdatasync after every record: each set()/incr returns once it is on the disk
//   (survives a power loss; costs a disk flush a message).
// - 'flush' (the default): fdatasync in flush() and close(): what was written before the
//   last flush() survives a power loss; everything written survives a process crash.
// - 'never': left to the OS: everything survives a process crash (the bytes are in the
//   kernel after each write), a power loss may lose the last seconds.
//
// reset() writes a fresh log beside the old one and renames it over it (one atomic
// rename): a crash leaves either the old epoch or the new one, never a mix. The old log is
// kept under archive/ (hard-linked there before the rename) unless onReset is 'delete'.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../../observability/logger.ts';
import { MessageStoreState, checkSeq, type FixMessageStore } from './message-store.ts';
import { MessageStoreIndex } from './message-store-index.ts';
import {
  KIND_MESSAGE,
  KIND_SEQNUMS,
  MAX_PAYLOAD,
  RECORD_HEADER_SIZE,
  STORE_HEADER_SIZE,
  decodeStoreHeader,
  encodeStoreHeader,
  recordProblem,
  sealRecord,
} from './message-store-frames.ts';
import { CorruptMessageStoreError, scanMessageLog } from './message-store-scan.ts';
import { lockStoreFile } from './store-lock.ts';

export { CorruptMessageStoreError } from './message-store-scan.ts';
export { StoreInUseError } from './store-lock.ts';

export type FsyncPolicy = 'always' | 'flush' | 'never';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'flush', 'never'];

export interface FileMessageStoreOptions {
  /** When records reach the disk (see above); default 'flush'. */
  fsync?: FsyncPolicy;
  /** What reset() does with the previous epoch's log: keep it under archive/ (default) or delete it. */
  onReset?: 'archive' | 'delete';
  /** Creation time of a store that does not exist yet (default: now). */
  now?: Date;
  /** The log's file name in the directory (default messages.log; another to read an archived log). */
  file?: string;
  logger?: Logger;
}

export interface SessionIdentity {
  beginString: string;
  senderCompId: string;
  targetCompId: string;
}

/** A store failed to read or write its files: the message says which file and why (a read-only directory, a full disk). */
export class MessageStoreIoError extends Error {
  readonly file: string;

  constructor(file: string, action: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code;
    const hint = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? ': the disk or the file size limit is full' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? ': the directory or file is not writable' : '';
    super(`FIX message store ${file}: cannot ${action} (${(cause as Error).message})${hint}; nothing written before is lost`, { cause });
    this.name = 'MessageStoreIoError';
    this.file = file;
  }
}

/**
 * BeginString-SenderCompID-TargetCompID, each part with every character outside [A-Za-z0-9.]
 * written as _XX (hex of its UTF-8 bytes): a name any file system takes, the same for the same
 * session and different for different ones.
 */
export function sessionDirectoryName(session: SessionIdentity): string {
  return [session.beginString, session.senderCompId, session.targetCompId].map(safePart).join('-');
}

function safePart(part: string): string {
  if (part === '') throw new RangeError('a session identity part (BeginString, SenderCompID, TargetCompID) is empty');
  let out = '';
  for (const byte of Buffer.from(part, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9.]/.test(c) ? c : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export class FileMessageStore extends MessageStoreState implements FixMessageStore {
  readonly directory: string;
  readonly file: string;
  private readonly fsyncPolicy: FsyncPolicy;
  private readonly onReset: 'archive' | 'delete';
  private readonly logger: Logger;
  private readonly index = new MessageStoreIndex();
  private fd = -1;
  /** Where the next record goes: the end of the last whole record (a failed write's partial bytes are overwritten). */
  private size = STORE_HEADER_SIZE;
  private frame = Buffer.alloc(4096);
  private closed = false;
  private readonly unlock: () => void;

  /** The store of one session under `root` (its directory created if missing). */
  static forSession(root: string, session: SessionIdentity, options: FileMessageStoreOptions = {}): FileMessageStore {
    return new FileMessageStore(path.join(root, sessionDirectoryName(session)), options);
  }

  constructor(directory: string, options: FileMessageStoreOptions = {}) {
    super(options.now ?? new Date());
    this.directory = directory;
    this.file = path.join(directory, options.file ?? 'messages.log');
    this.fsyncPolicy = options.fsync ?? 'flush';
    if (!FSYNC_POLICIES.includes(this.fsyncPolicy)) throw new RangeError(`fsync policy must be one of ${FSYNC_POLICIES.join(', ')}, got ${String(this.fsyncPolicy)}`);
    this.onReset = options.onReset ?? 'archive';
    this.logger = options.logger ?? createLogger('fix-store');
    this.io('create the directory', () => fs.mkdirSync(directory, { recursive: true }));
    this.unlock = this.io('lock the store', () => lockStoreFile(this.file));
    let fd = -1;
    try {
      if (!fs.existsSync(this.file)) this.createLog(this.file, this.created);
      fd = this.io('open', () => fs.openSync(this.file, 'r+'));
      this.fd = fd;
      this.load();
    } catch (error) {
      if (fd !== -1) fs.closeSync(fd);
      this.unlock();
      throw error;
    }
  }

  /** Bytes of memory the index takes (what grows with the number of messages). */
  get indexBytes(): number {
    return this.index.bytes;
  }

  setNextSenderMsgSeqNum(seq: number): void {
    this.writeSeqNums(checkSeq(seq), this.target);
  }

  setNextTargetMsgSeqNum(seq: number): void {
    this.writeSeqNums(this.sender, checkSeq(seq));
  }

  incrNextSenderMsgSeqNum(): void {
    this.writeSeqNums(this.sender + 1, this.target);
  }

  incrNextTargetMsgSeqNum(): void {
    this.writeSeqNums(this.sender, this.target + 1);
  }

  set(seq: number, message: Uint8Array): void {
    checkSeq(seq);
    if (message.length > MAX_PAYLOAD) throw new RangeError(`a ${message.length}-byte message is over the store's ${MAX_PAYLOAD}-byte limit`);
    if (this.frame.length < RECORD_HEADER_SIZE + message.length) this.frame = Buffer.alloc(2 * (RECORD_HEADER_SIZE + message.length));
    this.frame.set(message, RECORD_HEADER_SIZE);
    const offset = this.size;
    this.append(sealRecord(this.frame, KIND_MESSAGE, seq, 0, message.length));
    this.index.put(seq, offset, message.length);
  }

  get(begin: number, end: number, visit: (seq: number, message: Uint8Array) => void): void {
    this.checkOpen();
    for (let at = this.index.lowerBound(begin); at < this.index.count && this.index.seqAt(at) <= end; at++) {
      const seq = this.index.seqAt(at);
      visit(seq, this.readMessage(seq, this.index.offsetAt(at), this.index.lengthAt(at)));
    }
  }

  reset(now: Date): void {
    this.checkOpen();
    const fresh = `${this.file}.reset`;
    this.createLog(fresh, now, false);
    if (this.onReset === 'archive') this.io('archive the log', () => this.archive());
    this.io('replace the log', () => fs.renameSync(fresh, this.file));
    this.syncDirectory(this.directory);
    const fd = this.io('open', () => fs.openSync(this.file, 'r+'));
    fs.closeSync(this.fd);
    this.fd = fd;
    this.index.clear();
    this.size = STORE_HEADER_SIZE;
    this.sender = 1;
    this.target = 1;
    this.created = now;
    this.logger.info({ file: this.file, creationTime: now.toISOString() }, 'FIX message store reset');
  }

  flush(): void {
    this.checkOpen();
    if (this.fsyncPolicy !== 'never') this.io('sync', () => fs.fdatasyncSync(this.fd));
  }

  close(): void {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      fs.closeSync(this.fd);
      this.unlock();
    }
  }

  private writeSeqNums(sender: number, target: number): void {
    this.append(sealRecord(this.frame, KIND_SEQNUMS, sender, target, 0));
    this.sender = sender;
    this.target = target;
  }

  /** One positioned write of the record in `frame`; on failure the state in memory is unchanged and the next write overwrites the partial bytes. */
  private append(length: number): void {
    this.checkOpen();
    this.io('write', () => {
      let done = 0;
      while (done < length) done += fs.writeSync(this.fd, this.frame, done, length - done, this.size + done);
      if (this.fsyncPolicy === 'always') fs.fdatasyncSync(this.fd);
    });
    this.size += length;
  }

  private readMessage(seq: number, offset: number, length: number): Buffer {
    const frame = Buffer.allocUnsafe(RECORD_HEADER_SIZE + length);
    const read = this.io('read', () => fs.readSync(this.fd, frame, 0, frame.length, offset));
    const problem = read < frame.length ? 'record cut short' : recordProblem(frame);
    if (problem !== undefined || frame.readDoubleLE(16) !== seq) throw new CorruptMessageStoreError(this.file, offset, problem ?? `holds MsgSeqNum ${frame.readDoubleLE(16)}, not ${seq}`);
    return frame.subarray(RECORD_HEADER_SIZE);
  }

  private load(): void {
    const size = fs.fstatSync(this.fd).size;
    const header = Buffer.alloc(STORE_HEADER_SIZE);
    fs.readSync(this.fd, header, 0, STORE_HEADER_SIZE, 0);
    const created = decodeStoreHeader(header);
    if (typeof created === 'string') throw new Error(`${this.file}: ${created} (its first ${STORE_HEADER_SIZE} bytes are no valid store header)`);
    this.created = new Date(created);
    const tail = scanMessageLog(this.fd, size, this.file, (record, offset) => {
      const a = record.readDoubleLE(16);
      if (record.readUInt32LE(4) === KIND_MESSAGE) {
        this.index.put(a, offset, record.length - RECORD_HEADER_SIZE);
      } else {
        this.sender = a;
        this.target = record.readDoubleLE(24);
      }
    });
    this.size = size;
    if (tail !== undefined) {
      this.logger.warn({ file: this.file, offset: tail.offset, bytes: tail.bytes, reason: tail.reason }, 'FIX message store: torn tail cut');
      this.io('cut the torn tail', () => {
        fs.ftruncateSync(this.fd, tail.offset);
        fs.fdatasyncSync(this.fd);
      });
      this.size = tail.offset;
    }
  }

  /** Writes a log holding only its header under a temporary name, syncs it, and renames it to `file`. */
  private createLog(file: string, created: Date, rename = true): void {
    const temporary = rename ? `${file}.new` : file;
    this.io('create the log', () => {
      const fd = fs.openSync(temporary, 'w');
      try {
        fs.writeSync(fd, encodeStoreHeader(created.getTime()));
        fs.fdatasyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (rename) fs.renameSync(temporary, file);
    });
    this.syncDirectory(path.dirname(file));
  }

  /** Hard-links the live log into archive/ under its epoch's creation time (a link left by a crashed reset is reused). */
  private archive(): void {
    const dir = path.join(this.directory, 'archive');
    fs.mkdirSync(dir, { recursive: true });
    const stamp = this.created.toISOString().replaceAll(':', '-');
    const live = fs.statSync(this.file);
    for (let n = 0; ; n++) {
      const name = path.join(dir, `messages-${stamp}${n === 0 ? '' : `-${n}`}.log`);
      try {
        fs.linkSync(this.file, name);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (fs.statSync(name).ino === live.ino) break;
      }
    }
    this.syncDirectory(dir);
  }

  /** Makes a rename or a new file in `dir` durable (a no-op under 'never'). */
  private syncDirectory(dir: string): void {
    if (this.fsyncPolicy === 'never') return;
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private io<T>(action: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof Error && 'code' in error && typeof (error as NodeJS.ErrnoException).syscall === 'string') throw new MessageStoreIoError(this.file, action, error);
      throw error;
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`FIX message store ${this.file} is closed`);
  }
}
