// Decodes the binary feed (frames of 64-byte records) from chunks split anywhere. A frame
// (or refusal line) split across chunks is assembled in a buffer kept for the purpose, taking
// from each later chunk only the bytes it still lacks, so each byte is copied into it once
// however many reads a frame spans (flat out, a 256 KiB frame arrives in 64 KiB reads).
// Records are copied to an aligned staging area (socket chunks have any byte offset) and
// handed out through one flyweight.
import { MarketDataRecord } from '../record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS } from '../record/record-layout.ts';
import type { FeedDecoder, FeedEvents } from './feed-events.ts';
import { FRAME_HEADER_SIZE, FrameType, GAP_PAYLOAD_SIZE, HEARTBEAT_PAYLOAD_SIZE, MAX_FRAME_PAYLOAD, ProtocolError, type FeedHello } from './feed-protocol.ts';

const OPEN_BRACE = 0x7b;
const NEWLINE = 0x0a;

export class BinaryFeedDecoder implements FeedDecoder {
  private readonly events: FeedEvents;
  private greeted = false;
  /** The start of a frame or refusal line whose end has not arrived yet: assembly[0, assembled). */
  private assembly = Buffer.allocUnsafe(64 * 1024);
  private assembled = 0;
  private staging = new Int32Array(256 * RECORD_WORDS);
  private stagingBytes = new Uint8Array(this.staging.buffer);
  private readonly record = new MarketDataRecord();

  constructor(events: FeedEvents) {
    this.events = events;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.assembled > 0) {
      offset = this.assemble(chunk);
      if (offset < 0) return;
      const whole = this.assembled;
      this.assembled = 0;
      this.decode(this.assembly, 0, whole);
    }
    const end = this.decode(chunk, offset, chunk.length);
    if (end === chunk.length) return;
    // Room for the whole frame at once when its header is here: the assembly grows once, not per read.
    if (chunk.length - end >= FRAME_HEADER_SIZE && chunk[end] !== OPEN_BRACE) this.reserve(FRAME_HEADER_SIZE + frameLength(chunk, end));
    this.keep(chunk, end, chunk.length);
  }

  /** Decodes what is complete in data[offset, end); returns where an incomplete frame or line starts (end if none). */
  private decode(data: Buffer, offset: number, end: number): number {
    if (!this.greeted && offset < end && data[offset] === OPEN_BRACE) {
      // Refused before the handshake was read (e.g. subscriber limit): one JSON line.
      const newline = data.indexOf(NEWLINE, offset);
      if (newline === -1 || newline >= end) return offset;
      this.events.onServerError(errorReason(data.toString('utf8', offset, newline)));
      offset = newline + 1;
    }
    while (end - offset >= FRAME_HEADER_SIZE) {
      const length = frameLength(data, offset);
      if (end - offset < FRAME_HEADER_SIZE + length) break;
      const type = data.readUInt16LE(offset + 4);
      const count = data.readUInt16LE(offset + 6);
      const start = offset + FRAME_HEADER_SIZE;
      offset = start + length;
      this.frame(type, count, data, start, length);
    }
    return offset;
  }

  /**
   * Adds to the assembly what the unit in it still lacks, from the start of `chunk`; returns
   * the offset in `chunk` after it, or -1 when the chunk did not complete it (all taken).
   */
  private assemble(chunk: Buffer): number {
    let taken = 0;
    if (!this.greeted && this.assembly[0] === OPEN_BRACE) {
      const newline = chunk.indexOf(NEWLINE);
      taken = newline === -1 ? chunk.length : newline + 1;
      this.keep(chunk, 0, taken);
      return newline === -1 ? -1 : taken;
    }
    if (this.assembled < FRAME_HEADER_SIZE) {
      taken = Math.min(FRAME_HEADER_SIZE - this.assembled, chunk.length);
      this.keep(chunk, 0, taken);
      if (this.assembled < FRAME_HEADER_SIZE) return -1;
    }
    const total = FRAME_HEADER_SIZE + frameLength(this.assembly, 0);
    this.reserve(total);
    const missing = total - this.assembled;
    const more = Math.min(missing, chunk.length - taken);
    this.keep(chunk, taken, taken + more);
    return more < missing ? -1 : taken + more;
  }

  /** Appends chunk[from, to) to the assembly. */
  private keep(chunk: Buffer, from: number, to: number): void {
    this.reserve(this.assembled + to - from);
    this.assembled += chunk.copy(this.assembly, this.assembled, from, to);
  }

  /** Grows the assembly to hold `bytes` (it never shrinks: it ends as large as the longest frame split). */
  private reserve(bytes: number): void {
    if (bytes <= this.assembly.length) return;
    const grown = Buffer.allocUnsafe(Math.max(bytes, 2 * this.assembly.length));
    this.assembly.copy(grown, 0, 0, this.assembled);
    this.assembly = grown;
  }

  private frame(type: number, count: number, data: Buffer, start: number, length: number): void {
    const events = this.events;
    switch (type) {
      case FrameType.records:
        if (length !== count * RECORD_SIZE) {
          events.onMalformed(`records frame of ${length} bytes cannot hold ${count} records`);
          return;
        }
        this.deliver(data, start, count);
        return;
      case FrameType.hello:
        this.greeted = true;
        try {
          events.onHello(JSON.parse(data.toString('utf8', start, start + length)) as FeedHello);
        } catch {
          events.onMalformed('hello frame is not JSON');
        }
        return;
      case FrameType.heartbeat:
        if (length !== HEARTBEAT_PAYLOAD_SIZE) events.onMalformed(`heartbeat frame of ${length} bytes`);
        else events.onHeartbeat(data.readDoubleLE(start), data.readDoubleLE(start + 8), data.readDoubleLE(start + 16));
        return;
      case FrameType.gap:
        if (length !== GAP_PAYLOAD_SIZE) events.onMalformed(`gap frame of ${length} bytes`);
        else events.onGap(data.readDoubleLE(start), data.readDoubleLE(start + 8));
        return;
      case FrameType.error:
        events.onServerError(errorReason(data.toString('utf8', start, start + length)));
        return;
      default:
        events.onMalformed(`unknown frame type ${type}`);
    }
  }

  private deliver(data: Buffer, start: number, count: number): void {
    if (this.staging.length < count * RECORD_WORDS) {
      this.staging = new Int32Array(count * RECORD_WORDS);
      this.stagingBytes = new Uint8Array(this.staging.buffer);
    }
    data.copy(this.stagingBytes, 0, start, start + count * RECORD_SIZE);
    const record = this.record;
    for (let i = 0; i < count; i++) this.events.onRecord(record.wrap(this.staging, i * RECORD_WORDS));
  }
}

/** A frame's payload length, from its header at `offset`; an absurd one means the stream cannot be resynchronised. */
function frameLength(data: Buffer, offset: number): number {
  const length = data.readUInt32LE(offset);
  if (length > MAX_FRAME_PAYLOAD) throw new ProtocolError(`frame of ${length} bytes is longer than ${MAX_FRAME_PAYLOAD}: stream corrupt`);
  return length;
}

function errorReason(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : text;
  } catch {
    return text;
  }
}
