// FIX diagnostics scored against a labelled corpus: the valid messages of two real FIX 4.4
// sessions, and random messages, corrupted systematically (cut at every byte, CheckSum
// dropped, BodyLength and CheckSum wrong, '=' removed, letters and other junk in tags, …).
// Each corruption must get exactly its own error code, from the parser given the message
// alone and from the framer given it between two good messages, however the stream is cut
// (the good neighbours still come out whole); and `fix decode` reports each in the one form
// its help documents, numbered and placed in the input, whichever of the two found it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STANDARD_DATA_FIELDS } from '../../runtime/fix/fix-data-fields.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixFramer } from '../../runtime/fix/fix-framer.ts';
import { FixLogDecoder } from '../../runtime/fix/fix-log-decoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { type Corruption, type FixParts, bodyEndOf, fieldCorruptions, framed, framingCorruptions, partsOf, truncations } from './fix-corruptions.ts';
import { readFixLines, soh } from './fix-data.ts';

const samples = [
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt'),
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/jsfix.test_client.txt'),
].map(soh);

const parser = new FixParser();

/** The code the parser gives the bytes, 'parsed' if none. */
function parseCode(bytes: Buffer): string {
  try {
    parser.parse(bytes);
  } catch (error) {
    if (error instanceof FixError) return error.code;
    throw error;
  }
  return 'parsed';
}

function parseError(bytes: Buffer): FixError {
  try {
    parser.parse(bytes);
  } catch (error) {
    if (error instanceof FixError) return error;
    throw error;
  }
  throw new Error(`${bytes.toString('latin1')} parsed`);
}

/** Every corruption of one valid message. */
function corruptionsOf(message: Buffer): Corruption[] {
  const parts = partsOf(message);
  return [...truncations(message), ...framingCorruptions(message), ...parts.fields.slice(1).flatMap((_, i) => fieldCorruptions(parts, i + 1))];
}

/**
 * Frames `stream` cut at `points` and parses what it frames: the codes of every report (the
 * framer's and the parser's, in order) and the messages that parsed.
 */
function readStream(stream: Buffer, points: number[]): { codes: string[]; parsed: string[] } {
  const codes: string[] = [];
  const parsed: string[] = [];
  const framer: FixFramer = new FixFramer({
    onMessage: (buffer, start, end) => {
      try {
        parser.parse(buffer, start, end);
        parsed.push(buffer.toString('latin1', start, end));
      } catch (error) {
        if (!(error instanceof FixError)) throw error;
        codes.push(error.code);
        // A message cut short where the next begins: frame that one too.
        if (error.code === 'Truncated') framer.resumeAt(error.offset);
      }
    },
    onError: (error) => codes.push(error.code),
  });
  pushCut(stream, points, (chunk) => framer.push(chunk));
  framer.end();
  return { codes, parsed };
}

/** Hands `stream` to `push` in pieces cut at `points` (taken modulo its length, in order). */
function pushCut(stream: Buffer, points: number[], push: (chunk: Buffer) => void): void {
  const sorted = [...new Set(points.map((point) => point % (stream.length + 1)))].sort((a, b) => a - b);
  let last = 0;
  for (const point of [...sorted, stream.length]) {
    push(stream.subarray(last, point));
    last = point;
  }
}

describe('FixParser diagnostics on a labelled corpus of corrupted session messages', () => {
  it('a message cut at every byte is Truncated, except cut exactly where CheckSum begins: MissingCheckSum', () => {
    let checked = 0;
    for (const message of samples) {
      for (const { name, bytes, code } of truncations(message)) {
        expect(parseCode(bytes), `${name} of ${message.toString('latin1')}`).toBe(code);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(9_000);
  });

  it('a dropped CheckSum, a wrong BodyLength and a wrong CheckSum each get their own code', () => {
    for (const message of samples) {
      for (const { name, bytes, code } of framingCorruptions(message)) expect(parseCode(bytes), `${name} of ${message.toString('latin1')}`).toBe(code);
    }
  });

  it("a field without '=', a tag that is no number, and 8, 9 or 10 in the body each get their own code", () => {
    for (const message of samples) {
      const parts = partsOf(message);
      for (let index = 1; index < parts.fields.length; index++) {
        for (const { name, bytes, code } of fieldCorruptions(parts, index)) expect(parseCode(bytes), `${name} of ${message.toString('latin1')}`).toBe(code);
      }
    }
  });

  it('names what was seen: the body size BodyLength promises and the one the bytes have', () => {
    const message = samples[1];
    const text = message.toString('latin1');
    const bodyStart = text.indexOf('\x01', text.indexOf('\x019=') + 1) + 1;
    const bodyEnd = bodyEndOf(message);
    const body = bodyEnd - bodyStart;
    const cut = parseError(message.subarray(0, bodyStart + 20));
    expect(cut.message).toMatch(new RegExp(`^Truncated at byte ${bodyStart + 20}: the message ends after 20 of the ${body} body bytes BodyLength promises`));
    const missing = parseError(message.subarray(0, bodyEnd));
    expect(missing.message).toMatch(new RegExp(`^MissingCheckSum at byte ${bodyEnd}: the body ends where BodyLength ${body} says, but no CheckSum \\(10\\) follows`));
    const longer = parseError(Buffer.from(text.replace(`\x019=${body}\x01`, `\x019=${body + 5}\x01`), 'latin1'));
    expect(longer.message).toMatch(new RegExp(`^BadBodyLength at byte \\d+: BodyLength is ${body + 5}, but CheckSum \\(10\\) begins ${body} bytes after it: the body is ${body} bytes`));
    const noEquals = parseError(framed({ begin: 'FIX.4.4', fields: ['35=0', '49A', '56=B'] }));
    expect(noEquals.message).toMatch(/^MissingEquals at byte \d+: field "49A" has no '='/);
    const letters = parseError(framed({ begin: 'FIX.4.4', fields: ['35=0', '4garbled9=A', '56=B'] }));
    expect(letters.message).toMatch(/^BadTag at byte \d+: tag "4garbled9" is not a number/);
  });
});

describe('FixFramer diagnostics on the same corpus, between two good messages', () => {
  const before = samples[0];
  const after = samples[2];

  it('reports each corruption with exactly its code, and both neighbours come out whole, however the stream is cut', () => {
    const cases = samples.flatMap((message) => corruptionsOf(message).filter((corruption) => corruption.bytes.length > 0).map((corruption) => ({ message, corruption })));
    fc.assert(
      fc.property(fc.nat({ max: cases.length - 1 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (which, points, last) => {
        const { message, corruption } = cases[which];
        // Last: nothing follows the corrupted message, the input ends after it.
        const stream = Buffer.concat(last ? [before, corruption.bytes] : [before, corruption.bytes, after]);
        const { codes, parsed } = readStream(stream, points);
        expect(codes, `${corruption.name} of ${message.toString('latin1')}`).toEqual([corruption.code]);
        expect(parsed).toEqual(last ? [before.toString('latin1')] : [before.toString('latin1'), after.toString('latin1')]);
      }),
      { numRuns: 3000, endOnFailure: true },
    );
  });

  it('fix decode reports each one as message 2 at its byte in the input, in the one documented form, whether the framer or the parser found it', () => {
    const format = /^message (\d+) \(byte (\d+) of the input\): ([A-Za-z]+) at byte (\d+) of the message: (.+)$/;
    const cases = samples.flatMap((message) => corruptionsOf(message).filter((corruption) => corruption.bytes.length > 0));
    fc.assert(
      fc.property(fc.nat({ max: cases.length - 1 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (which, points, last) => {
        const corruption = cases[which];
        const stream = Buffer.concat(last ? [before, corruption.bytes] : [before, corruption.bytes, after]);
        const reports: string[] = [];
        const decoder = new FixLogDecoder({ delimiter: '\x01', checksumOver: 'soh', dictionary: undefined, onMessage: () => undefined, onError: (line) => reports.push(line) });
        pushCut(stream, points, (chunk) => decoder.push(chunk));
        decoder.end();
        expect(reports, corruption.name).toHaveLength(1);
        const [, number, byte, code, inMessage, detail] = format.exec(reports[0]) ?? [reports[0]];
        expect([number, byte, code], `${corruption.name}: ${reports[0]}`).toEqual(['2', String(before.length), corruption.code]);
        expect(Number(inMessage), `${corruption.name}: ${reports[0]}`).toBeLessThanOrEqual(corruption.bytes.length);
        // A byte the detail names is one of the input, said so, and a new message really begins there.
        for (const [, named] of detail.matchAll(/at byte (\d+)/g)) expect(stream.toString('latin1', Number(named), Number(named) + 2), reports[0]).toBe('8=');
        expect(detail, reports[0]).not.toMatch(/at byte \d+(?!\d| of the input)/);
        expect(decoder.messages).toBe(last ? 1 : 2);
      }),
      { numRuns: 2000, endOnFailure: true },
    );
  });

  it('a cut at every byte of one message is reported with its code, uncut and cut', () => {
    for (const { name, bytes, code } of truncations(samples[3]).slice(1)) {
      for (const tail of [[after], []]) {
        const stream = Buffer.concat([before, bytes, ...tail]);
        expect(readStream(stream, []).codes, name).toEqual([code]);
        expect(readStream(stream, [before.length + 1, before.length + bytes.length - 1]).codes, name).toEqual([code]);
      }
    }
  });
});

/** Tags a random message may use: none of the framing tags, and no data field or its length (their values are sized). */
const dataTags = new Set([...STANDARD_DATA_FIELDS.keys(), ...STANDARD_DATA_FIELDS.values()]);
const randomTag = fc.integer({ min: 11, max: 99_999 }).filter((tag) => !dataTags.has(tag));
const randomValue = fc.stringMatching(/^[A-Za-z0-9 .:+\-/]{1,16}$/);
const randomMessage = fc
  .record({ msgType: fc.constantFrom('0', 'D', '8', 'X', 'AE'), fields: fc.array(fc.tuple(randomTag, randomValue), { minLength: 1, maxLength: 20 }) })
  .map(({ msgType, fields }): FixParts => ({ begin: 'FIX.4.4', fields: [`35=${msgType}`, ...fields.map(([tag, value]) => `${tag}=${value}`)] }));

describe('FIX diagnostics on random messages', () => {
  it('every corruption of a random message, at any cut, gets exactly its code from the parser and the framer', () => {
    fc.assert(
      fc.property(randomMessage, fc.nat(), fc.array(fc.nat(), { maxLength: 4 }), (parts, pick, points) => {
        const message = framed(parts);
        expect(parseCode(message)).toBe('parsed');
        const corruptions = corruptionsOf(message).filter((corruption) => corruption.bytes.length > 0);
        const { name, bytes, code } = corruptions[pick % corruptions.length];
        expect(parseCode(bytes), name).toBe(code);
        const stream = Buffer.concat([samples[0], bytes, samples[1]]);
        expect(readStream(stream, points), name).toEqual({ codes: [code], parsed: [samples[0], samples[1]].map((sample) => sample.toString('latin1')) });
      }),
      { numRuns: 2000, endOnFailure: true },
    );
  });
});
