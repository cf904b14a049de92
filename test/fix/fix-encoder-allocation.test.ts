// A whole message (strings, chars, ints, scaled and rounded prices, a timestamp) is encoded
// without allocating in steady state: heap growth per message after a warm-up and a full
// collection. A file of its own, so that no other test has fed the encoder values of other
// shapes (a call with a double that optimized code no longer expects boxes it).
import { describe, expect, it } from 'vitest';
import { measureAllocation } from '../../bench/lib/heap-allocation.ts';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';

describe('FixEncoder allocation', () => {
  it('encodes a NewOrderSingle with prices and a timestamp in less than a byte per message', () => {
    const encoder = new FixEncoder();
    // Constant doubles are heap numbers already: passing them boxes nothing, so what shows is the encoder's own.
    const encode = (messages: number): void => {
      for (let i = 0; i < messages; i++) {
        encoder.begin('D').string(49, 'CLIENT').string(56, 'VENUE').int(34, i).utcTimestamp(52, 1_764_045_000_123).string(11, 'order-1').char(54, '1');
        encoder.int(38, 100 + (i & 1023)).scaledPrice(44, 1_012_500 + (i & 1023), 4).price(99, 101.25, 2).price(640, 0.30000000000000004, 8).finish();
      }
    };
    // The first rounds warm up; a per-message allocation (a Date, a string) shows in every round.
    let least = Infinity;
    for (let round = 0; round < 5; round++) {
      const { bytes } = measureAllocation(() => encode(200_000));
      if (round >= 2) least = Math.min(least, bytes);
    }
    expect(least / 200_000).toBeLessThan(1);
    expect(encoder.toBuffer().toString('latin1')).toContain('\x0152=20251125-04:30:00.123\x01');
  });
});
