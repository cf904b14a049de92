// A FIX identifier (ExecID, OrderID) as a number key without building a string: decimal
// digits up to 2^52 are their own value; anything else (letters, longer) is hashed into
// [2^52, 2^53) — two FNV-1a 32-bit hashes with different offsets, 52 bits kept — so it cannot
// collide with a numeric one, and two distinct non-numeric ids collide with probability about
// n² / 2^53 (n ids in the window: 65,536 → 5 × 10^-7).
const TWO_52 = 2 ** 52;

export function fixValueKey(bytes: Uint8Array, start: number, end: number): number {
  if (end - start >= 1 && end - start <= 15) {
    let value = 0;
    let i = start;
    for (; i < end; i++) {
      const digit = bytes[i] - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === end) return value;
  }
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = start; i < end; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 0x01000193);
    h2 = Math.imul(h2 ^ bytes[i], 0x01000193) ^ (h2 >>> 15);
  }
  return TWO_52 + (h1 >>> 0) * 1048576 + ((h2 >>> 0) & 0xfffff);
}
