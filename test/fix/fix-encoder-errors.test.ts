// FixEncoder when asked for what it must refuse: a field that throws (any reason, BufferFull
// included) leaves the message as it was before it; fields and finish() outside a begun
// message are refused and the last finished message stays as it was; `capacity` is the
// largest whole message, to the byte; FIX's empty values are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { errorCode } from './fix-errors.ts';

const text = (encoder: FixEncoder): string => encoder.toBuffer().toString('latin1');

/** What a message with these body fields after 35=D is, encoded with the delimiter '|'. */
function expected(fields: (encoder: FixEncoder) => void): string {
  const encoder = new FixEncoder({ delimiter: '|' });
  fields(encoder.begin('D'));
  encoder.finish();
  return text(encoder);
}

type Op =
  | { kind: 'string' | 'char'; tag: number; value: string }
  | { kind: 'int' | 'time'; tag: number; value: number }
  | { kind: 'scaledPrice' | 'price'; tag: number; value: number; decimals: number }
  | { kind: 'data'; tag: number; value: Uint8Array };

function apply(encoder: FixEncoder, op: Op): void {
  switch (op.kind) {
    case 'string':
      return void encoder.string(op.tag, op.value);
    case 'char':
      return void encoder.char(op.tag, op.value);
    case 'int':
      return void encoder.int(op.tag, op.value);
    case 'time':
      return void encoder.utcTimestamp(op.tag, op.value);
    case 'scaledPrice':
      return void encoder.scaledPrice(op.tag, op.value, op.decimals);
    case 'price':
      return void encoder.price(op.tag, op.value, op.decimals);
    case 'data':
      return void encoder.data(op.tag - 1, op.tag, op.value);
  }
}

describe('FixEncoder errors', () => {
  // Valid and invalid tags, values and decimals; tags above 622 hold no standard DATA field.
  const tag = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1000, max: 99_999 }) }, fc.constantFrom(0, -5, 1.5, 1e10, NaN));
  const decimals = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 15 }) }, fc.constantFrom(-1, 16, 2.5, NaN));
  const latin1 = fc.integer({ min: 0x20, max: 0x17f }).map((c) => String.fromCharCode(c));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom('string' as const, 'char' as const), tag, value: fc.oneof(fc.string({ unit: latin1, maxLength: 3 }), fc.string({ unit: latin1, maxLength: 60 })) }),
    fc.record({ kind: fc.constant('int' as const), tag, value: fc.oneof(fc.maxSafeInteger(), fc.double()) }),
    fc.record({ kind: fc.constantFrom('scaledPrice' as const, 'price' as const), tag, value: fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.double()), decimals }),
    fc.record({ kind: fc.constant('time' as const), tag, value: fc.oneof(fc.integer({ min: -1, max: 253402300800000 }), fc.double()) }),
    fc.record({ kind: fc.constant('data' as const), tag: fc.constantFrom(96, 355, 0), value: fc.uint8Array({ maxLength: 80 }) }),
  );

  it('a refused field, whatever the reason, leaves the message as it was before it (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), fc.integer({ min: 30, max: 400 }), (ops, capacity) => {
        const small = new FixEncoder({ delimiter: '|', capacity });
        const large = new FixEncoder({ delimiter: '|' });
        small.begin('D');
        large.begin('D');
        for (const o of ops) {
          const code = errorCode(() => apply(small, o));
          expect(code === undefined || code === 'InvalidValue' || code === 'BufferFull').toBe(true);
          // The large encoder gets only what the small one took, and takes it too.
          if (code === undefined) apply(large, o);
        }
        small.finish();
        large.finish();
        expect(text(small)).toBe(text(large));
        expect(small.end - small.start).toBeLessThanOrEqual(capacity);
        new FixParser({ delimiter: '|' }).parse(small.buffer, small.start, small.end);
      }),
      { numRuns: 500 },
    );
  });

  it('a field that does not fit leaves nothing behind (BufferFull in string and data)', () => {
    const encoder = new FixEncoder({ delimiter: '|', capacity: 64 });
    encoder.begin('D').string(11, 'id');
    expect(errorCode(() => encoder.string(58, 'x'.repeat(100)))).toBe('BufferFull');
    expect(errorCode(() => encoder.data(95, 96, new Uint8Array(100)))).toBe('BufferFull');
    encoder.finish();
    expect(text(encoder)).toBe(expected((e) => e.string(11, 'id')));
  });

  it('a refused value, tag or decimals leaves nothing behind', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    encoder.begin('D').int(38, 5);
    const refusals: [string, () => unknown][] = [
      ['delimiter', () => encoder.string(58, 'a|b')],
      ['non-latin1', () => encoder.string(58, 'a\u20acb')],
      ['tag 0', () => encoder.string(0, 'x')],
      ['tag 1.5', () => encoder.int(1.5, 1)],
      ['data tag', () => encoder.data(95, -96, new Uint8Array(3))],
      ['int 1.5', () => encoder.int(38, 1.5)],
      ['int 2^53', () => encoder.int(38, 2 ** 53)],
      ['char ab', () => encoder.char(54, 'ab')],
      ['timestamp -1', () => encoder.utcTimestamp(60, -1)],
      ['timestamp 10000-01-01', () => encoder.utcTimestamp(60, 253402300800000)],
      ['price NaN', () => encoder.price(44, NaN, 2)],
      ['price 1e300', () => encoder.price(44, 1e300, 2)],
      ['scaledPrice 1.5 units', () => encoder.scaledPrice(44, 1.5, 2)],
      ['price 1.5 decimals', () => encoder.price(44, 1.25, 1.5)],
    ];
    for (const [what, run] of refusals) expect(errorCode(run), what).toBe('InvalidValue');
    encoder.finish();
    expect(text(encoder)).toBe(expected((e) => e.int(38, 5)));
  });

  it('refuses fields and finish() before begin()', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    expect(() => encoder.string(58, 'x')).toThrow(/no message begun: call begin\(\)/);
    expect(errorCode(() => encoder.int(38, 1))).toBe('InvalidValue');
    expect(errorCode(() => encoder.price(44, 1.5, 2))).toBe('InvalidValue');
    expect(errorCode(() => encoder.price(44, 1.005, 2))).toBe('InvalidValue');
    expect(errorCode(() => encoder.data(95, 96, new Uint8Array(1)))).toBe('InvalidValue');
    expect(() => encoder.finish()).toThrow(/no message begun/);
    expect(encoder.toBuffer().length).toBe(0);
  });

  it('after finish() refuses fields and a second finish() until begin(), and the message stays as it was', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    encoder.begin('D').string(11, 'id').finish();
    const message = text(encoder);
    const { start, end } = encoder;
    const writers: (() => unknown)[] = [
      () => encoder.finish(),
      () => encoder.string(58, 'late'),
      () => encoder.char(54, '1'),
      () => encoder.int(38, 1),
      () => encoder.scaledPrice(44, 1, 2),
      () => encoder.price(44, 1.5, 2),
      () => encoder.price(44, 2.675, 2),
      () => encoder.utcTimestamp(60, 0),
      () => encoder.data(95, 96, new Uint8Array(4)),
    ];
    for (const run of writers) expect(errorCode(run)).toBe('InvalidValue');
    expect(() => encoder.finish()).toThrow(/the message is finished: call begin\(\)/);
    expect([encoder.start, encoder.end, text(encoder)]).toEqual([start, end, message]);
    expect(message).toBe(expected((e) => e.string(11, 'id')));
    // A refused begin() changes nothing either; a good one starts the next message.
    expect(errorCode(() => encoder.begin(''))).toBe('InvalidValue');
    expect(errorCode(() => encoder.begin('A|'))).toBe('InvalidValue');
    expect([encoder.start, encoder.end, text(encoder)]).toEqual([start, end, message]);
    expect(errorCode(() => encoder.string(58, 'late'))).toBe('InvalidValue');
    encoder.begin('D');
    expect([encoder.start, encoder.end]).toEqual([0, 0]);
    encoder.string(11, 'id2').finish();
    expect(text(encoder)).toBe(expected((e) => e.string(11, 'id2')));
  });

  it('a refused begin() in the middle of a message leaves that message going', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    encoder.begin('D').int(38, 7);
    expect(errorCode(() => encoder.begin(''))).toBe('InvalidValue');
    encoder.string(11, 'id').finish();
    expect(text(encoder)).toBe(expected((e) => e.int(38, 7).string(11, 'id')));
  });
});

describe('FixEncoder capacity', () => {
  it('is the largest whole message: 26 bytes hold 8=FIX.4.4|9=5|35=0|10=nnn|, 25 do not', () => {
    const fits = new FixEncoder({ delimiter: '|', capacity: 26 });
    fits.begin('0').finish();
    expect(text(fits)).toMatch(/^8=FIX\.4\.4\|9=5\|35=0\|10=\d{3}\|$/);
    expect(fits.end - fits.start).toBe(26);
    expect(errorCode(() => new FixEncoder({ capacity: 25 }).begin('0'))).toBe('BufferFull');
  });

  it('a message of exactly capacity fits and one byte more is BufferFull, across BodyLength digit counts', () => {
    const unlimited = new FixEncoder({ delimiter: '|' });
    for (let length = 1; length <= 1100; length++) {
      const value = 'x'.repeat(length);
      unlimited.begin('D').int(34, 1).string(58, value).finish();
      const size = unlimited.end - unlimited.start;
      const exact = new FixEncoder({ delimiter: '|', capacity: size });
      exact.begin('D').int(34, 1).string(58, value).finish();
      expect(text(exact)).toBe(text(unlimited));
      const short = new FixEncoder({ delimiter: '|', capacity: size - 1 });
      short.begin('D').int(34, 1);
      expect(errorCode(() => short.string(58, value)), `${size} bytes`).toBe('BufferFull');
    }
  });

  it('holds any message of exactly its size; a byte less refuses only the last field (property)', () => {
    const field = fc.tuple(fc.integer({ min: 1000, max: 99_999 }), fc.string({ unit: fc.constantFrom('a', 'b', '='), minLength: 1, maxLength: 40 }));
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 20 }), fc.constantFrom('FIX.4.2', 'FIXT.1.1'), (fields, beginString) => {
        const unlimited = new FixEncoder({ delimiter: '|', beginString });
        unlimited.begin('W');
        for (const [tag, value] of fields) unlimited.string(tag, value);
        unlimited.finish();
        const size = unlimited.end - unlimited.start;
        const exact = new FixEncoder({ delimiter: '|', beginString, capacity: size });
        const short = new FixEncoder({ delimiter: '|', beginString, capacity: size - 1 });
        exact.begin('W');
        short.begin('W');
        fields.forEach(([tag, value], i) => {
          exact.string(tag, value);
          expect(errorCode(() => short.string(tag, value))).toBe(i === fields.length - 1 ? 'BufferFull' : undefined);
        });
        exact.finish();
        expect(text(exact)).toBe(text(unlimited));
      }),
      { numRuns: 300 },
    );
  });

  it('64 bytes hold a 64-byte message and refuse a 65-byte one', () => {
    const encoder = new FixEncoder({ delimiter: '|', capacity: 64 });
    // "8=FIX.4.4|" 10 + "9=42|" 5 + body "35=D|58=x…x|" 42 + "10=nnn|" 7.
    encoder.begin('D').string(58, 'x'.repeat(33)).finish();
    expect(encoder.end - encoder.start).toBe(64);
    expect(errorCode(() => encoder.begin('D').string(58, 'x'.repeat(34)))).toBe('BufferFull');
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, NaN, Infinity]) expect(errorCode(() => new FixEncoder({ capacity })), String(capacity)).toBe('InvalidValue');
  });
});

describe('FixEncoder empty values', () => {
  it('refuses an empty string, char or MsgType (FIX has no empty values)', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    expect(errorCode(() => encoder.begin(''))).toBe('InvalidValue');
    encoder.begin('D');
    expect(errorCode(() => encoder.string(58, ''))).toBe('InvalidValue');
    expect(errorCode(() => encoder.char(54, ''))).toBe('InvalidValue');
    encoder.finish();
    expect(text(encoder)).toMatch(/^8=FIX\.4\.4\|9=5\|35=D\|10=\d{3}\|$/);
  });

  it('writes empty DATA with its LENGTH 0, which reads back empty', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    encoder.begin('D').data(95, 96, new Uint8Array(0)).string(58, 'after').finish();
    expect(text(encoder)).toContain('|95=0|96=|58=after|');
    const view = new FixParser({ delimiter: '|' }).parse(encoder.buffer, encoder.start, encoder.end);
    expect(view.getString(96)).toBe('');
    expect(view.getString(58)).toBe('after');
  });
});
