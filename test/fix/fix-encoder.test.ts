// Encoder tests: the sample sessions re-encoded field by field give the same fields, and
// generated messages survive encode → parse with every typed value intact (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import type { FixMessageView } from '../../runtime/fix/fix-message-view.ts';
import { readFixLines, soh } from './fix-data.ts';

function fields(view: FixMessageView): [number, string][] {
  const result: [number, string][] = [];
  for (let i = 0; i < view.count; i++) if (view.tags[i] !== 9 && view.tags[i] !== 10) result.push([view.tags[i], view.stringAt(i)]);
  return result;
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
    for (const line of lines) {
      const original = fields(parser.parse(soh(line)));
      encoder.begin(original[1][1]);
      for (const [tag, value] of original.slice(2)) encoder.string(tag, value);
      encoder.finish();
      const encoded = check.parse(encoder.buffer, encoder.start, encoder.end);
      expect(fields(encoded)).toEqual(original);
      // Where the sample's BodyLength is not zero-padded the bytes are identical.
      if (!line.includes('9=0')) expect(encoder.toBuffer().toString('latin1')).toBe(soh(line).toString('latin1'));
    }
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
    fc.record({ kind: fc.constant('string' as const), text: fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 20 }) }),
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
