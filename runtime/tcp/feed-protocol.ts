// The TCP feed protocol, version 2 (see README, "TCP protocol").
//
// The client may send one handshake line:  <encoding> protocol=2[ instruments=<list>]\n
//   encoding: binary | json (alias ndjson);  list: "1,5-9" (default: every instrument).
// A client that sends nothing within the handshake timeout gets json, every instrument,
// so `nc host 9000` just works. A handshake without protocol=2 (a protocol 1 client), or
// anything else the client sends, is refused with an error naming the cause.
//
// Every record of a subscription has a subscription sequence: the number of the
// subscription's records (those of its instruments) before it, counted from the server's
// start. Without a filter it is the record's own sequence. Hello, heartbeats and gap
// markers carry the next one, so a client counts exactly the records of its instruments
// that it missed: while reconnecting, or that the server could not send.
//
// binary: frames, little-endian: u32 payload length, u16 type, u16 count, payload.
//   type 1 records   count × 64-byte records (record-layout.ts), length = count × 64
//   type 2 hello     UTF-8 JSON (FeedHello), first frame of every connection
//   type 3 heartbeat 24 bytes: f64 wall-clock minus monotonic ns, f64 next sequence,
//                    f64 next subscription sequence
//   type 4 error     UTF-8 JSON {"error": reason}, then the server closes
//   type 5 gap       16 bytes: f64 records the server could not send, f64 next subscription sequence
// json: one JSON object per line: {"hello":{…}} first, then records (record-json.ts),
//   {"heartbeat":{"offsetNs":…,"next":…,"subscriptionNext":…}}, {"gap":{"lost":…,"subscriptionNext":…}}
//   and {"error":"…"}.
import { parseIntegerList } from '../text/integer-list.ts';

export const PROTOCOL_VERSION = 2;
export const FRAME_HEADER_SIZE = 8;
export const FrameType = { records: 1, hello: 2, heartbeat: 3, error: 4, gap: 5 } as const;
/** Frames longer than this are corrupt: the stream cannot be trusted past them. */
export const MAX_FRAME_PAYLOAD = 1 << 20;
export const MAX_HANDSHAKE_LENGTH = 1024;
export const HEARTBEAT_PAYLOAD_SIZE = 24;
export const GAP_PAYLOAD_SIZE = 16;

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
  /** Sequence of the next record the server will read from its ring. */
  nextSequence: number;
  /** Subscription sequence of the next record of this subscription. */
  nextSubscriptionSequence: number;
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
  let protocol: string | undefined;
  for (const word of words.slice(1)) {
    const match = /^(instruments|protocol)=(.+)$/i.exec(word);
    if (match === null) throw new ProtocolError(`unknown handshake field ${JSON.stringify(word.slice(0, 40))}`);
    if (match[1].toLowerCase() === 'protocol') {
      protocol = match[2];
      continue;
    }
    try {
      instruments = parseIntegerList(match[2], 0xffff_ffff, 'instrument');
    } catch (error) {
      throw new ProtocolError((error as Error).message);
    }
  }
  if (protocol === undefined) {
    throw new ProtocolError(
      `handshake without protocol=: a protocol 1 client; this server speaks protocol ${PROTOCOL_VERSION} (upgrade the client, or send "${encoding} protocol=${PROTOCOL_VERSION}")`,
    );
  }
  if (protocol !== String(PROTOCOL_VERSION)) {
    throw new ProtocolError(`protocol ${JSON.stringify(protocol.slice(0, 20))} is not supported: this server speaks protocol ${PROTOCOL_VERSION}`);
  }
  return { encoding, instruments };
}

export function formatHandshake(subscription: Subscription): string {
  const filter = subscription.instruments === undefined ? '' : ` instruments=${subscription.instruments.join(',')}`;
  return `${subscription.encoding} protocol=${PROTOCOL_VERSION}${filter}\n`;
}

/**
 * Why a client of this protocol cannot use a server that greeted it with `hello`, or
 * refused it for `reason` before any hello; undefined when nothing says so.
 */
export function incompatibility(hello: FeedHello | undefined, reason?: string): string | undefined {
  if (hello !== undefined) {
    if (hello.protocol === PROTOCOL_VERSION && Number.isFinite(hello.nextSubscriptionSequence)) return undefined;
    return `the server speaks protocol ${String(hello.protocol)}, this client protocol ${PROTOCOL_VERSION}: run the same marketfeed version on both sides`;
  }
  // A protocol 1 server knows no protocol= field.
  if (reason !== undefined && /unknown handshake field "protocol=/.test(reason)) {
    return `the server speaks protocol 1 (it refused "protocol=${PROTOCOL_VERSION}"), this client protocol ${PROTOCOL_VERSION}: upgrade the publisher`;
  }
  return undefined;
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

/** A frame whose payload is the given f64 values. */
export function encodeNumbersFrame(type: number, ...values: number[]): Buffer {
  const payload = Buffer.allocUnsafe(values.length * 8);
  values.forEach((value, i) => payload.writeDoubleLE(value, i * 8));
  return encodeFrame(type, 0, payload);
}

export function heartbeatLine(wallMinusMonotonicNs: number, nextSequence: number, nextSubscriptionSequence: number): string {
  return `{"heartbeat":{"offsetNs":${wallMinusMonotonicNs},"next":${nextSequence},"subscriptionNext":${nextSubscriptionSequence}}}\n`;
}

export function gapLine(lost: number, nextSubscriptionSequence: number): string {
  return `{"gap":{"lost":${lost},"subscriptionNext":${nextSubscriptionSequence}}}\n`;
}
