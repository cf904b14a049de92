// The byte-level LOBSTER readers (runtime/replay/lobster-message-reader.ts and
// lobster-orderbook-reader.ts) against the string parsers of runtime/book/lobster.ts:
// - differential property: files of valid and mutated lines, split into chunks of any
//   size; the reader accepts exactly the lines the reference parser accepts that are in
//   the strict grammar below (the reference also takes what Number() takes: blanks,
//   "1e3", "0x10", "+1", "", more than 9 decimals), with equal values and times in exact
//   ns; it stops at the first other line with ReplayInputError at that line's offset;
// - the sample files, read whole and in small chunks;
// - truncation at any byte and corruption of one byte.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lobsterLines, parseLobsterBookRow, parseLobsterMessage, type LobsterMessage } from '../../runtime/book/lobster.ts';
import { LobsterMessageReader } from '../../runtime/replay/lobster-message-reader.ts';
import { LobsterOrderbookReader } from '../../runtime/replay/lobster-orderbook-reader.ts';
import { ReplayInputError } from '../../runtime/replay/replay-source.ts';
import { dataPath } from '../helpers/shared-data.ts';

const STEM = 'lobster/AAPL_2012-06-21_34200000_57600000';
const MESSAGES = `${STEM}_message_10.first998.csv`;
const ORDERBOOK = `${STEM}_orderbook_10.first998.csv`;

/** The reader's grammar: seconds with at most 9 decimals, then five plain integers. */
const STRICT_LINE = /^\d+(\.\d{1,9})?(,-?\d+){5}$/;

const dir = mkdtempSync(path.join(tmpdir(), 'lobster-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function writeTemp(content: string | Buffer): string {
  const file = path.join(dir, `f${files++}.csv`);
  writeFileSync(file, content);
  return file;
}

interface ReadResult {
  events: Array<[number, number, number, number, number, number]>;
  error: ReplayInputError | undefined;
}

function readAll(file: string, chunkBytes?: number): ReadResult {
  const reader = new LobsterMessageReader(file, { chunkBytes });
  const events: ReadResult['events'] = [];
  try {
    while (reader.next()) {
      const e = reader.event;
      events.push([e.timeOfDayNs, e.type, e.orderId, e.size, e.price, e.direction]);
    }
    return { events, error: undefined };
  } catch (error) {
    if (!(error instanceof ReplayInputError)) throw error;
    return { events, error };
  } finally {
    reader.close();
  }
}

/** The reference parser's message, or undefined if it rejects the line. */
function reference(line: string): LobsterMessage | undefined {
  try {
    return parseLobsterMessage(line, 1);
  } catch {
    return undefined;
  }
}

/** Exact ns of a decimal seconds string, by integer arithmetic. */
function exactNs(time: string): bigint {
  const [whole, fraction = ''] = time.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0') || '0');
}

/** What the reader must make of one line (as it sees it, line end removed): its event, or undefined. */
function expected(line: string): ReadResult['events'][number] | undefined {
  const message = reference(line);
  if (message === undefined || !STRICT_LINE.test(line)) return undefined;
  const ns = exactNs(line.split(',')[0]);
  if (ns > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  // The reference's float seconds agree with the exact ns to well under 1 ns.
  expect(Math.round(message.time * 1e9)).toBe(Number(ns));
  return [Number(ns), message.type, message.orderId, message.size, message.price, message.direction];
}

const time = fc
  .tuple(fc.integer({ min: 0, max: 86_399 }), fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }))
  .map(([seconds, fraction]) => (fraction === undefined ? `${seconds}` : `${seconds}.${fraction}`));
const validLine = fc
  .tuple(
    time,
    fc.integer({ min: 1, max: 7 }),
    fc.integer({ min: 0, max: 2 ** 40 }),
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.integer({ min: -1, max: 99_999_999 }),
    fc.constantFrom(1, -1),
  )
  .map((fields) => fields.join(','));
/** A valid line with a few characters inserted, replaced or deleted (never a newline). */
const mutatedLine = fc
  .tuple(
    validLine,
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('insert', 'replace', 'delete'), fc.constantFrom(...'0123456789,.-+ e\rx\t\0'.split(''))),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([line, edits]) => {
    let text = line;
    for (const [at, edit, char] of edits) {
      const i = at % (text.length + 1);
      text = edit === 'insert' ? text.slice(0, i) + char + text.slice(i) : text.slice(0, i) + (edit === 'replace' ? char : '') + text.slice(i + 1);
    }
    return text;
  });
const oddLine = fc.oneof(
  fc.constantFrom('', ' ', ',,,,,', '1e3,1,1,1,1,1', '0x10,1,1,1,1,1', '1.,1,1,1,1,1', '.5,1,1,1,1,1', '1,1,,1,1,1', '1,+1,1,1,1,1'),
  fc.constantFrom('1.1234567890,1,1,1,1,1', '99999999,1,1,1,1,1', '1,1,9007199254740993,1,1,1', '1,8,1,1,1,1', '1,1,1,1,1,0'),
);

describe('LobsterMessageReader against parseLobsterMessage', () => {
  it('reads exactly the lines of the strict grammar the reference accepts, equal, and stops at the first other one at its offset', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 6, arbitrary: validLine }, { weight: 3, arbitrary: mutatedLine }, { weight: 1, arbitrary: oddLine }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 96, max: 4096 }),
        (generated, eol, finalEol, chunkBytes) => {
          // An empty last line with no line end is no line: the file just ends after a newline.
          const lines = !finalEol && generated.at(-1) === '' ? generated.slice(0, -1) : generated;
          const content = lines.join(eol) + (finalEol ? eol : '');
          const result = readAll(writeTemp(content), chunkBytes);
          let offset = 0;
          for (let index = 0; index < lines.length; index++) {
            // The reader strips one "\r" before "\n" or at the end of the file.
            const seen = lines[index].endsWith('\r') && (eol === '\n' || (index === lines.length - 1 && !finalEol)) ? lines[index].slice(0, -1) : lines[index];
            const event = expected(seen);
            if (event === undefined) {
              expect(result.events).toHaveLength(index);
              expect(result.error?.offset).toBe(offset);
              expect(result.error?.message).toContain(`line ${index + 1}:`);
              return;
            }
            expect(result.events[index]).toEqual(event);
            offset += lines[index].length + eol.length;
          }
          expect(result.error).toBeUndefined();
          expect(result.events).toHaveLength(lines.length);
        },
      ),
      { numRuns: 400, endOnFailure: true },
    );
  });

  it('reads every valid line the reference reads, times exact to the nanosecond', () => {
    fc.assert(
      fc.property(validLine, (line) => {
        const result = readAll(writeTemp(line));
        expect(result.error).toBeUndefined();
        expect(result.events).toEqual([expected(line)]);
      }),
      { numRuns: 200, endOnFailure: true },
    );
    expect(readAll(writeTemp('34200.000000001,1,5,10,5853300,1\n')).events[0][0]).toBe(34_200_000_000_001);
    expect(readAll(writeTemp('86399.999999999,1,5,10,5853300,-1')).events[0][0]).toBe(86_399_999_999_999);
  });

  it('names the problem and the line in its error', () => {
    const problem = (text: string) => readAll(writeTemp(text)).error?.message;
    expect(problem('1,1,1,1,1,1\n34200.1,1,5,10,1000\n')).toMatch(/at byte 12: line 2: expected 6 fields, found 5 in "34200.1,1,5,10,1000"/);
    expect(problem('34200.1,9,5,10,1000,1')).toMatch(/line 1: unknown event type 9/);
    expect(problem('34200.1,1,5,x,1000,1')).toMatch(/line 1: malformed size \(field 4 of 6\)/);
    expect(problem('34200.1,1,5,1,1000,0')).toMatch(/direction 0 is neither 1 nor -1/);
    expect(problem('34200.1234567891,1,5,1,1000,1')).toMatch(/malformed time/);
    expect(problem('1,1,1,1,1,1\n\n1,1,1,1,1,1\n')).toMatch(/at byte 12: line 2: empty line/);
  });
});

describe('LOBSTER sample files', () => {
  const messageText = readFileSync(dataPath(MESSAGES), 'latin1');
  const messageLines = lobsterLines(messageText);

  it('reads all 999 messages as the reference parses them, in any chunk size', () => {
    const whole = readAll(dataPath(MESSAGES));
    expect(whole.error).toBeUndefined();
    expect(whole.events).toEqual(messageLines.map((line) => expected(line)));
    for (const chunkBytes of [64, 100, 777]) expect(readAll(dataPath(MESSAGES), chunkBytes)).toEqual(whole);
  });

  it('reads all 999 orderbook rows as parseLobsterBookRow does', () => {
    const rows = lobsterLines(readFileSync(dataPath(ORDERBOOK), 'latin1'));
    for (const chunkBytes of [undefined, 512]) {
      const reader = new LobsterOrderbookReader(dataPath(ORDERBOOK), chunkBytes);
      let count = 0;
      while (reader.next()) {
        expect(reader.row).toEqual(parseLobsterBookRow(rows[count], count + 1));
        count++;
      }
      reader.close();
      expect(count).toBe(999);
    }
  });

  it('a file cut at any byte: every whole line before the cut, then the cut line read if complete, else an error at its offset', () => {
    const bytes = Buffer.from(messageText, 'latin1');
    const lineStarts = [0];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lineStarts.push(i + 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length }), fc.constantFrom(undefined, 128), (cut, chunkBytes) => {
        const result = readAll(writeTemp(bytes.subarray(0, cut)), chunkBytes);
        const cutLine = lineStarts.findLastIndex((start) => start <= cut);
        const before = messageLines.slice(0, cutLine).map((line) => expected(line));
        const rest = bytes.subarray(lineStarts[cutLine], cut).toString('latin1');
        if (rest === '' || expected(rest) !== undefined) {
          expect(result.error).toBeUndefined();
          expect(result.events).toEqual(rest === '' ? before : [...before, expected(rest)]);
        } else {
          expect(result.events).toEqual(before);
          expect(result.error?.offset).toBe(lineStarts[cutLine]);
          expect(result.error?.message).toContain(`line ${cutLine + 1}:`);
        }
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });

  it('one corrupted byte stops the reader at the start of its line, after every line before it', () => {
    const bytes = Buffer.from(messageText, 'latin1');
    for (const [at, value] of [
      [20_000, 'x'],
      [20_001, '\0'],
      [bytes.length - 1, ','],
    ] as const) {
      const corrupted = Buffer.from(bytes);
      corrupted[at] = value.charCodeAt(0);
      const result = readAll(writeTemp(corrupted));
      const lineStart = corrupted.lastIndexOf(0x0a, at) + 1;
      const line = messageText.slice(0, lineStart).split('\n').length;
      expect(result.error?.offset).toBe(lineStart);
      expect(result.error?.message).toContain(`line ${line}:`);
      expect(result.events).toEqual(messageLines.slice(0, line - 1).map((text) => expected(text)));
    }
  });

  it('a line longer than the chunk is an error at its offset', () => {
    const result = readAll(writeTemp(`${messageLines[0]}\n${'1'.repeat(200)}\n`), 128);
    expect(result.events).toHaveLength(1);
    expect(result.error?.offset).toBe(messageLines[0].length + 1);
    expect(result.error?.message).toMatch(/line 2 is longer than 128 bytes/);
  });
});

describe('LobsterOrderbookReader errors', () => {
  function rowsError(text: string): string | undefined {
    const reader = new LobsterOrderbookReader(writeTemp(text));
    try {
      while (reader.next());
      return undefined;
    } catch (error) {
      return error instanceof ReplayInputError ? error.message : String(error);
    } finally {
      reader.close();
    }
  }

  it('names the line and field', () => {
    expect(rowsError('1,2,3')).toMatch(/at byte 0: line 1: expected 4 fields per level, found 3/);
    expect(rowsError('1,2,3,4\n1,2,3\n')).toMatch(/at byte 8: line 2: 3 fields, expected 4/);
    expect(rowsError('1,2,3,4\n1,2,3,4,5\n')).toMatch(/line 2: more than 4 fields/);
    expect(rowsError('1,2,3,4\n1,2x,3,4\n')).toMatch(/line 2: malformed field 2/);
    expect(rowsError('1,2,3,4\n1,2,3,4')).toBeUndefined();
  });
});
