// Fuzz: arbitrary bytes and mutated real messages fed to the parser, the typed accessors
// and the framer never crash and never hang, and the only error ever thrown is FixError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { FixFramer } from '../../runtime/fix/fix-framer.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { readFixLines, soh } from './fix-data.ts';

const samples = [
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt'),
  ...readFixLines('fix/jspurefix-examples/examples/FIX.4.4/jsfix.test_client.txt'),
].map(soh);
// One message with a RawData field holding delimiters, so mutations reach length-driven values.
const withData = new FixEncoder();
withData.begin('A').int(98, 0).data(95, 96, Buffer.from('x\x01y=1\x01', 'latin1')).int(108, 30).finish();
samples.push(withData.toBuffer());

/** Runs everything a consumer could do with the bytes; returns normally or throws FixError. */
function exercise(bytes: Buffer): void {
  const framer = new FixFramer({
    maxMessageBytes: 4096,
    onMessage: () => undefined,
    onError: (error) => expect(error).toBeInstanceOf(FixError),
  });
  framer.push(bytes.subarray(0, bytes.length >> 1));
  framer.push(bytes.subarray(bytes.length >> 1));
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
      try {
        read();
      } catch (error) {
        expect(error).toBeInstanceOf(FixError);
      }
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

  it('a correct message with repaired checksum after a value mutation still parses', () => {
    const text = samples[1].toString('latin1').replace('35=0', '35=1');
    const view = new FixParser().parse(fixChecksum(Buffer.from(text, 'latin1')));
    expect(view.getString(35)).toBe('1');
  });
});
