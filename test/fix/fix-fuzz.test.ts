// Fuzz: arbitrary bytes and mutated real messages fed to the parser, the typed accessors,
// the framer, the dictionary-driven group decoder, validator and formatter, and mutated QuickFIX
// dictionaries fed to the dictionary loader, never crash and never hang, and the only error
// ever thrown is FixError.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadFixDictionary, parseFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { formatFixMessage } from '../../runtime/fix/fix-format.ts';
import { FixFramer } from '../../runtime/fix/fix-framer.ts';
import { decodeFixMessage } from '../../runtime/fix/fix-group-decoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { FixValidator } from '../../runtime/fix/fix-validator.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { readFixLines, soh } from './fix-data.ts';

const fix44 = loadFixDictionary(dataPath('fix/dictionaries/FIX44.xml'));
const validators = [new FixValidator(fix44), new FixValidator(fix44, { strict: true, maxFindings: 4 })];

const samples = [
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt'),
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/jsfix.test_client.txt'),
].map(soh);
// One message with a RawData field holding delimiters, so mutations reach length-driven values.
const withData = new FixEncoder();
withData.begin('A').int(98, 0).data(95, 96, Buffer.from('x\x01y=1\x01', 'latin1')).int(108, 30).finish();
samples.push(withData.toBuffer());
// The generated FIX 4.4 messages with deep repeating groups (CheckSum made right for SOH), so
// mutations reach the group decoder: counts, delimiters and nesting.
for (const line of readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fix.txt').slice(0, 20)) samples.push(fixChecksum(soh(line)));

/** Returns normally or throws FixError: nothing else is allowed out of the FIX code. */
function onlyFixError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FixError);
  }
}

/** Runs everything a consumer could do with the bytes; returns normally or throws FixError. */
function exercise(bytes: Buffer): void {
  for (const linePrefixes of [false, true]) {
    const framer = new FixFramer({
      maxMessageBytes: 4096,
      linePrefixes,
      onMessage: () => undefined,
      onError: (error) => expect(error).toBeInstanceOf(FixError),
    });
    framer.push(bytes.subarray(0, bytes.length >> 1));
    framer.push(bytes.subarray(bytes.length >> 1));
    framer.end();
    expect(framer.buffered).toBe(0);
  }
  let view;
  try {
    view = new FixParser().parse(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(FixError);
    return;
  }
  for (let i = 0; i < view.count; i++) {
    const tag = view.tags[i];
    for (const read of [() => view.getInt(tag), () => view.getPrice(tag), () => view.getScaledPrice(tag, 4), () => view.getChar(tag), () => view.getUtcTimestamp(tag), () => view.getString(tag)]) {
      onlyFixError(read);
    }
  }
  onlyFixError(() => decodeFixMessage(view, fix44));
  expect(typeof formatFixMessage(view, fix44)).toBe('string');
  for (const validator of validators) {
    const findings = validator.validate(view);
    for (let k = 0; k < findings; k++) {
      expect(validator.errorAt(k)).toBeInstanceOf(FixError);
      expect(validator.offsetAt(k)).toBeGreaterThanOrEqual(view.start);
      expect(validator.offsetAt(k)).toBeLessThan(view.end);
    }
  }
}

/** Sets the checksum of a mutated message right, so mutations reach the field parser. */
function fixChecksum(bytes: Buffer): Buffer {
  const at = bytes.lastIndexOf('\x0110=');
  if (at < 0 || at + 8 !== bytes.length) return bytes;
  let sum = 0;
  for (let i = 0; i <= at; i++) sum += bytes[i];
  bytes.write(String(sum & 0xff).padStart(3, '0'), at + 4, 'latin1');
  return bytes;
}

const fixAlphabet = fc.constantFrom(...[0x01, 0x7c, 0x3d, 0x2e, 0x2d, 0x3a, 0x0a, ...'0123456789810='.split('').map((c) => c.charCodeAt(0)), 0x41, 0xff]);

describe('FIX fuzz', () => {
  it('arbitrary bytes only ever produce FixError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.array(fixAlphabet, { maxLength: 300 }).map((a) => Uint8Array.from(a))), (bytes) => {
        exercise(Buffer.from(bytes));
        exercise(Buffer.concat([Buffer.from('8=FIX.4.4\x019=', 'latin1'), bytes]));
      }),
      { numRuns: 2000, endOnFailure: true },
    );
  });

  it('mutated sample messages only ever produce FixError', () => {
    const mutation = fc.record({
      sample: fc.nat({ max: samples.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.oneof(fixAlphabet, fc.integer({ min: 0, max: 255 })), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }),
      repairChecksum: fc.boolean(),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits, repairChecksum }) => {
        const bytes = [...samples[sample]];
        for (const [position, byte, kind] of edits) {
          const at = position % (bytes.length + 1);
          if (kind === 'set' && at < bytes.length) bytes[at] = byte;
          else if (kind === 'insert') bytes.splice(at, 0, byte);
          else bytes.splice(at, 1);
        }
        let buffer: Buffer = Buffer.from(bytes);
        if (repairChecksum) buffer = fixChecksum(buffer);
        exercise(buffer);
      }),
      { numRuns: 3000, endOnFailure: true },
    );
  });

  it('mutated QuickFIX dictionaries load or give FixError', () => {
    const lines = readFileSync(dataPath('fix/dictionaries/FIX42.xml'), 'utf8').split('\n');
    // Line-level edits (the files hold one element per line) keep much of the XML well formed,
    // so the loader's own checks are reached: unknown fields and components, groups without
    // members, repeated or missing elements; byte-level edits reach the XML reader.
    const lineEdit = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), line: fc.nat({ max: lines.length - 1 }) }),
      fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat({ max: lines.length - 1 }) }),
      fc.record({ kind: fc.constant('move' as const), line: fc.nat({ max: lines.length - 1 }), to: fc.nat({ max: lines.length - 1 }) }),
      fc.record({ kind: fc.constant('attribute' as const), line: fc.nat({ max: lines.length - 1 }), value: fc.oneof(fc.constantFrom('', 'Y', 'N', '0', '-1', 'NoMDEntries', 'Parties', 'X'), fc.string({ maxLength: 4 })) }),
      fc.record({ kind: fc.constant('bytes' as const), line: fc.nat({ max: lines.length - 1 }), at: fc.nat({ max: 80 }), text: fc.oneof(fc.constantFrom(...'<>/="\' !?-&;'.split('')), fc.string({ maxLength: 3 })), removed: fc.nat({ max: 6 }) }),
    );
    let loaded = 0;
    fc.assert(
      fc.property(fc.array(lineEdit, { minLength: 1, maxLength: 3 }), (edits) => {
        const edited = [...lines];
        for (const edit of edits) {
          const line = edited[edit.line % edited.length];
          if (edit.kind === 'delete') edited.splice(edit.line % edited.length, 1);
          else if (edit.kind === 'duplicate') edited.splice(edit.line % edited.length, 0, line);
          else if (edit.kind === 'move') edited.splice(edit.to % edited.length, 0, ...edited.splice(edit.line % edited.length, 1));
          else if (edit.kind === 'attribute') edited[edit.line % edited.length] = line.replace(/"[^"]*"/, JSON.stringify(edit.value));
          else edited[edit.line % edited.length] = line.slice(0, edit.at) + edit.text + line.slice(edit.at + edit.removed);
        }
        try {
          parseFixDictionary(edited.join('\n'));
          loaded++;
        } catch (error) {
          expect(error).toBeInstanceOf(FixError);
        }
      }),
      { numRuns: 200, endOnFailure: true },
    );
    // Both outcomes are exercised, not only the XML reader's rejections.
    expect(loaded).toBeGreaterThan(20);
    expect(loaded).toBeLessThan(200);
  });

  it('a correct message with repaired checksum after a value mutation still parses', () => {
    const text = samples[1].toString('latin1').replace('35=0', '35=1');
    const view = new FixParser().parse(fixChecksum(Buffer.from(text, 'latin1')));
    expect(view.getString(35)).toBe('1');
  });
});
