// A named shared-memory segment: a file under /dev/shm (or another directory) mapped
// MAP_SHARED by the publisher that creates it and by every consumer that opens it.
// The header (segment-layout.ts) says what the segment holds; open() refuses anything
// that does not match, with a SegmentError whose code names the check that failed.
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { monotonicNs } from '../clock/clock.ts';
import { native, type MappedFile } from '../native/native-addon.ts';
import { RECORD_SIZE } from '../record/record-layout.ts';
import { initializeHeader, ringMemoryOf, type RingMemory } from '../ring/ring-memory.ts';
import { isProcessAlive } from './process-liveness.ts';
import { SegmentError } from './segment-error.ts';
import {
  HEARTBEAT_INTERVAL_MS,
  HeaderDouble,
  HeaderWord,
  LAYOUT_VERSION,
  MAX_CAPACITY,
  MAX_CONSUMER_SLOTS,
  MIN_CAPACITY,
  MIN_HEADER_SIZE,
  SEGMENT_MAGIC,
  SegmentMode,
  SegmentState,
  headerSize,
  segmentSize,
  type SegmentModeName,
} from './segment-layout.ts';
import { DEFAULT_SHM_DIRECTORY, segmentPath } from './segment-name.ts';

export interface SegmentLocation {
  name: string;
  /** Directory holding segments; default /dev/shm. */
  directory?: string;
}

export interface CreateSegmentOptions extends SegmentLocation {
  /** Ring capacity in records: a power of two. */
  capacity: number;
  mode: SegmentModeName;
  /** Backpressure mode: how many consumers gate the writer (each sees every record). */
  consumerSlots?: number;
  /** Mode 0660 instead of 0600, for consumers running as another user of the same group. */
  groupAccess?: boolean;
  /** A segment whose writer heartbeat is older than this is stale and may be replaced. */
  staleAfterMs?: number;
  /** Where the ring starts (a relay joins a stream mid-way); 0 by default. */
  firstSequence?: number;
}

export interface ReplacedSegment {
  epoch: number;
  pid: number;
  reason: string;
}

export const DEFAULT_STALE_AFTER_MS = 3000;
const modeNames = new Map<number, SegmentModeName>(
  Object.entries(SegmentMode).map(([name, code]) => [code, name as SegmentModeName]),
);

export class Segment {
  readonly name: string;
  readonly path: string;
  readonly buffer: ArrayBuffer;
  readonly words: Int32Array;
  readonly doubles: Float64Array;
  readonly inode: number;
  readonly capacity: number;
  readonly mode: SegmentModeName;
  readonly consumerSlots: number;
  readonly epoch: number;
  readonly headerSize: number;
  readonly writable: boolean;
  private closed = false;

  private constructor(name: string, filePath: string, mapped: MappedFile, writable: boolean) {
    this.name = name;
    this.path = filePath;
    this.buffer = mapped.buffer;
    this.inode = mapped.inode;
    this.writable = writable;
    this.words = new Int32Array(mapped.buffer);
    this.doubles = new Float64Array(mapped.buffer, 0, MIN_HEADER_SIZE / 8);
    this.capacity = this.words[HeaderWord.capacity] >>> 0;
    this.mode = modeNames.get(this.words[HeaderWord.mode]) ?? 'broadcast';
    this.consumerSlots = this.words[HeaderWord.consumerSlots] >>> 0;
    this.epoch = this.words[HeaderWord.epoch] >>> 0;
    this.headerSize = this.words[HeaderWord.headerSize] >>> 0;
  }

  /**
   * Creates the segment, or replaces a stale one left by a publisher that is gone.
   * The file is built under a temporary name and linked into place only once its
   * header is complete, so a consumer never maps a half-written header.
   */
  static create(options: CreateSegmentOptions): { segment: Segment; replaced?: ReplacedSegment } {
    const directory = options.directory ?? DEFAULT_SHM_DIRECTORY;
    const finalPath = segmentPath(options.name, directory);
    const consumerSlots = options.mode === 'backpressure' ? (options.consumerSlots ?? 1) : 0;
    validateGeometry(finalPath, options.capacity, consumerSlots, options.mode);
    const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    const size = segmentSize(options.capacity, RECORD_SIZE, consumerSlots);
    const tempPath = path.join(directory, `.${options.name}.${process.pid}.${randomInt(1 << 30)}.creating`);
    const mapped = mapNew(tempPath, size, options.groupAccess === true ? 0o660 : 0o600);
    const words = new Int32Array(mapped.buffer, 0, MIN_HEADER_SIZE / 4);
    initializeHeader(mapped.buffer, { capacity: options.capacity, mode: options.mode, consumerSlots }, newEpoch(0), process.pid, options.firstSequence ?? 0);

    let replaced: ReplacedSegment | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          fs.linkSync(tempPath, finalPath);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
        }
        const existing = inspectExisting(finalPath, staleAfterMs);
        if (existing === undefined) continue; // vanished meanwhile: try again
        if (!existing.stale) throw inUseError(finalPath, existing);
        words[HeaderWord.epoch] = newEpoch(existing.epoch);
        replaced = { epoch: existing.epoch, pid: existing.pid, reason: existing.reason };
        unlinkQuietly(finalPath);
      }
    } catch (error) {
      native.unmapSegment(mapped.buffer);
      unlinkQuietly(tempPath);
      if (error instanceof SegmentError) throw error;
      throw ioError(finalPath, 'create', error);
    }
    unlinkQuietly(tempPath);
    const segment = new Segment(options.name, finalPath, mapped, true);
    return replaced === undefined ? { segment } : { segment, replaced };
  }

  /**
   * Throws what create() would throw because the path is held by a live writer (IN_USE), or
   * is not a segment; returns quietly when create() could take it (absent or stale).
   */
  static checkCreatable(location: SegmentLocation, staleAfterMs = DEFAULT_STALE_AFTER_MS): void {
    const filePath = segmentPath(location.name, location.directory ?? DEFAULT_SHM_DIRECTORY);
    const existing = inspectExisting(filePath, staleAfterMs);
    if (existing !== undefined && !existing.stale) throw inUseError(filePath, existing);
  }

  /** Opens and validates an existing segment. Consumers of a broadcast ring only need read access. */
  static open(location: SegmentLocation, writable: boolean): Segment {
    const filePath = segmentPath(location.name, location.directory ?? DEFAULT_SHM_DIRECTORY);
    let mapped: MappedFile;
    try {
      mapped = native.openSegment(filePath, writable);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new SegmentError('NOT_FOUND', filePath, `segment ${filePath} not found: is the publisher running with --feed ${location.name}?`);
      }
      if (code === 'EACCES' || code === 'EPERM') {
        throw new SegmentError('PERMISSION', filePath, `no ${writable ? 'read-write' : 'read'} access to segment ${filePath}`);
      }
      if (code === 'EINVAL') {
        throw new SegmentError('TRUNCATED', filePath, `segment ${filePath} is empty (0 bytes)`);
      }
      throw ioError(filePath, 'open', error);
    }
    try {
      validateHeader(filePath, mapped);
    } catch (error) {
      native.unmapSegment(mapped.buffer);
      throw error;
    }
    return new Segment(location.name, filePath, mapped, writable);
  }

  get writerPid(): number {
    return this.words[HeaderWord.writerPid];
  }

  get state(): number {
    return Atomics.load(this.words, HeaderWord.state);
  }

  get isClosedByWriter(): boolean {
    return this.state === SegmentState.closed;
  }

  /** Milliseconds since the writer last beat (CLOCK_MONOTONIC, comparable across processes). */
  writerHeartbeatAgeMs(): number {
    return monotonicNs() / 1e6 - this.doubles[HeaderDouble.writerHeartbeatMs];
  }

  beat(): void {
    this.doubles[HeaderDouble.writerHeartbeatMs] = monotonicNs() / 1e6;
  }

  /** The ring inside this segment, for a transmitter or receiver. */
  ring(): RingMemory {
    return ringMemoryOf(this.buffer);
  }

  /** Marks the segment closed (consumers see end of stream), unlinks and unmaps it. */
  closeAndRemove(): void {
    if (this.closed) return;
    Atomics.store(this.words, HeaderWord.state, SegmentState.closed);
    this.removeFileIfStillOurs();
    this.close();
  }

  /** Unmaps the segment; views on it become empty. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    native.unmapSegment(this.buffer);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True while the path still names the file this segment mapped. */
  isCurrentFile(): boolean {
    try {
      return fs.statSync(this.path).ino === this.inode;
    } catch {
      return false;
    }
  }

  private removeFileIfStillOurs(): void {
    if (this.isCurrentFile()) unlinkQuietly(this.path);
  }
}

function validateGeometry(filePath: string, capacity: number, consumerSlots: number, mode: string): void {
  if (!Number.isInteger(capacity) || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
    throw new SegmentError('BAD_CAPACITY', filePath, `capacity ${capacity} must be a power of two in [${MIN_CAPACITY}, ${MAX_CAPACITY}]`);
  }
  if (!Object.hasOwn(SegmentMode, mode)) {
    throw new SegmentError('BAD_MODE', filePath, `mode ${mode} must be one of ${Object.keys(SegmentMode).join(', ')}`);
  }
  if (!Number.isInteger(consumerSlots) || consumerSlots < 0 || consumerSlots > MAX_CONSUMER_SLOTS || (mode === 'backpressure' && consumerSlots < 1)) {
    throw new SegmentError('BAD_CAPACITY', filePath, `consumer slots ${consumerSlots} must be in [1, ${MAX_CONSUMER_SLOTS}] in backpressure mode`);
  }
}

function validateHeader(filePath: string, mapped: MappedFile): void {
  if (mapped.size < MIN_HEADER_SIZE) {
    throw new SegmentError('TRUNCATED', filePath, `segment ${filePath} is truncated: ${mapped.size} bytes, smaller than the ${MIN_HEADER_SIZE}-byte header`);
  }
  const words = new Int32Array(mapped.buffer, 0, MIN_HEADER_SIZE / 4);
  const magic = Atomics.load(words, HeaderWord.magic) >>> 0;
  if (magic !== SEGMENT_MAGIC) {
    throw new SegmentError('BAD_MAGIC', filePath, `${filePath} is not a marketfeed segment: magic 0x${hex(magic)}, expected 0x${hex(SEGMENT_MAGIC)}`);
  }
  const version = words[HeaderWord.layoutVersion];
  if (version !== LAYOUT_VERSION) {
    throw new SegmentError('BAD_VERSION', filePath, `segment ${filePath} has layout version ${version}, this build reads version ${LAYOUT_VERSION}`);
  }
  const recordSize = words[HeaderWord.recordSize];
  if (recordSize !== RECORD_SIZE) {
    throw new SegmentError('BAD_RECORD_SIZE', filePath, `segment ${filePath} has ${recordSize}-byte records, this build reads ${RECORD_SIZE}-byte records`);
  }
  const capacity = words[HeaderWord.capacity] >>> 0;
  const mode = modeNames.get(words[HeaderWord.mode]);
  if (mode === undefined) {
    throw new SegmentError('BAD_MODE', filePath, `segment ${filePath} has unknown mode ${words[HeaderWord.mode]}`);
  }
  const consumerSlots = words[HeaderWord.consumerSlots] >>> 0;
  validateGeometry(filePath, capacity, consumerSlots, mode);
  if (words[HeaderWord.headerSize] !== headerSize(consumerSlots)) {
    throw new SegmentError('BAD_CAPACITY', filePath, `segment ${filePath} has header size ${words[HeaderWord.headerSize]}, expected ${headerSize(consumerSlots)}`);
  }
  const needed = segmentSize(capacity, recordSize, consumerSlots);
  if (mapped.size < needed) {
    throw new SegmentError('TRUNCATED', filePath, `segment ${filePath} is truncated: ${mapped.size} bytes, its header (capacity ${capacity}) needs ${needed}`);
  }
}

interface ExistingSegment {
  pid: number;
  epoch: number;
  heartbeatAgeMs: number;
  stale: boolean;
  reason: string;
}

/** What is at finalPath: undefined if it vanished; throws if it is not ours to replace. */
function inspectExisting(finalPath: string, staleAfterMs: number): ExistingSegment | undefined {
  let mapped: MappedFile;
  try {
    mapped = native.openSegment(finalPath, false);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(finalPath, 'inspect', error);
  }
  try {
    if (mapped.size < MIN_HEADER_SIZE || (new Int32Array(mapped.buffer, 0, 1)[0] >>> 0) !== SEGMENT_MAGIC) {
      throw new SegmentError('BAD_MAGIC', finalPath, `${finalPath} exists and is not a marketfeed segment; remove it or choose another --feed`);
    }
    // Pid, epoch, state and heartbeat sit at the same offsets in every layout version.
    const words = new Int32Array(mapped.buffer, 0, MIN_HEADER_SIZE / 4);
    const doubles = new Float64Array(mapped.buffer, 0, MIN_HEADER_SIZE / 8);
    const pid = words[HeaderWord.writerPid];
    const epoch = words[HeaderWord.epoch] >>> 0;
    const heartbeatAgeMs = monotonicNs() / 1e6 - doubles[HeaderDouble.writerHeartbeatMs];
    const reason =
      words[HeaderWord.state] === SegmentState.closed
        ? 'closed by its publisher'
        : pid === process.pid && heartbeatAgeMs > 3 * HEARTBEAT_INTERVAL_MS
          ? `left by an earlier process with our pid ${pid}`
          : heartbeatAgeMs > staleAfterMs
            ? `heartbeat ${heartbeatAgeMs.toFixed(0)} ms old`
            : !isProcessAlive(pid) && heartbeatAgeMs > 3 * HEARTBEAT_INTERVAL_MS
              ? `publisher pid ${pid} is gone`
              : '';
    return { pid, epoch, heartbeatAgeMs, stale: reason !== '', reason };
  } finally {
    native.unmapSegment(mapped.buffer);
  }
}

function inUseError(filePath: string, existing: ExistingSegment): SegmentError {
  return new SegmentError(
    'IN_USE',
    filePath,
    `segment ${filePath} is in use by publisher pid ${existing.pid} (heartbeat ${existing.heartbeatAgeMs.toFixed(0)} ms ago); stop it or choose another --feed`,
  );
}

function mapNew(filePath: string, size: number, mode: number): MappedFile {
  try {
    return native.createSegment(filePath, size, mode);
  } catch (error) {
    throw ioError(filePath, 'create', error);
  }
}

function newEpoch(previous: number): number {
  for (;;) {
    const epoch = randomInt(1, 0xffff_ffff);
    if (epoch !== previous) return epoch | 0;
  }
}

function unlinkQuietly(filePath: string): void {
  try {
    fs.unlinkSync(filePath);
  } catch {
    // already gone
  }
}

function ioError(filePath: string, action: string, error: unknown): SegmentError {
  const code = (error as NodeJS.ErrnoException).code;
  const kind = code === 'EACCES' || code === 'EPERM' ? 'PERMISSION' : 'IO';
  return new SegmentError(kind, filePath, `cannot ${action} segment ${filePath}: ${(error as Error).message}`);
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
