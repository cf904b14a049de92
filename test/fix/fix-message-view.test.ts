// FixMessageView accessors by field index (how repeating-group entries, which repeat their
// tags, are read on the hot path) and UTCTimestamps computed without Date.UTC.
import { describe, expect, it } from 'vitest';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';

describe('FixMessageView', () => {
  it('reads every group entry by index with charAt and priceAt', () => {
    const encoder = new FixEncoder();
    encoder.begin('X').int(268, 3);
    for (const [type, units] of [['0', 723_300], ['1', 723_700], ['2', -5]] as const) encoder.char(269, type).scaledPrice(270, units, 4);
    const view = new FixParser().parse(encoder.finish(), encoder.start, encoder.end);
    const entries: [string, number][] = [];
    for (let i = 0; i < view.count; i++) if (view.tags[i] === 269) entries.push([view.charAt(i), view.priceAt(i + 1)]);
    expect(entries).toEqual([['0', 72.33], ['1', 72.37], ['2', -0.0005]]);
    const price = view.indexOf(270);
    expect(() => view.charAt(price)).toThrow(FixError);
    expect(() => view.priceAt(view.indexOf(35))).toThrow(FixError);
  });

  it('gives the same UTCTimestamp milliseconds as Date.UTC, leap days, century years and leap seconds included', () => {
    const cases = ['19700101-00:00:00', '20000229-23:59:59.999', '21000301-00:00:00.5', '19991231-23:59:60', '99991231-23:59:59.123456789', '20241013-14:09:45.12'];
    for (const text of cases) {
      const encoder = new FixEncoder();
      const view = new FixParser().parse(encoder.begin('D').string(60, text).finish(), encoder.start, encoder.end);
      const [, y, mo, d, h, mi, s, fraction = ''] = /^(\d{4})(\d\d)(\d\d)-(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(text)!;
      const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
      expect(view.getUtcTimestamp(60), text).toBe(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, millis));
    }
  });
});
