// Encoder tests: the sample sessions re-encoded field by field give the same fields, and
// generated messages survive encode → parse with every typed value intact (fast-check);
// price() rounds the decimal a person reads half away from zero (checked against BigInt
// arithmetic on decimal strings) and timestamps match Date. Errors, message state and
// capacity: fix-encoder-errors.test.ts; allocation: fix-encoder-allocation.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { errorCode } from './fix-errors.ts';
import type { FixMessageView } from '../../runtime/fix/fix-message-view.ts';
import { readFixLines, soh } from './fix-data.ts';

function fields(view: FixMessageView): [number, string][] {
  const result: [number, string][] = [];
  for (let i = 0; i < view.count; i++) if (view.tags[i] !== 9 && view.tags[i] !== 10) result.push([view.tags[i], view.stringAt(i)]);
  return result;
}

/** From MsgType through the delimiter before CheckSum, of a message written with '|'. */
function body(message: string): string {
  return message.slice(message.indexOf('|35=') + 1, message.lastIndexOf('|10=') + 1);
}

describe('FixEncoder', () => {
  it('re-encodes every sample session message to the same fields with valid BodyLength and CheckSum', () => {
    const lines = [
      ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt'),
      ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/jsfix.test_client.txt'),
    ];
    const parser = new FixParser();
    const check = new FixParser();
    const encoder = new FixEncoder({ beginString: 'FIX.4.4' });
    let identical = 0;
    for (const line of lines) {
      const original = fields(parser.parse(soh(line)));
      // FIX has no empty values, but fixsim's messages carry an empty TargetSubID (57=): the
      // encoder refuses it and the message goes on as if it had not been asked.
      const present = original.filter(([, value]) => value.length > 0);
      encoder.begin(original[1][1]);
      for (const [tag, value] of original.slice(2)) {
        if (value.length > 0) encoder.string(tag, value);
        else expect(() => encoder.string(tag, value)).toThrow(FixError);
      }
      encoder.finish();
      const encoded = check.parse(encoder.buffer, encoder.start, encoder.end);
      expect(fields(encoded)).toEqual(present);
      // The body is the sample's without its empty fields; where the sample's BodyLength is not
      // zero-padded and nothing was left out the whole message is identical.
      const text = encoder.toBuffer().toString('latin1');
      expect(body(text.replaceAll('\x01', '|'))).toBe(body(line).replace(/(?<=\|)\d+=\|/g, ''));
      if (!line.includes('9=0') && present.length === original.length) {
        expect(text).toBe(soh(line).toString('latin1'));
        identical++;
      }
    }
    expect(identical).toBeGreaterThan(0);
  });

  it('writes prices, integers and timestamps that parse back exactly', () => {
    const encoder = new FixEncoder();
    encoder.begin('D').scaledPrice(44, 5, 2).scaledPrice(45, -123450, 4).int(38, 0).int(39, -17).price(46, 101.25, 3).utcTimestamp(60, Date.UTC(2026, 10, 25, 4, 5, 6, 7));
    const view = new FixParser().parse(encoder.finish(), encoder.start, encoder.end);
    expect(view.getString(44)).toBe('0.05');
    expect(view.getString(45)).toBe('-12.3450');
    expect(view.getString(46)).toBe('101.250');
    expect(view.getString(60)).toBe('20261125-04:05:06.007');
    expect(view.getInt(39)).toBe(-17);
    expect(view.getUtcTimestamp(60)).toBe(Date.UTC(2026, 10, 25, 4, 5, 6, 7));
  });

  it('rejects values holding the delimiter and messages that do not fit', () => {
    const encoder = new FixEncoder({ capacity: 64 });
    expect(() => encoder.begin('D').string(58, 'a\x01b')).toThrow(FixError);
    expect(() => encoder.begin('D').string(58, 'x'.repeat(100))).toThrow(FixError);
  });

  const value = fc.oneof(
    // FIX has no empty values: the encoder refuses them (fix-encoder-errors.test.ts).
    fc.record({ kind: fc.constant('string' as const), text: fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 }) }),
    fc.record({ kind: fc.constant('int' as const), int: fc.maxSafeInteger() }),
    fc.record({ kind: fc.constant('price' as const), units: fc.integer({ min: -1e12, max: 1e12 }), decimals: fc.integer({ min: 0, max: 8 }) }),
    fc.record({ kind: fc.constant('time' as const), millis: fc.integer({ min: 0, max: 253402300799999 }) }),
  );
  const message = fc.record({
    msgType: fc.stringMatching(/^[0-9A-Za-z]{1,2}$/),
    fields: fc.array(fc.tuple(fc.integer({ min: 11, max: 99999 }), value), { maxLength: 30 }),
    delimiter: fc.constantFrom('\x01' as const, '|' as const),
  });

  it('round-trips generated messages through encode and parse', () => {
    const encoders = { '\x01': new FixEncoder({ delimiter: '\x01' }), '|': new FixEncoder({ delimiter: '|', beginString: 'FIXT.1.1' }) };
    const parsers = { '\x01': new FixParser({ delimiter: '\x01' }), '|': new FixParser({ delimiter: '|' }) };
    fc.assert(
      fc.property(message, ({ msgType, fields: generated, delimiter }) => {
        const encoder = encoders[delimiter];
        encoder.begin(msgType);
        for (const [tag, v] of generated) {
          if (v.kind === 'string') encoder.string(tag, v.text.replaceAll('|', '/'));
          else if (v.kind === 'int') encoder.int(tag, v.int);
          else if (v.kind === 'price') encoder.scaledPrice(tag, v.units, v.decimals);
          else encoder.utcTimestamp(tag, v.millis);
        }
        encoder.finish();
        const view = parsers[delimiter].parse(encoder.buffer, encoder.start, encoder.end);
        expect(view.count).toBe(generated.length + 4);
        expect(view.stringAt(2)).toBe(msgType);
        generated.forEach(([tag, v], k) => {
          const index = k + 3;
          expect(view.tags[index]).toBe(tag);
          if (v.kind === 'string') expect(view.stringAt(index)).toBe(v.text.replaceAll('|', '/'));
          else if (v.kind === 'int') expect(view.intAt(index)).toBe(v.int);
          else if (v.kind === 'price') {
            if (view.indexOf(tag) === index) {
              expect(view.getScaledPrice(tag, v.decimals)).toBe(v.units);
              expect(view.getPrice(tag)).toBe(v.units / 10 ** v.decimals);
            }
          } else if (view.indexOf(tag) === index) expect(view.getUtcTimestamp(tag)).toBe(v.millis);
        });
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });
});

/**
 * `decimal` (optional sign, digits, optional fraction and exponent, as String(number) prints)
 * rounded half away from zero to `decimals` places and written as FIX writes it; undefined when
 * that is more than 2^53 − 1 units of 10^-decimals.
 */
function roundHalfAway(decimal: string, decimals: number): string | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(decimal);
  if (match === null) throw new Error(`not a decimal: ${decimal}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(whole + fraction);
  const shift = Number(exponent) - fraction.length + decimals;
  let units = digits * 10n ** BigInt(Math.max(shift, 0));
  if (shift < 0) {
    const divisor = 10n ** BigInt(-shift);
    units = digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
  }
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  const padded = units.toString().padStart(decimals + 1, '0');
  const written = decimals === 0 ? padded : `${padded.slice(0, -decimals)}.${padded.slice(-decimals)}`;
  return sign === '-' && units !== 0n ? `-${written}` : written;
}

describe('FixEncoder prices', () => {
  const encoder = new FixEncoder({ delimiter: '|' });
  /** What price() writes for the value, or the error code it throws. */
  function written(value: number, decimals: number): string {
    const code = errorCode(() => encoder.begin('D').price(44, value, decimals).finish());
    return code ?? /\|44=([^|]*)\|/.exec(encoder.toBuffer().toString('latin1'))![1];
  }

  it('rounds the decimal a person reads half away from zero, the same for negatives', () => {
    const cases: [number, number, string][] = [
      [1.005, 2, '1.01'], [1.045, 2, '1.05'], [2.675, 2, '2.68'], [1.5, 0, '2'], [-1.5, 0, '-2'], [2.5, 0, '3'], [-2.5, 0, '-3'],
      [-1.005, 2, '-1.01'], [0.125, 2, '0.13'], [0.1 + 0.2, 8, '0.30000000'], [101.25, 3, '101.250'], [-0.001, 2, '0.00'], [-0, 1, '0.0'],
      [1e-7, 8, '0.00000010'], [5e-7, 6, '0.000001'], [4.5e-7, 6, '0.000000'], [1.5e-7, 7, '0.0000002'], [9007199254740991, 0, '9007199254740991'],
      [1.5e21, 0, 'InvalidValue'], [2 ** 53, 0, 'InvalidValue'], [90071992547.40993, 5, 'InvalidValue'], [NaN, 2, 'InvalidValue'], [Infinity, 0, 'InvalidValue'], [-Infinity, 0, 'InvalidValue'],
    ];
    for (const [value, decimals, expected] of cases) expect(written(value, decimals), `${value} to ${decimals}`).toBe(expected);
  });

  it('writes decimal strings rounded as BigInt arithmetic on the string rounds them (property)', () => {
    const digits = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength });
    // At most 15 significant digits, so String(Number(text)) is the same decimal as text.
    const unsigned = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 99_999 }), digits(8), fc.constantFrom('', '5', '05', '45', '49', '50', '51')).map(([whole, fraction, tail]) => `${whole}.${fraction}${tail}0`),
      fc.tuple(fc.integer({ min: 0, max: 999_999_999_999 }), digits(3)).map(([whole, fraction]) => `${whole}.${fraction}0`),
      fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 999 }), fc.constantFrom('', '5')).map(([zeros, tail, five]) => `0.${'0'.repeat(zeros)}${tail}${five}`),
    );
    fc.assert(
      fc.property(fc.boolean(), unsigned, fc.integer({ min: 0, max: 8 }), (negative, text, decimals) => {
        const decimal = negative ? `-${text}` : text;
        const value = Number(decimal);
        const expected = roundHalfAway(decimal, decimals) ?? 'InvalidValue';
        expect(roundHalfAway(String(value), decimals) ?? 'InvalidValue').toBe(expected);
        expect(written(value, decimals)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes any double as its String() form rounded half away from zero, or refuses it (property)', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => n / 1000),
      fc.integer({ min: -10_000_000, max: 10_000_000 }).map((n) => (n + 0.5) / 10_000),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 15 }), (x, decimals) => {
        expect(written(x, decimals)).toBe(roundHalfAway(String(x), decimals) ?? 'InvalidValue');
      }),
      { numRuns: 3000 },
    );
  });

  it('rounds doubles a few ulps either side of a half as their String() form (property)', () => {
    const view = new DataView(new ArrayBuffer(8));
    const nudge = (x: number, ulps: number): number => {
      view.setFloat64(0, x);
      view.setBigInt64(0, view.getBigInt64(0) + BigInt(ulps));
      return view.getFloat64(0);
    };
    const nearHalf = fc
      .tuple(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: -4, max: 4 }), fc.boolean())
      .map(([k, decimals, ulps, negative]) => ({ value: (negative ? -1 : 1) * nudge((k + 0.5) / 10 ** decimals, ulps), decimals }));
    fc.assert(
      fc.property(nearHalf, ({ value, decimals }) => {
        expect(written(value, decimals)).toBe(roundHalfAway(String(value), decimals) ?? 'InvalidValue');
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses decimals that are not an integer 0..15 and writes nothing for them', () => {
    for (const decimals of [1.5, -1, 16, NaN, Infinity]) {
      encoder.begin('D').int(38, 1);
      expect(errorCode(() => encoder.price(44, 1.25, decimals)), `price ${decimals}`).toBe('InvalidValue');
      expect(errorCode(() => encoder.scaledPrice(44, 125, decimals)), `scaledPrice ${decimals}`).toBe('InvalidValue');
      encoder.finish();
      expect(encoder.toBuffer().toString('latin1')).toMatch(/^8=FIX\.4\.4\|9=10\|35=D\|38=1\|10=\d{3}\|$/);
    }
    expect(written(1.25, 15)).toBe('1.250000000000000');
  });
});

describe('FixEncoder timestamps', () => {
  it('writes the UTCTimestamp Date gives for any millisecond of years 1970..9999 (property)', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 }), (millis) => {
        encoder.begin('D').utcTimestamp(52, millis).finish();
        const iso = new Date(millis).toISOString();
        const expected = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
        expect(encoder.toBuffer().toString('latin1')).toContain(`|52=${expected}|`);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the right UTCTimestamp for runs of timestamps close together, within a second and across seconds, days and years (property)', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799999 - 10_000_000 }), fc.array(fc.integer({ min: -2500, max: 2500 }), { minLength: 1, maxLength: 30 }), (first, steps) => {
        let millis = first;
        for (const step of [0, ...steps]) {
          millis = Math.max(0, millis + step);
          // 60: the same second or near it; 62: far from both (three seconds in turn through two cached ones).
          encoder.begin('D').utcTimestamp(52, millis).utcTimestamp(60, millis + 1).utcTimestamp(62, first).finish();
          const text = (at: number): string => {
            const iso = new Date(at).toISOString();
            return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
          };
          expect(encoder.toBuffer().toString('latin1')).toContain(`|52=${text(millis)}|60=${text(millis + 1)}|62=${text(first)}|`);
        }
      }),
      { numRuns: 1000 },
    );
    // The last millisecond of a year, then the first of the next, then the last again.
    const newYear = Date.UTC(2027, 0, 1);
    for (const at of [newYear - 1, newYear, newYear - 1]) {
      encoder.begin('D').utcTimestamp(52, at).finish();
      expect(encoder.toBuffer().toString('latin1')).toContain(`|52=${at < newYear ? '20261231-23:59:59.999' : '20270101-00:00:00.000'}|`);
    }
  });
});
