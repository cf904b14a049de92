// The TCP feed protocol (see README, "TCP protocol").
//
// The client may send one handshake line:  <encoding>[ instruments=<list>]\n
//   encoding: binary | json (alias ndjson);  list: "1,5-9" (default: every instrument).
// A client that sends nothing within the handshake timeout gets json, every instrument,
// so `nc host 9000` just works. Anything else the client sends is a protocol error.
//
// binary: frames, little-endian: u32 payload length, u16 type, u16 count, payload.
//   type 1 records   count × 64-byte records (record-layout.ts), length = count × 64
//   type 2 hello     UTF-8 JSON (FeedHello), first frame of every connection
//   type 3 heartbeat 16 bytes: f64 wall-clock minus monotonic ns, f64 next sequence
//   type 4 error     UTF-8 JSON {"error": reason}, then the server closes
// json: one JSON object per line: {"hello":{…}} first, then records (record-json.ts),
//   {"heartbeat":{"offsetNs":…,"next":…}} and {"error":"…"}.
import { parseIntegerList } from '../text/integer-list.ts';

export const PROTOCOL_VERSION = 1;
export const FRAME_HEADER_SIZE = 8;
export const FrameType = { records: 1, hello: 2, heartbeat: 3, error: 4 } as const;
/** Frames longer than this are corrupt: the stream cannot be trusted past them. */
export const MAX_FRAME_PAYLOAD = 1 << 20;
export const MAX_HANDSHAKE_LENGTH = 1024;
export const HEARTBEAT_PAYLOAD_SIZE = 16;

export type FeedEncoding = 'binary' | 'json';

export interface Subscription {
  encoding: FeedEncoding;
  /** undefined = every instrument. */
  instruments: number[] | undefined;
}

/** What the server says first on every connection. */
export interface FeedHello {
  protocol: number;
  feed: string;
  /** The publisher's segment epoch: a new value means a new stream (sequences restart). */
  epoch: number;
  encoding: FeedEncoding;
  instruments: number[] | 'all';
  /** /proc/sys/kernel/random/boot_id of the publisher's host: equal ⇒ monotonic clocks compare. */
  bootId: string;
  /** Publisher's wall clock minus its CLOCK_MONOTONIC, ns: turns publish stamps into wall time. */
  wallMinusMonotonicNs: number;
  /** Sequence of the next record the server will send. */
  nextSequence: number;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export function parseHandshake(line: string): Subscription {
  const words = line.trim().split(/\s+/);
  const encodingWord = (words[0] ?? '').toLowerCase();
  const encoding: FeedEncoding | undefined = encodingWord === 'binary' ? 'binary' : encodingWord === 'json' || encodingWord === 'ndjson' ? 'json' : undefined;
  if (encoding === undefined) throw new ProtocolError(`handshake must start with binary or json, got ${JSON.stringify(line.slice(0, 40))}`);
  let instruments: number[] | undefined;
  for (const word of words.slice(1)) {
    const match = /^instruments=(.+)$/i.exec(word);
    if (match === null) throw new ProtocolError(`unknown handshake field ${JSON.stringify(word.slice(0, 40))}`);
    try {
      instruments = parseIntegerList(match[1], 0xffff_ffff, 'instrument');
    } catch (error) {
      throw new ProtocolError((error as Error).message);
    }
  }
  return { encoding, instruments };
}

export function formatHandshake(subscription: Subscription): string {
  const filter = subscription.instruments === undefined ? '' : ` instruments=${subscription.instruments.join(',')}`;
  return `${subscription.encoding}${filter}\n`;
}

/** A frame: 8-byte header then the payload. */
export function encodeFrame(type: number, count: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
  writeFrameHeader(frame, 0, payload.length, type, count);
  frame.set(payload, FRAME_HEADER_SIZE);
  return frame;
}

export function writeFrameHeader(target: Buffer, offset: number, length: number, type: number, count: number): void {
  target.writeUInt32LE(length, offset);
  target.writeUInt16LE(type, offset + 4);
  target.writeUInt16LE(count, offset + 6);
}

export function encodeHeartbeatFrame(wallMinusMonotonicNs: number, nextSequence: number): Buffer {
  const payload = Buffer.allocUnsafe(HEARTBEAT_PAYLOAD_SIZE);
  payload.writeDoubleLE(wallMinusMonotonicNs, 0);
  payload.writeDoubleLE(nextSequence, 8);
  return encodeFrame(FrameType.heartbeat, 0, payload);
}

export function heartbeatLine(wallMinusMonotonicNs: number, nextSequence: number): string {
  return `{"heartbeat":{"offsetNs":${wallMinusMonotonicNs},"next":${nextSequence}}}\n`;
}
