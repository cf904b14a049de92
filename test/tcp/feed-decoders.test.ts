// Any chunking of a valid stream decodes to exactly the records sent, in order, in both
// encodings; both encodings agree field by field; garbage costs only itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataRecord, type RecordFields } from '../../runtime/record/market-data-record.ts';
import { PRICE_SCALE, RECORD_SIZE } from '../../runtime/record/record-layout.ts';
import { JSON_EXACT_PRICE_LIMIT, recordToJson } from '../../runtime/record/record-json.ts';
import { BinaryFeedDecoder } from '../../runtime/tcp/binary-feed-decoder.ts';
import type { FeedDecoder, FeedEvents } from '../../runtime/tcp/feed-events.ts';
import { encodeFeedHello, encodeHeartbeat } from '../../runtime/tcp/feed-greetings.ts';
import { FRAME_HEADER_SIZE, FrameType, ProtocolError, encodeFrame, parseHandshake, formatHandshake, type FeedEncoding, type FeedHello } from '../../runtime/tcp/feed-protocol.ts';
import { NdjsonFeedDecoder } from '../../runtime/tcp/ndjson-feed-decoder.ts';
import { arbitraryRecordFields } from '../helpers/records.ts';

const limit = JSON_EXACT_PRICE_LIMIT * PRICE_SCALE;
const records = fc.array(
  fc.tuple(arbitraryRecordFields, fc.integer({ min: -limit, max: limit }), fc.integer({ min: -limit, max: limit })).map(([f, bid, ask]) => ({ ...f, bidPrice: bid, askPrice: ask })),
  { maxLength: 60 },
);

function hello(encoding: FeedEncoding): FeedHello {
  return { protocol: 1, feed: 'f', epoch: 7, encoding, instruments: 'all', bootId: 'b', wallMinusMonotonicNs: 1.5e18, nextSequence: 0 };
}

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
    parts.push(Buffer.from(encodeHeartbeat(encoding, 42, i)));
  }
  return Buffer.concat(parts);
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
  it('decodes exactly the records sent, in order, from any chunking of the stream', () => {
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 10 }), fc.array(fc.nat(), { maxLength: 40 }), (fields, batch, cuts) => {
        const bytes = encode(encoding, fields, batch);
        const state = { got: [] as RecordFields[], hellos: 0, beats: 0, malformed: 0 };
        const decoder = decoderFor(encoding, {
          onRecord: (record) => state.got.push(record.toFields()),
          onHello: () => state.hellos++,
          onHeartbeat: () => state.beats++,
          onServerError: () => expect.unreachable(),
          onMalformed: () => state.malformed++,
        });
        for (const part of chunk(bytes, cuts)) decoder.push(part);
        expect(state.got).toEqual(fields);
        expect(state.hellos).toBe(1);
        expect(state.beats).toBe(Math.ceil(fields.length / batch));
        expect(state.malformed).toBe(0);
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
          const decoder = decoderFor(encoding, { onRecord: (r) => decoded[encoding].push(r.toFields()), onHello() {}, onHeartbeat() {}, onServerError() {}, onMalformed() {} });
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
        const decoder = new NdjsonFeedDecoder({ onRecord: (r) => got.push(r.toFields()), onHello() {}, onHeartbeat() {}, onServerError() {}, onMalformed: () => malformed++ });
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
    const decoder = new BinaryFeedDecoder({ onRecord: (r) => got.push(r.toFields()), onHello() {}, onHeartbeat() {}, onServerError() {}, onMalformed: (m) => malformed.push(m) });
    decoder.push(Buffer.concat([good, unknown, badLength, good.subarray(good.indexOf(Buffer.from([RECORD_SIZE, 0, 0, 0, 1, 0]))) ]));
    expect(got).toEqual([fields[0], fields[0]]);
    expect(malformed).toEqual(['unknown frame type 99', 'records frame of 64 bytes cannot hold 2 records']);
    const absurd = Buffer.alloc(FRAME_HEADER_SIZE);
    absurd.writeUInt32LE(0xffff_fff0, 0);
    expect(() => decoder.push(absurd)).toThrow(ProtocolError);
  });

  it('reads a refusal sent as a JSON line before any frame', () => {
    const reasons: string[] = [];
    const decoder = new BinaryFeedDecoder({ onRecord() {}, onHello() {}, onHeartbeat() {}, onServerError: (r) => reasons.push(r), onMalformed() {} });
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

  it.each(['', 'GET / HTTP/1.1', 'binary filter=1', 'json instruments=x', '\u0000\u0001'])('rejects %j', (line) => {
    expect(() => parseHandshake(line)).toThrow(ProtocolError);
  });

  it('accepts ranges and the ndjson alias', () => {
    expect(parseHandshake('NDJSON instruments=1,5-7')).toEqual({ encoding: 'json', instruments: [1, 5, 6, 7] });
  });
});
