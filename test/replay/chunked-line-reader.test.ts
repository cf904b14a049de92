// ChunkedLineReader against String.split: lines of any length up to the chunk size, around
// it and past it, ended by "\n", "\r\n" or nothing at the end of the file. Every line that
// fits comes back byte for byte with its offset and number; the first one that does not is
// an error at its offset, after every line before it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkedLineReader } from '../../runtime/replay/chunked-line-reader.ts';
import { ReplayInputError } from '../../runtime/replay/replay-source.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'chunked-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

interface Line {
  text: string;
  offset: number;
}

function readAll(content: string, chunkBytes: number): { lines: Line[]; error: ReplayInputError | undefined } {
  const file = path.join(dir, `f${files++}.txt`);
  writeFileSync(file, content, 'latin1');
  const reader = new ChunkedLineReader(file, chunkBytes);
  const lines: Line[] = [];
  try {
    while (reader.next()) {
      expect(reader.lineNumber).toBe(lines.length + 1);
      lines.push({ text: reader.buffer.toString('latin1', reader.lineStart, reader.lineEnd), offset: reader.lineOffset });
    }
    expect(reader.bytesRead).toBe(Buffer.byteLength(content, 'latin1'));
    return { lines, error: undefined };
  } catch (error) {
    if (!(error instanceof ReplayInputError)) throw error;
    return { lines, error };
  } finally {
    reader.close();
  }
}

describe('ChunkedLineReader', () => {
  it('reads every line of up to the chunk size, whatever its line end; a longer one is an error at its offset', () => {
    const CHUNK = 16;
    const line = fc.record({
      // Lengths around the chunk size are the interesting ones.
      length: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: CHUNK - 2, max: CHUNK + 2 })),
      end: fc.constantFrom('\n', '\r\n'),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.boolean(), (specs, lastWithoutEnd) => {
        let content = '';
        const expected: Line[] = [];
        let firstTooLong: number | undefined;
        specs.forEach((spec, index) => {
          const text = String.fromCharCode(97 + (index % 26)).repeat(spec.length);
          const end = lastWithoutEnd && index === specs.length - 1 ? '' : spec.end;
          if (spec.length > CHUNK && firstTooLong === undefined) firstTooLong = content.length;
          if (firstTooLong === undefined) expected.push({ text, offset: content.length });
          content += text + end;
        });
        // A last empty line without its line end is no line at all.
        if (firstTooLong === undefined && lastWithoutEnd && expected.at(-1)?.text === '') expected.pop();
        const { lines, error } = readAll(content, CHUNK);
        expect(lines).toEqual(expected);
        expect(error?.offset).toBe(firstTooLong);
        if (error !== undefined) expect(error.message).toMatch(new RegExp(`line ${expected.length + 1} is longer than ${CHUNK} bytes`));
      }),
      { numRuns: 500, endOnFailure: true },
    );
  });
});
