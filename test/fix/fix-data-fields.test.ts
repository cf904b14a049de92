// DATA fields: a RawData value holding the delimiter is read by its RawDataLength, written
// by the encoder the same way, and a wrong length is reported, never mis-split.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataFieldsOf, STANDARD_DATA_FIELDS } from '../../runtime/fix/fix-data-fields.ts';
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { dataPath } from '../helpers/shared-data.ts';

describe('FIX DATA fields', () => {
  it('derives the length/data pairs from the FIX 4.4 dictionary', () => {
    const pairs = dataFieldsOf(loadFixDictionary(dataPath('fix/dictionaries/FIX44.xml')));
    expect(pairs).toEqual(new Map(STANDARD_DATA_FIELDS));
  });

  it('round-trips data holding delimiters, and reports a wrong length', () => {
    const encoder = new FixEncoder();
    const raw = Buffer.from('a\x01b=c\x0110=000\x01', 'latin1');
    encoder.begin('A').int(98, 0).data(95, 96, raw).int(108, 30).finish();
    const view = new FixParser().parse(encoder.buffer, encoder.start, encoder.end);
    expect(view.getString(96)).toBe(raw.toString('latin1'));
    expect(view.getInt(108)).toBe(30);

    const text = encoder.toBuffer().toString('latin1').replace(`95=${raw.length}`, `95=${raw.length - 1}`);
    const head = text.slice(0, text.lastIndexOf('10='));
    const fixedLength = head.replace(/9=\d+/, `9=${head.length - head.indexOf('35=')}`);
    let sum = 0;
    for (const c of fixedLength) sum += c.charCodeAt(0);
    const bad = Buffer.from(`${fixedLength}10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1');
    expect(() => new FixParser().parse(bad)).toThrow(FixError);
    // With no data pairs configured the delimiter inside RawData splits it into fields.
    expect(() => new FixParser({ dataFields: new Map() }).parse(encoder.buffer, encoder.start, encoder.end)).toThrow(FixError);
  });

  it('round-trips arbitrary data bytes', () => {
    const encoder = new FixEncoder({ delimiter: '|' });
    const parser = new FixParser({ delimiter: '|' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        encoder.begin('B').data(354, 355, bytes).string(58, 'after').finish();
        const view = parser.parse(encoder.buffer, encoder.start, encoder.end);
        const index = view.indexOf(355);
        expect(Buffer.from(encoder.buffer.subarray(view.valueStarts[index], view.valueEnds[index]))).toEqual(Buffer.from(bytes));
        expect(view.getString(58)).toBe('after');
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });
});
