// The OMS bench cases run (quick) and hand back rows in the bench report format: ours and the
// baseline for each case name the trading bench's JSON uses. Figures are not judged (no timing
// in tests), except that ours allocate under a byte per operation (noise of one run).
import { describe, expect, it } from 'vitest';
import { OMS_BASELINE, OMS_IMPL, omsRows } from '../../bench/trading/oms-cases.ts';

describe('OMS bench cases', () => {
  it('return a row per case and impl, with p50 and ops/s, and under a byte of heap per op for ours', { timeout: 120_000 }, () => {
    const rows = omsRows({ quick: true });
    expect(rows.map((r) => `${r.case}/${r.impl}`)).toEqual(['clordid', 'fill', 'position'].flatMap((c) => [`${c}/${OMS_IMPL}`, `${c}/${OMS_BASELINE}`]));
    for (const row of rows) {
      expect(row.p50_ns).toBeGreaterThan(0);
      expect(row.msgs_per_s).toBeGreaterThan(0);
    }
    for (const row of rows.filter((r) => r.impl === OMS_IMPL)) expect(row.heap_bytes_per_msg).toBeLessThan(1);
  });
});
