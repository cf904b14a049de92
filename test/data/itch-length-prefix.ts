// RITCH's sample ITCH 5.0 file puts a 2-byte 0x0000 before each message where Nasdaq's
// binary file framing puts the message's big-endian length (data README §4). The
// length-prefixed copy sets each prefix to that length, found from the message type.

/** Bytes after the prefix, per ITCH 5.0 message type (Nasdaq TotalView-ITCH 5.0 spec). */
const ITCH_MESSAGE_LENGTHS: Readonly<Record<string, number>> = {
  S: 12, R: 39, H: 25, Y: 20, L: 26, V: 35, W: 12, K: 28, J: 35, h: 21,
  A: 36, F: 40, E: 31, C: 36, X: 23, D: 19, U: 35, P: 44, Q: 40, B: 19, I: 50, N: 20, O: 48,
};

/** A copy of `original` with every message's 2-byte prefix set to its big-endian length. */
export function itchLengthPrefixed(original: Buffer): Buffer {
  const framed = Buffer.from(original);
  let offset = 0;
  while (offset < framed.length) {
    if (offset + 3 > framed.length) throw new Error(`ITCH file ends inside a message prefix at byte ${offset}`);
    const type = String.fromCharCode(framed[offset + 2]);
    const length = Object.hasOwn(ITCH_MESSAGE_LENGTHS, type) ? ITCH_MESSAGE_LENGTHS[type] : undefined;
    if (length === undefined) throw new Error(`unknown ITCH message type 0x${framed[offset + 2].toString(16).padStart(2, '0')} at byte ${offset + 2}`);
    const prefix = framed.readUInt16BE(offset);
    if (prefix !== 0 && prefix !== length) throw new Error(`ITCH prefix at byte ${offset} is ${prefix}, neither 0 nor the ${length} bytes of a ${type} message`);
    if (offset + 2 + length > framed.length) throw new Error(`ITCH file ends inside a ${type} message starting at byte ${offset}`);
    framed.writeUInt16BE(length, offset);
    offset += 2 + length;
  }
  return framed;
}
