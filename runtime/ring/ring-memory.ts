// The memory a ring lives in, independent of where it came from: a mapped /dev/shm
// segment across processes, or a SharedArrayBuffer across worker threads (benchmark
// baseline and tests). Both carry the same header (shm/segment-layout.ts).
import { monotonicNs } from '../clock/clock.ts';
import { RECORD_SIZE, TWO_POW_32 } from '../record/record-layout.ts';
import { AtomicPositionWriter } from '../shm/atomic-position.ts';
import {
  ConsumerSlotWord,
  HeaderDouble,
  HeaderWord,
  LAYOUT_VERSION,
  MIN_HEADER_SIZE,
  SEGMENT_MAGIC,
  SegmentMode,
  SegmentState,
  consumerSlotWord,
  headerSize,
  segmentSize,
  type SegmentModeName,
} from '../shm/segment-layout.ts';

export interface RingMemory {
  readonly words: Int32Array;
  readonly capacity: number;
  /** Int32 word index of slot 0. */
  readonly dataWord: number;
  readonly consumerSlots: number;
  /** Sequence of the ring's first record: no record before it was ever written. */
  readonly firstSequence: number;
}

export interface RingGeometry {
  capacity: number;
  mode: SegmentModeName;
  consumerSlots: number;
}

/**
 * Writes a complete header into a zeroed buffer; the magic goes last. The ring starts at
 * `firstSequence` (a relay's ring starts where the stream it joins stands), 0 otherwise.
 */
export function initializeHeader(buffer: ArrayBufferLike, geometry: RingGeometry, epoch: number, pid: number, firstSequence = 0): void {
  const words = new Int32Array(buffer, 0, headerSize(geometry.consumerSlots) / 4);
  const doubles = new Float64Array(buffer, 0, MIN_HEADER_SIZE / 8);
  words[HeaderWord.layoutVersion] = LAYOUT_VERSION;
  words[HeaderWord.recordSize] = RECORD_SIZE;
  words[HeaderWord.capacity] = geometry.capacity;
  words[HeaderWord.mode] = SegmentMode[geometry.mode];
  words[HeaderWord.consumerSlots] = geometry.consumerSlots;
  words[HeaderWord.epoch] = epoch | 0;
  words[HeaderWord.writerPid] = pid;
  words[HeaderWord.headerSize] = headerSize(geometry.consumerSlots);
  words[HeaderWord.state] = SegmentState.live;
  doubles[HeaderDouble.createdWallMs] = Date.now();
  doubles[HeaderDouble.writerHeartbeatMs] = monotonicNs() / 1e6;
  words[HeaderWord.firstSequenceLo] = firstSequence % TWO_POW_32 | 0;
  words[HeaderWord.firstSequenceHi] = Math.floor(firstSequence / TWO_POW_32);
  new AtomicPositionWriter(words, HeaderWord.writerPosition).set(firstSequence);
  // A backpressure consumer starts where the ring does (else the writer's gate sees it behind).
  for (let slot = 0; slot < geometry.consumerSlots; slot++) new AtomicPositionWriter(words, consumerSlotWord(slot) + ConsumerSlotWord.position).set(firstSequence);
  Atomics.store(words, HeaderWord.magic, SEGMENT_MAGIC);
}

export function ringMemoryOf(buffer: ArrayBufferLike): RingMemory {
  const words = new Int32Array(buffer);
  return {
    words,
    capacity: words[HeaderWord.capacity] >>> 0,
    dataWord: (words[HeaderWord.headerSize] >>> 0) / 4,
    consumerSlots: words[HeaderWord.consumerSlots] >>> 0,
    firstSequence: (words[HeaderWord.firstSequenceHi] >>> 0) * TWO_POW_32 + (words[HeaderWord.firstSequenceLo] >>> 0),
  };
}

/** A ring in a SharedArrayBuffer, to share with worker threads. */
export function allocateSharedRing(geometry: RingGeometry, firstSequence = 0): { buffer: SharedArrayBuffer; ring: RingMemory } {
  const buffer = new SharedArrayBuffer(segmentSize(geometry.capacity, RECORD_SIZE, geometry.consumerSlots));
  initializeHeader(buffer, geometry, 1, process.pid, firstSequence);
  return { buffer, ring: ringMemoryOf(buffer) };
}
