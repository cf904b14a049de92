// Layout of a shared-memory segment: a header, then the ring's slots.
//
// Each line below is one 64-byte cache line, so that a writer's hot stores never share a
// line with another writer's (no false sharing between the publisher and consumers).
//
//  line 0  identity (written once by the creator)
//          +0 magic u32 "MKFD"   +4 layout version u32   +8 record size u32   +12 capacity u32
//          +16 mode u32 (1 broadcast, 2 backpressure)    +20 consumer slots u32
//          +24 epoch u32 (random, never 0, differs from the segment it replaced)
//          +28 writer pid u32    +32 header size u32 (= offset of slot 0)
//          +36 state u32 (1 live, 2 closed by its publisher)   +40 created wall-clock ms f64
//          +48 first sequence u64 (where the ring starts: 0, or where a relay joined the stream;
//              zero in segments written before it existed, which did start at 0)
//  line 1  writer position: records published, 64-bit (see AtomicPosition)
//  line 2  writer heartbeat: CLOCK_MONOTONIC ms f64, every HEARTBEAT_INTERVAL_MS
//  line 3+ one line per backpressure consumer slot:
//          +0 read position, 64-bit   +8 owner token i32 (0 = free)   +12 owner pid i32
//          +16 owner heartbeat ms f64
//  then    capacity × 64-byte slots (records, see record-layout.ts)

/** The bytes "MKFD" read as a little-endian u32. */
export const SEGMENT_MAGIC = 0x4446_4b4d;
export const LAYOUT_VERSION = 1;
export const CACHE_LINE = 64;

export const SegmentMode = { broadcast: 1, backpressure: 2 } as const;
export type SegmentModeName = keyof typeof SegmentMode;

export const SegmentState = { live: 1, closed: 2 } as const;

/** Int32 word indices in the header. */
export const HeaderWord = {
  magic: 0,
  layoutVersion: 1,
  recordSize: 2,
  capacity: 3,
  mode: 4,
  consumerSlots: 5,
  epoch: 6,
  writerPid: 7,
  headerSize: 8,
  state: 9,
  firstSequenceLo: 12,
  firstSequenceHi: 13,
  writerPosition: 16,
} as const;

/** Float64 indices in the header. */
export const HeaderDouble = {
  createdWallMs: 5,
  writerHeartbeatMs: 16,
} as const;

export const CONSUMER_SLOT_BASE = 3 * CACHE_LINE;
/** Int32 word offsets inside a consumer slot's line. */
export const ConsumerSlotWord = { position: 0, ownerToken: 2, ownerPid: 3 } as const;
/** Float64 offset inside a consumer slot's line. */
export const ConsumerSlotDouble = { heartbeatMs: 2 } as const;

export const MIN_HEADER_SIZE = CONSUMER_SLOT_BASE;
export const MAX_CONSUMER_SLOTS = 64;
export const MIN_CAPACITY = 2;
export const MAX_CAPACITY = 1 << 26;
export const HEARTBEAT_INTERVAL_MS = 100;

export function headerSize(consumerSlots: number): number {
  return CONSUMER_SLOT_BASE + consumerSlots * CACHE_LINE;
}

export function segmentSize(capacity: number, recordSize: number, consumerSlots: number): number {
  return headerSize(consumerSlots) + capacity * recordSize;
}

export function consumerSlotWord(slot: number): number {
  return (CONSUMER_SLOT_BASE + slot * CACHE_LINE) / 4;
}
