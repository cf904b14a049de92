import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClOrdIdGenerator } from '../../runtime/oms/clordid-generator.ts';

describe('ClOrdIdGenerator', () => {
  it('writes prefix + counter and parses it back; a ClOrdID of another run is not ours', () => {
    const g = new ClOrdIdGenerator({ nowMs: Date.UTC(2026, 11, 3, 20, 0, 0) });
    expect(g.prefix).toBe(g.prefixMs.toString(36).padStart(8, '0'));
    expect([g.next(), g.next(), g.last]).toEqual([1, 2, 2]);
    expect(g.format(2)).toBe(`${g.prefix}2`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.nat(5), (counter, at) => {
        const bytes = new Uint8Array(40);
        const end = g.write(counter, bytes, at);
        expect(Buffer.from(bytes.subarray(at, end)).toString('latin1')).toBe(`${g.prefix}${counter}`);
        expect(g.parse(bytes, at, end)).toBe(counter);
      }),
    );
    const other = new ClOrdIdGenerator({ nowMs: g.prefixMs + 1 });
    const bytes = Buffer.from(other.format(7), 'latin1');
    expect(g.parse(bytes, 0, bytes.length)).toBe(-1);
    for (const text of ['', g.prefix, `${g.prefix}x1`, `${g.prefix}01`, `X${g.prefix.slice(1)}5`, `${g.prefix}12345678901234567`]) {
      expect(g.parse(Buffer.from(text, 'latin1'), 0, text.length)).toBe(-1);
    }
  });

  it('is unique across restarts even when the clock went back: the prefix passes the last run', () => {
    const first = new ClOrdIdGenerator({ nowMs: 1_800_000_000_000 });
    const second = new ClOrdIdGenerator({ nowMs: 1_700_000_000_000, afterMs: first.prefixMs });
    const third = new ClOrdIdGenerator({ nowMs: 1_700_000_000_000, afterMs: second.prefixMs });
    expect(second.prefixMs).toBe(first.prefixMs + 1);
    expect(third.prefixMs).toBe(second.prefixMs + 1);
    const ids = new Set([first, second, third].flatMap((g) => [g.format(1), g.format(42)]));
    expect(ids.size).toBe(6);
    // Lexical order follows start order (fixed-width prefix).
    expect([third.prefix, first.prefix, second.prefix].sort()).toEqual([first.prefix, second.prefix, third.prefix]);
    expect(() => new ClOrdIdGenerator({ nowMs: 36 ** 8 })).toThrow('outside');
  });
});
