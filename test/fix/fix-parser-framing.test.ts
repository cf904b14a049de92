// FixParserOptions.skipFramingChecks: off by default (BodyLength and CheckSum are checked);
// on, a message with wrong framing values parses to the same fields, and the last field must
// still be CheckSum (10).
import { describe, expect, it } from 'vitest';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import type { FixMessageView } from '../../runtime/fix/fix-message-view.ts';

const BODY = '35=A|34=1|49=A|56=B|52=20240102-03:04:05.678|98=0|108=30|95=6|96=a|10=b|141=Y|';

/** A '|' message with correct BodyLength and CheckSum (over the '|' bytes). */
function framed(body: string): string {
  const head = `8=FIX.4.4|9=${body.length}|${body}`;
  let sum = 0;
  for (const byte of Buffer.from(head, 'latin1')) sum += byte;
  return `${head}10=${String(sum & 0xff).padStart(3, '0')}|`;
}

function fieldsOf(view: FixMessageView): string[] {
  const fields: string[] = [];
  for (let i = 0; i < view.count; i++) fields.push(`${view.tags[i]}=${view.stringAt(i)}`);
  return fields;
}

function codeOf(parser: FixParser, text: string): string {
  try {
    parser.parse(Buffer.from(text, 'latin1'));
  } catch (error) {
    if (error instanceof FixError) return error.code;
    throw error;
  }
  return 'parsed';
}

describe('FixParser skipFramingChecks', () => {
  const good = framed(BODY);
  const wrongLength = good.replace(`9=${BODY.length}|`, `9=${BODY.length + 7}|`);
  const wrongSum = good.replace(/10=\d{3}\|$/, '10=49|');
  const strict = new FixParser({ delimiter: '|' });
  const lenient = new FixParser({ delimiter: '|', skipFramingChecks: true });

  it('is off by default: wrong BodyLength and CheckSum are errors', () => {
    expect(codeOf(strict, good)).toBe('parsed');
    expect(codeOf(strict, wrongLength)).toBe('BadBodyLength');
    expect(codeOf(strict, wrongSum)).toBe('BadCheckSum');
    expect(codeOf(strict, good.replace(/10=\d{3}\|$/, '10=000|'))).toBe('BadCheckSum');
  });

  it('when on, parses wrong framing values to the same fields (RawData holding "|10=" included)', () => {
    const expected = fieldsOf(strict.parse(Buffer.from(good, 'latin1')));
    expect(expected).toContain('96=a|10=b');
    expect(fieldsOf(lenient.parse(Buffer.from(good, 'latin1')))).toEqual(expected);
    expect(fieldsOf(lenient.parse(Buffer.from(wrongLength, 'latin1')))).toEqual(expected.map((field) => field.startsWith('9=') ? `9=${BODY.length + 7}` : field));
    const view = lenient.parse(Buffer.from(wrongSum, 'latin1'));
    expect(view.getString(10)).toBe('49');
    expect(fieldsOf(view).slice(0, -1)).toEqual(expected.slice(0, -1));
  });

  it('when on, still wants CheckSum last, a closing delimiter and MsgType third', () => {
    expect(codeOf(lenient, good.replace(/10=\d{3}\|$/, ''))).toBe('BadCheckSum');
    expect(codeOf(lenient, good.slice(0, -1))).toBe('Truncated');
    expect(codeOf(lenient, '8=FIX.4.4|9=5|49=A|35=0|10=000|')).toBe('BadMsgType');
    expect(codeOf(lenient, '8=FIX.4.4|9=5|10=000|')).toBe('BadMsgType');
  });
});
