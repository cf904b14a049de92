// The length-prefixed ITCH sample is derived from RITCH's file (data README §4): byte for
// byte the shared copy, and input it cannot frame is refused with the byte offset.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../helpers/shared-data.ts';
import { itchLengthPrefixed } from './itch-length-prefix.ts';

describe('itchLengthPrefixed', () => {
  it("turns RITCH's sample into the length-prefixed copy", () => {
    const original = readFileSync(dataPath('itch/ex20101224.TEST_ITCH_50'));
    expect(itchLengthPrefixed(original).equals(readFileSync(dataPath('itch/ex20101224.TEST_ITCH_50.lenprefixed')))).toBe(true);
    // The input is not changed, and framing a framed file changes nothing.
    expect(original.readUInt16BE(0)).toBe(0);
    expect(itchLengthPrefixed(itchLengthPrefixed(original)).equals(itchLengthPrefixed(original))).toBe(true);
  });

  it('refuses an unknown type, a wrong prefix and a cut message', () => {
    const systemEvent = Buffer.concat([Buffer.from([0, 0]), Buffer.from('S'), Buffer.alloc(11)]);
    expect(itchLengthPrefixed(systemEvent).readUInt16BE(0)).toBe(12);
    expect(() => itchLengthPrefixed(Buffer.concat([systemEvent, Buffer.from([0, 0, 0x7a])]))).toThrow('unknown ITCH message type 0x7a at byte 16');
    expect(() => itchLengthPrefixed(Buffer.concat([Buffer.from([0, 13]), systemEvent.subarray(2)]))).toThrow('ITCH prefix at byte 0 is 13, neither 0 nor the 12 bytes of a S message');
    expect(() => itchLengthPrefixed(systemEvent.subarray(0, 10))).toThrow('ITCH file ends inside a S message starting at byte 0');
    expect(() => itchLengthPrefixed(Buffer.concat([systemEvent, Buffer.from([0])]))).toThrow('ITCH file ends inside a message prefix at byte 14');
  });
});
