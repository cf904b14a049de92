// Decodes the binary feed (frames of 64-byte records) from chunks split anywhere. A frame
// split across chunks waits in `pending`; records are copied to an aligned staging area
// (socket chunks have any byte offset) and handed out through one flyweight.
import { MarketDataRecord } from '../record/market-data-record.ts';
import { RECORD_SIZE, RECORD_WORDS } from '../record/record-layout.ts';
import type { FeedDecoder, FeedEvents } from './feed-events.ts';
import { FRAME_HEADER_SIZE, FrameType, GAP_PAYLOAD_SIZE, HEARTBEAT_PAYLOAD_SIZE, MAX_FRAME_PAYLOAD, ProtocolError, type FeedHello } from './feed-protocol.ts';

const OPEN_BRACE = 0x7b;

export class BinaryFeedDecoder implements FeedDecoder {
  private readonly events: FeedEvents;
  private pending: Buffer | undefined;
  private greeted = false;
  private staging = new Int32Array(256 * RECORD_WORDS);
  private stagingBytes = new Uint8Array(this.staging.buffer);
  private readonly record = new MarketDataRecord();

  constructor(events: FeedEvents) {
    this.events = events;
  }

  push(chunk: Buffer): void {
    const data = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    let offset = 0;
    if (!this.greeted && data.length > 0 && data[0] === OPEN_BRACE) {
      // Refused before the handshake was read (e.g. subscriber limit): one JSON line.
      const newline = data.indexOf(0x0a);
      if (newline === -1) {
        this.pending = data;
        return;
      }
      this.events.onServerError(errorReason(data.toString('utf8', 0, newline)));
      offset = newline + 1;
    }
    while (data.length - offset >= FRAME_HEADER_SIZE) {
      const length = data.readUInt32LE(offset);
      if (length > MAX_FRAME_PAYLOAD) throw new ProtocolError(`frame of ${length} bytes is longer than ${MAX_FRAME_PAYLOAD}: stream corrupt`);
      if (data.length - offset < FRAME_HEADER_SIZE + length) break;
      const type = data.readUInt16LE(offset + 4);
      const count = data.readUInt16LE(offset + 6);
      const start = offset + FRAME_HEADER_SIZE;
      offset = start + length;
      this.frame(type, count, data, start, length);
    }
    if (offset < data.length) this.pending = data.subarray(offset);
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

function errorReason(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : text;
  } catch {
    return text;
  }
}
