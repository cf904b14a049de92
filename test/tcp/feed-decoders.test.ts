// Any chunking of a valid stream decodes to exactly the records sent, in order, in both
// encodings; both encodings agree field by field; garbage costs only itself.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MarketDataRecord, type RecordFields } from '../../runtime/record/market-data-record.ts';
import { PRICE_SCALE, RECORD_SIZE } from '../../runtime/record/record-layout.ts';
import { JSON_EXACT_PRICE_LIMIT, recordToJson } from '../../runtime/record/record-json.ts';
import { BinaryFeedDecoder } from '../../runtime/tcp/binary-feed-decoder.ts';
import type { FeedDecoder, FeedEvents } from '../../runtime/tcp/feed-events.ts';
import { encodeFeedHello, encodeGap, encodeHeartbeat } from '../../runtime/tcp/feed-greetings.ts';
import {
  FRAME_HEADER_SIZE,
  FrameType,
  PROTOCOL_VERSION,
  ProtocolError,
  encodeFrame,
  formatHandshake,
  incompatibility,
  parseHandshake,
  type FeedEncoding,
  type FeedHello,
} from '../../runtime/tcp/feed-protocol.ts';
import { NdjsonFeedDecoder } from '../../runtime/tcp/ndjson-feed-decoder.ts';
import { MAX_BATCH } from '../../runtime/tcp/record-fanout.ts';
import { arbitraryRecordFields } from '../helpers/records.ts';

const limit = JSON_EXACT_PRICE_LIMIT * PRICE_SCALE;
const records = fc.array(
  fc.tuple(arbitraryRecordFields, fc.integer({ min: -limit, max: limit }), fc.integer({ min: -limit, max: limit })).map(([f, bid, ask]) => ({ ...f, bidPrice: bid, askPrice: ask })),
  { maxLength: 60 },
);

function hello(encoding: FeedEncoding): FeedHello {
  return { protocol: PROTOCOL_VERSION, feed: 'f', epoch: 7, encoding, instruments: 'all', bootId: 'b', wallMinusMonotonicNs: 1.5e18, nextSequence: 0, nextSubscriptionSequence: 0 };
}

/** The hello, then per batch: its records, a heartbeat, and (every third batch) a gap marker. */
function encode(encoding: FeedEncoding, fields: RecordFields[], batch: number): Buffer {
  const parts: Buffer[] = [Buffer.from(encodeFeedHello(hello(encoding)))];
  for (let i = 0; i < fields.length; i += batch) {
    const slice = fields.slice(i, i + batch);
    if (encoding === 'binary') {
      const payload = Buffer.alloc(slice.length * RECORD_SIZE);
      slice.forEach((f, j) => payload.set(new Uint8Array(new MarketDataRecord().setFields(f).words.buffer), j * RECORD_SIZE));
      parts.push(encodeFrame(FrameType.records, slice.length, payload));
    } else {
      parts.push(Buffer.from(slice.map((f) => `${recordToJson(new MarketDataRecord().setFields(f))}\n`).join('')));
    }
    parts.push(Buffer.from(encodeHeartbeat(encoding, 42, i, i * 3 + 1)));
    if ((i / batch) % 3 === 2) parts.push(Buffer.from(encodeGap(encoding, i + 5, 2 ** 40 + i)));
  }
  return Buffer.concat(parts);
}

/** What decoding encode()'s stream must give: every event, in order. */
function expectedEvents(fields: RecordFields[], batch: number): unknown[] {
  const events: unknown[] = [['hello', hello('binary').nextSubscriptionSequence]];
  for (let i = 0; i < fields.length; i += batch) {
    for (const f of fields.slice(i, i + batch)) events.push(['record', f]);
    events.push(['heartbeat', 42, i, i * 3 + 1]);
    if ((i / batch) % 3 === 2) events.push(['gap', i + 5, 2 ** 40 + i]);
  }
  return events;
}

function recordingEvents(events: unknown[]): FeedEvents {
  return {
    onRecord: (record) => events.push(['record', record.toFields()]),
    onHello: (h) => events.push(['hello', h.nextSubscriptionSequence]),
    onHeartbeat: (offset, next, subscriptionNext) => events.push(['heartbeat', offset, next, subscriptionNext]),
    onGap: (lost, subscriptionNext) => events.push(['gap', lost, subscriptionNext]),
    onServerError: (reason) => events.push(['error', reason]),
    onMalformed: (reason) => events.push(['malformed', reason]),
  };
}

/** Events that ignore everything but what the test passes. */
function events(overrides: Partial<FeedEvents>): FeedEvents {
  return { onRecord() {}, onHello() {}, onHeartbeat() {}, onGap() {}, onServerError() {}, onMalformed() {}, ...overrides };
}

function decoderFor(encoding: FeedEncoding, events: FeedEvents): FeedDecoder {
  return encoding === 'binary' ? new BinaryFeedDecoder(events) : new NdjsonFeedDecoder(events);
}

/** Splits bytes at the given cut points. */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe.each(['binary', 'json'] as const)('%s feed decoder', (encoding) => {
  it('decodes exactly the records, heartbeats and gap markers sent, in order, from any chunking of the stream', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 10 }), fc.array(fc.nat(), { maxLength: 40 }), (fields, batch, cuts) => {
        const got: unknown[] = [];
        const decoder = decoderFor(encoding, recordingEvents(got));
        for (const part of chunk(encode(encoding, fields, batch), cuts)) decoder.push(part);
        expect(got).toEqual(expectedEvents(fields, batch));
      }),
      { numRuns: 300 },
    );
  });
});

describe('feed encodings', () => {
  it('binary and JSON agree field by field', () => {
    fc.assert(
      fc.property(records, (fields) => {
        const decoded: Record<FeedEncoding, RecordFields[]> = { binary: [], json: [] };
        for (const encoding of ['binary', 'json'] as const) {
          const decoder = decoderFor(encoding, events({ onRecord: (r) => decoded[encoding].push(r.toFields()) }));
          decoder.push(encode(encoding, fields, 7));
        }
        expect(decoded.json).toEqual(decoded.binary);
      }),
    );
  });

  it('a garbage line between valid lines costs only that line', () => {
    fc.assert(
      fc.property(records, fc.nat(), fc.string({ maxLength: 80 }).filter((s) => !s.includes('\n')), fc.array(fc.nat(), { maxLength: 20 }), (fields, at, garbage, cuts) => {
        const lines = fields.map((f) => `${recordToJson(new MarketDataRecord().setFields(f))}\n`);
        const position = fields.length === 0 ? 0 : at % (fields.length + 1);
        const junk = `${garbage}}{not a record\n`;
        const bytes = Buffer.from([...lines.slice(0, position), junk, ...lines.slice(position)].join(''));
        const got: RecordFields[] = [];
        let malformed = 0;
        const decoder = new NdjsonFeedDecoder(events({ onRecord: (r) => got.push(r.toFields()), onMalformed: () => malformed++ }));
        for (const part of chunk(bytes, cuts)) decoder.push(part);
        expect(got).toEqual(fields);
        expect(malformed).toBe(1);
      }),
    );
  });

  it('a binary frame of an unknown type or a bad length is skipped and counted; an absurd length is fatal', () => {
    const fields = [{ sequence: 1, publishTimeNs: 2, sourceTimeNs: 3, instrumentId: 4, type: 1, flags: 0, bidPrice: 5, askPrice: 6, bidSize: 7, askSize: 8 }];
    const good = encode('binary', fields, 1);
    const unknown = encodeFrame(99, 0, Buffer.from('??'));
    const badLength = encodeFrame(FrameType.records, 2, Buffer.alloc(RECORD_SIZE));
    const got: RecordFields[] = [];
    const malformed: string[] = [];
    const decoder = new BinaryFeedDecoder(events({ onRecord: (r) => got.push(r.toFields()), onMalformed: (m) => malformed.push(m) }));
    decoder.push(Buffer.concat([good, unknown, badLength, good.subarray(good.indexOf(Buffer.from([RECORD_SIZE, 0, 0, 0, 1, 0]))) ]));
    expect(got).toEqual([fields[0], fields[0]]);
    expect(malformed).toEqual(['unknown frame type 99', 'records frame of 64 bytes cannot hold 2 records']);
    const absurd = Buffer.alloc(FRAME_HEADER_SIZE);
    absurd.writeUInt32LE(0xffff_fff0, 0);
    expect(() => decoder.push(absurd)).toThrow(ProtocolError);
  });

  it('a heartbeat or gap frame of the wrong size, or an NDJSON one missing a field, is skipped and counted', () => {
    const malformed: string[] = [];
    const got: unknown[] = [];
    const binary = new BinaryFeedDecoder(events({ onMalformed: (m) => malformed.push(m), onGap: (...a) => got.push(a), onHeartbeat: (...a) => got.push(a) }));
    // A protocol 1 heartbeat (16 bytes) and a gap frame one number short.
    binary.push(Buffer.concat([encodeFrame(FrameType.heartbeat, 0, Buffer.alloc(16)), encodeFrame(FrameType.gap, 0, Buffer.alloc(8)), Buffer.from(encodeGap('binary', 3, 9) as Buffer)]));
    const json = new NdjsonFeedDecoder(events({ onMalformed: (m) => malformed.push(m), onGap: (...a) => got.push(a), onHeartbeat: (...a) => got.push(a) }));
    json.push(Buffer.from('{"heartbeat":{"offsetNs":1,"next":2}}\n{"gap":{"lost":3}}\n{"gap":{"lost":3,"subscriptionNext":9}}\n'));
    expect(malformed).toEqual([
      'heartbeat frame of 16 bytes',
      'gap frame of 8 bytes',
      'heartbeat without offsetNs, next and subscriptionNext',
      'gap without lost and subscriptionNext',
    ]);
    expect(got).toEqual([
      [3, 9],
      [3, 9],
    ]);
  });

  it('delivers frames as large as the publisher sends bit-for-bit, whatever the reads they are split into', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: MAX_BATCH }), { minLength: 1, maxLength: 4 }), fc.integer(), fc.array(fc.nat(), { maxLength: 30 }), (counts, seed, cuts) => {
        // Records of arbitrary bytes (a cheap generator: the decoder copies, it does not interpret).
        let state = seed | 0;
        const payloads = counts.map((count) => {
          const payload = Buffer.allocUnsafe(count * RECORD_SIZE);
          for (let i = 0; i < payload.length; i += 4) payload.writeInt32LE((state = (Math.imul(state, 1_103_515_245) + 12_345) | 0), i);
          return payload;
        });
        const stream = Buffer.concat(payloads.map((payload, i) => encodeFrame(FrameType.records, counts[i], payload)));
        const delivered: Buffer[] = [];
        const decoder = new BinaryFeedDecoder(events({ onRecord: (r) => delivered.push(Buffer.from(new Uint8Array(r.words.buffer, r.words.byteOffset + r.base * 4, RECORD_SIZE))) }));
        for (const part of chunk(stream, cuts)) decoder.push(part);
        expect(Buffer.concat(delivered).equals(Buffer.concat(payloads))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  // Flat out the publisher sends frames of 4,096 records (256 KiB) and a socket read hands
  // over 64 KiB: every frame is assembled across reads. Re-concatenating what was pending at
  // each read copied a frame ~3.5 times, more the longer the frame (a fifth of the relay's CPU
  // flat out, measured with --cpu-prof).
  it('copies each byte of a frame split across reads at most twice (assembled, then aligned), however many reads it spans', () => {
    const count = MAX_BATCH;
    const frame = encodeFrame(FrameType.records, count, Buffer.alloc(count * RECORD_SIZE));
    const stream = Buffer.concat([frame, frame, frame, frame]);
    let received = 0;
    const decoder = new BinaryFeedDecoder(events({ onRecord: () => received++ }));
    let copied = 0;
    const concat = vi.spyOn(Buffer, 'concat');
    const copy = vi.spyOn(Buffer.prototype, 'copy');
    try {
      for (let at = 0; at < stream.length; at += 64 * 1024) decoder.push(stream.subarray(at, at + 64 * 1024));
      copied = concat.mock.results.reduce((sum, result) => sum + (result.value as Buffer).length, 0) + copy.mock.results.reduce((sum, result) => sum + (result.value as number), 0);
    } finally {
      concat.mockRestore();
      copy.mockRestore();
    }
    expect(received).toBe(4 * count);
    expect(copied).toBeLessThanOrEqual(2 * stream.length);
  });

  it('reads a refusal sent as a JSON line before any frame', () => {
    const reasons: string[] = [];
    const decoder = new BinaryFeedDecoder(events({ onServerError: (r) => reasons.push(r) }));
    decoder.push(Buffer.from('{"error":"subscriber lim'));
    decoder.push(Buffer.from('it of 2 reached"}\n'));
    expect(reasons).toEqual(['subscriber limit of 2 reached']);
  });
});

describe('handshake', () => {
  it('round-trips subscriptions', () => {
    fc.assert(
      fc.property(fc.constantFrom('binary', 'json') as fc.Arbitrary<FeedEncoding>, fc.option(fc.uniqueArray(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 20 }), { nil: undefined }), (encoding, instruments) => {
        const parsed = parseHandshake(formatHandshake({ encoding, instruments }));
        expect(parsed).toEqual({ encoding, instruments: instruments === undefined ? undefined : [...instruments].sort((a, b) => a - b) });
      }),
    );
  });

  it('states the protocol version', () => {
    expect(formatHandshake({ encoding: 'binary', instruments: [0, 1] })).toBe('binary protocol=2 instruments=0,1\n');
  });

  it.each(['', 'GET / HTTP/1.1', 'binary protocol=2 filter=1', 'json protocol=2 instruments=x', '\u0000\u0001'])('rejects %j', (line) => {
    expect(() => parseHandshake(line)).toThrow(ProtocolError);
  });

  it.each([
    // What a protocol 1 client sends.
    ['binary instruments=0-9', /^handshake without protocol=: a protocol 1 client; this server speaks protocol 2 \(upgrade the client, or send "binary protocol=2"\)$/],
    ['json', /^handshake without protocol=: a protocol 1 client/],
    ['binary protocol=1', /^protocol "1" is not supported: this server speaks protocol 2$/],
    ['json protocol=3 instruments=1', /^protocol "3" is not supported: this server speaks protocol 2$/],
  ])('refuses %j with the versions in the reason', (line, reason) => {
    expect(() => parseHandshake(line)).toThrow(reason);
  });

  it('accepts ranges, the ndjson alias and fields in any order', () => {
    expect(parseHandshake('NDJSON instruments=1,5-7 protocol=2')).toEqual({ encoding: 'json', instruments: [1, 5, 6, 7] });
  });
});

describe('protocol versions, from the client', () => {
  it('a hello of this version is compatible; one of another version or without nextSubscriptionSequence is not', () => {
    expect(incompatibility(hello('binary'))).toBeUndefined();
    expect(incompatibility({ ...hello('binary'), protocol: 1 })).toBe('the server speaks protocol 1, this client protocol 2: run the same marketfeed version on both sides');
    const { nextSubscriptionSequence: _, ...protocol1 } = hello('json');
    expect(incompatibility(protocol1 as FeedHello)).toMatch(/this client protocol 2/);
  });

  it('a protocol 1 server refusing the protocol= field is incompatible; other refusals are not', () => {
    // What a protocol 1 server answers to this client's handshake.
    expect(incompatibility(undefined, 'unknown handshake field "protocol=2"')).toBe(
      'the server speaks protocol 1 (it refused "protocol=2"), this client protocol 2: upgrade the publisher',
    );
    expect(incompatibility(undefined, 'subscriber limit of 2 reached')).toBeUndefined();
  });
});
