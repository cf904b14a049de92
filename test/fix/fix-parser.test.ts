// Parser tests on the real sample sessions in ../shared/data/ and on hand-made bad
// messages: each validation failure is reported with its code and byte offset.
import { describe, expect, it } from 'vitest';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { readFixLines, soh } from './fix-data.ts';

const EXAMPLES = 'fix/jspurefix-examples/examples/FIX.4.4';

function withTrailer(body: string): Buffer {
  const head = `8=FIX.4.4\x019=${Buffer.byteLength(body, 'latin1')}\x01${body}`;
  let sum = 0;
  for (const byte of Buffer.from(head, 'latin1')) sum += byte;
  return Buffer.from(`${head}10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1');
}

function errorOf(action: () => unknown): FixError {
  try {
    action();
  } catch (error) {
    if (error instanceof FixError) return error;
    throw error;
  }
  throw new Error('expected a FixError');
}

describe('FixParser on sample sessions', () => {
  for (const file of ['fixsim/fix.txt', 'jsfix.test_client.txt']) {
    it(`parses every message of ${file} with SOH, BodyLength and CheckSum valid`, () => {
      const lines = readFixLines(`${EXAMPLES}/${file}`);
      expect(lines.length).toBeGreaterThanOrEqual(15);
      const parser = new FixParser();
      for (const line of lines) {
        const bytes = soh(line);
        const view = parser.parse(bytes);
        expect(view.getString(8)).toBe('FIX.4.4');
        expect(view.tags[2]).toBe(35);
        expect(view.getInt(34)).toBeGreaterThan(0);
        expect(Number.isFinite(view.getUtcTimestamp(52))).toBe(true);
        expect(view.tags[view.count - 1]).toBe(10);
        // The same line with '|' parses when its checksum is taken as over SOH.
        expect(new FixParser({ delimiter: '|', checksumOver: 'soh' }).parse(Buffer.from(line, 'latin1')).count).toBe(view.count);
      }
    });
  }

  it('parses the 50 generated messages of FIX.4.4/fix.txt (CheckSum over the | bytes)', () => {
    const lines = readFixLines(`${EXAMPLES}/fix.txt`);
    expect(lines).toHaveLength(50);
    const parser = new FixParser({ delimiter: '|' });
    const types = new Set<string>();
    for (const line of lines) {
      const view = parser.parse(Buffer.from(line, 'latin1'));
      types.add(view.getString(35));
      // Field count equals the number of '|' separators.
      expect(view.count).toBe(line.split('|').length - 1);
    }
    expect(types.size).toBeGreaterThan(10);
    // With SOH the stated checksums are (as the data README says) not valid.
    const failures = lines.filter((line) => {
      try {
        new FixParser().parse(soh(line));
        return false;
      } catch (error) {
        return error instanceof FixError && error.code === 'BadCheckSum';
      }
    });
    expect(failures.length).toBeGreaterThan(40);
  });
});

describe('FixParser validation', () => {
  const good = withTrailer('35=D\x0149=A\x0156=B\x0134=7\x0152=20240102-03:04:05.678\x0111=X1\x0155=AAPL\x0154=1\x0138=100\x0144=-12.3450\x0140=2\x01');

  it('reads typed values', () => {
    const view = new FixParser().parse(good);
    expect(view.getChar(35)).toBe('D');
    expect(view.getInt(38)).toBe(100);
    expect(view.getPrice(44)).toBe(-12.345);
    expect(view.getScaledPrice(44, 4)).toBe(-123450);
    expect(view.getScaledPrice(44, 3)).toBe(-12345);
    expect(view.getString(55)).toBe('AAPL');
    expect(view.getUtcTimestamp(52)).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  });

  it('reports missing and malformed values with the value offset', () => {
    const view = new FixParser().parse(good);
    expect(errorOf(() => view.getInt(999)).code).toBe('MissingField');
    const bad = errorOf(() => view.getInt(55));
    expect(bad.code).toBe('MalformedValue');
    expect(good.toString('latin1', bad.offset, bad.offset + 4)).toBe('AAPL');
    expect(errorOf(() => view.getScaledPrice(44, 2)).code).toBe('MalformedValue');
    expect(errorOf(() => view.getChar(55)).code).toBe('MalformedValue');
    expect(errorOf(() => view.getUtcTimestamp(55)).code).toBe('MalformedValue');
    const day = new FixParser().parse(withTrailer('35=0\x0152=20230229-00:00:00\x01'));
    expect(errorOf(() => day.getUtcTimestamp(52)).code).toBe('MalformedValue');
  });

  it('takes leading zeros of ints and trailing zeros of decimals for what they are, not as digits over the limit', () => {
    const view = new FixParser().parse(withTrailer('35=D\x0138=00000000000000000042\x0144=1.00000000000000000000\x0199=123.4500000000000000\x01100=-0007\x01101=0.000120\x01'));
    expect(view.getInt(38)).toBe(42);
    expect(view.getPrice(44)).toBe(1);
    expect(view.getPrice(99)).toBe(123.45);
    expect(view.getScaledPrice(99, 2)).toBe(12345);
    expect(view.getInt(100)).toBe(-7);
    expect(view.getPrice(101)).toBe(0.00012);
    expect(view.getScaledPrice(101, 5)).toBe(12);
    // Significant digits still count: 17 of them are more than a double holds exactly.
    const wide = new FixParser().parse(withTrailer('35=D\x0138=12345678901234567\x0144=1.2345678901234567\x01'));
    expect(errorOf(() => wide.getInt(38)).code).toBe('MalformedValue');
    expect(errorOf(() => wide.getPrice(44)).code).toBe('MalformedValue');
  });

  it('refuses a BeginString that is not FIX.n.m or FIXT.n.m, tags with leading zeros, and header or trailer tags in the body', () => {
    for (const begin of ['FIX.4.4', 'FIXT.1.1', 'FIX.5.0SP2', 'FIX.10.12']) {
      const body = '35=0\x01';
      const head = `8=${begin}\x019=${body.length}\x01${body}`;
      let sum = 0;
      for (const c of head) sum += c.charCodeAt(0);
      expect(new FixParser().parse(Buffer.from(`${head}10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1')).getString(8)).toBe(begin);
    }
    for (const begin of ['hello', 'FIX 4.4', 'FIX4.4', 'FIX.4', 'FIX.4.4 ', 'FIX.4.4SP', 'FIX.4.x']) {
      const text = good.toString('latin1').replace('8=FIX.4.4', `8=${begin}`);
      const error = errorOf(() => new FixParser().parse(Buffer.from(text, 'latin1')));
      expect([error.code, error.offset], begin).toEqual(['BadBeginString', 2]);
    }
    // 035=D would be taken for MsgType, and a second 10= would be read instead of the checked CheckSum.
    const leadingZero = errorOf(() => new FixParser().parse(withTrailer('35=D\x01035=8\x01')));
    expect([leadingZero.code, leadingZero.message]).toEqual(['BadTag', expect.stringMatching(/tag "035" is written with a leading zero/)]);
    for (const tag of [8, 9, 10]) {
      const misplaced = errorOf(() => new FixParser().parse(withTrailer(`35=D\x01${tag}=999\x01`)));
      expect([misplaced.code, misplaced.message], String(tag)).toEqual(['TagOutOfOrder', expect.stringMatching(new RegExp(`tag ${tag} belongs to the header or trailer`))]);
    }
  });

  it('reports which check failed and where', () => {
    const text = good.toString('latin1');
    const parser = new FixParser();
    const begin = errorOf(() => parser.parse(Buffer.from('X' + text.slice(1), 'latin1')));
    expect([begin.code, begin.offset]).toEqual(['BadBeginString', 0]);
    const length = errorOf(() => parser.parse(Buffer.from(text.replace('9=', '9=1'), 'latin1')));
    expect(length.code).toBe('BadBodyLength');
    expect(length.offset).toBe(text.indexOf('9=') + 2);
    const order = errorOf(() => parser.parse(Buffer.from(text.replace('9=', '7='), 'latin1')));
    expect(order.code).toBe('BadBodyLength');
    const sumAt = text.lastIndexOf('10=') + 3;
    const stated = Number(text.slice(sumAt, sumAt + 3));
    const wrong = text.slice(0, sumAt) + String((stated + 1) % 256).padStart(3, '0') + '\x01';
    const checksum = errorOf(() => parser.parse(Buffer.from(wrong, 'latin1')));
    expect([checksum.code, checksum.offset]).toEqual(['BadCheckSum', sumAt]);
    // BodyLength leads to "10=", so a short CheckSum is the CheckSum's fault, not the length's.
    const twoDigits = errorOf(() => parser.parse(Buffer.from(text.slice(0, sumAt) + '12\x01', 'latin1')));
    expect([twoDigits.code, twoDigits.offset, twoDigits.message]).toEqual(['BadCheckSum', sumAt, expect.stringMatching(/CheckSum is not 3 digits/)]);
    // Bytes that end inside the CheckSum are a message cut short, reported where they end.
    const cutInCheckSum = errorOf(() => parser.parse(Buffer.from(text.slice(0, sumAt + 1), 'latin1')));
    expect([cutInCheckSum.code, cutInCheckSum.offset]).toEqual(['Truncated', sumAt + 1]);
    const msgType = errorOf(() => parser.parse(withTrailer('49=A\x0135=D\x01')));
    expect(msgType.code).toBe('BadMsgType');
    const noEquals = errorOf(() => parser.parse(withTrailer('35=D\x01abc\x01')));
    expect(noEquals.code).toBe('MissingEquals');
  });
});
