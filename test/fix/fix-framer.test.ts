// Framer tests: a session log cut into chunks at arbitrary bytes gives back exactly the
// original messages; garbage between messages is reported and skipped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixError } from '../../runtime/fix/fix-error.ts';
import { FixFramer } from '../../runtime/fix/fix-framer.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { readFixLines, soh } from './fix-data.ts';

const lines = [
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt'),
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/jsfix.test_client.txt'),
];

function collect(delimiter: '\x01' | '|'): { framer: FixFramer; messages: string[]; errors: FixError[] } {
  const messages: string[] = [];
  const errors: FixError[] = [];
  const framer = new FixFramer({
    delimiter,
    onMessage: (buffer, start, end) => messages.push(buffer.toString('latin1', start, end)),
    onError: (error) => errors.push(error),
  });
  return { framer, messages, errors };
}

function cut(bytes: Buffer, points: number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let last = 0;
  for (const point of [...sorted, bytes.length]) {
    chunks.push(bytes.subarray(last, point));
    last = point;
  }
  return chunks;
}

describe('FixFramer', () => {
  const stream = Buffer.concat(lines.map(soh));

  it('frames a whole session delivered in one chunk', () => {
    const { framer, messages, errors } = collect('\x01');
    framer.push(stream);
    expect(messages).toEqual(lines.map((line) => soh(line).toString('latin1')));
    expect(errors).toEqual([]);
    expect(framer.buffered).toBe(0);
  });

  it('frames the session split at every byte', () => {
    const { framer, messages } = collect('\x01');
    for (let i = 0; i < stream.length; i++) framer.push(stream.subarray(i, i + 1));
    expect(messages).toHaveLength(lines.length);
    const parser = new FixParser();
    for (const message of messages) parser.parse(Buffer.from(message, 'latin1'));
  });

  it('frames the session split at arbitrary points', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (points) => {
        const { framer, messages, errors } = collect('\x01');
        for (const chunk of cut(stream, points)) framer.push(chunk);
        expect(messages).toHaveLength(lines.length);
        expect(messages.join('')).toBe(stream.toString('latin1'));
        expect(errors).toEqual([]);
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });

  it('reads a | log file with line ends and reports garbage between messages', () => {
    const { framer, messages, errors } = collect('|');
    const log = Buffer.from(`${lines[0]}\r\n${lines[1]}\nnoise here\n${lines[2]}\n`, 'latin1');
    for (const chunk of cut(log, [5, 100, 200, 201])) framer.push(chunk);
    expect(messages).toEqual([lines[0], lines[1], lines[2]]);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('BadBeginString');
    expect(errors[0].offset).toBe(log.indexOf('noise'));
  });

  it('reports a BodyLength that does not lead to CheckSum and resynchronises', () => {
    const { framer, messages, errors } = collect('\x01');
    const broken = soh(lines[1]).toString('latin1').replace('9=95', '9=90');
    framer.push(Buffer.concat([Buffer.from(broken, 'latin1'), soh(lines[2])]));
    expect(messages).toEqual([soh(lines[2]).toString('latin1')]);
    expect(errors.map((e) => e.code)).toEqual(['BadBodyLength']);
  });

  it('reports garbage once and does not take the 8= of a longer tag (108=, 58=) for a message start, however the stream is cut', () => {
    const broken = soh(lines.find((line) => line.includes('|108='))!.replace(/\|9=\d+\|/, '|9=5|'));
    const stream = Buffer.concat([broken, Buffer.from('58=noise 108=1\x01', 'latin1'), soh(lines[2])]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (points) => {
        const { framer, messages, errors } = collect('\x01');
        for (const chunk of cut(stream, points)) framer.push(chunk);
        expect(messages).toEqual([soh(lines[2]).toString('latin1')]);
        expect(errors.map((e) => [e.code, e.offset])).toEqual([['BadBodyLength', 0]]);
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });

  /** Frames `stream` cut at `points` with end() at the end: the messages and the errors' codes and offsets. */
  function frameAll(stream: Buffer, points: number[], options: { delimiter?: '\x01' | '|'; linePrefixes?: boolean } = {}): { messages: string[]; errors: [string, number][] } {
    const messages: string[] = [];
    const errors: [string, number][] = [];
    const framer = new FixFramer({
      delimiter: options.delimiter ?? '\x01',
      linePrefixes: options.linePrefixes ?? false,
      onMessage: (buffer, start, end) => messages.push(buffer.toString('latin1', start, end)),
      onError: (error) => errors.push([error.code, error.offset]),
    });
    for (const chunk of cut(stream, points)) framer.push(chunk);
    framer.end();
    expect(framer.buffered).toBe(0);
    return { messages, errors };
  }

  /** The same result however the stream is cut: the property every stream below must have. */
  function expectCutInvariant(stream: Buffer, expected: { messages: string[]; errors: [string, number][] }, options: { delimiter?: '\x01' | '|'; linePrefixes?: boolean } = {}): void {
    expect(frameAll(stream, [], options)).toEqual(expected);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (points) => {
        expect(frameAll(stream, points, options)).toEqual(expected);
      }),
      { numRuns: 200, endOnFailure: true },
    );
  }

  const good = [lines[1], lines[2], lines[3]].map((line) => soh(line).toString('latin1'));

  it('a sender that died mid-field ("34=12") loses no message that follows, even right after a digit, and the first is Truncated', () => {
    const stream = Buffer.from(`8=FIX.4.4\x019=30\x0135=D\x0134=12${good[0]}${good[1]}`, 'latin1');
    expectCutInvariant(stream, { messages: [good[0], good[1]], errors: [['Truncated', 0]] });
  });

  it('a line cut inside its BeginString does not swallow the next message, and is Truncated', () => {
    const stream = Buffer.from(`8=FIX.4\n${good[0]}`, 'latin1');
    expectCutInvariant(stream, { messages: [good[0]], errors: [['Truncated', 0]] });
    // Text that merely holds "8=" is no message either.
    expectCutInvariant(Buffer.from(`8=hello\x019=5\x01${good[0]}`, 'latin1'), { messages: [good[0]], errors: [['BadBeginString', 0]] });
  });

  it('a BodyLength too large: at the end of the input it is reported, and the messages it hid still come out', () => {
    // No CheckSum field before the next message: the first is taken for a message cut short.
    const stream = Buffer.from(`8=FIX.4.4\x019=5000\x0135=0\x01${good.join('')}`, 'latin1');
    expectCutInvariant(stream, { messages: good, errors: [['Truncated', 0]] });
    // With its CheckSum field, it is the BodyLength that is wrong.
    const withCheckSum = Buffer.from(`8=FIX.4.4\x019=5000\x0135=0\x0110=123\x01${good.join('')}`, 'latin1');
    expectCutInvariant(withCheckSum, { messages: good, errors: [['BadBodyLength', 0]] });
    // A last message cut short is reported at its start.
    const cutShort = Buffer.from(`${good[0]}${good[1].slice(0, 40)}`, 'latin1');
    expectCutInvariant(cutShort, { messages: [good[0]], errors: [['Truncated', good[0].length]] });
  });

  it('log lines that start with a time stamp: the prefix is skipped without an error when asked; a line of text is still an error', () => {
    const log = Buffer.from(
      `20241013-14:03:55.006 : ${lines[1]}\n20241013-14:03:55.107 : ${lines[2]}\nnot a message at all\n<outgoing> ${lines[3]}\n`,
      'latin1',
    );
    const messages = [lines[1], lines[2], lines[3]];
    const textLine = log.indexOf('not a message');
    expectCutInvariant(log, { messages, errors: [['BadBeginString', textLine]] }, { delimiter: '|', linePrefixes: true });
    // Without the option every prefix is garbage, reported once for each run of it (the text line and the prefix after it are one run).
    const plain = frameAll(log, [], { delimiter: '|' });
    expect(plain.messages).toEqual(messages);
    const secondLine = log.indexOf('\n') + 1;
    expect(plain.errors).toEqual([['BadBeginString', 0], ['BadBeginString', secondLine], ['BadBeginString', textLine]]);
  });
});
