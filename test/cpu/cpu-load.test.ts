import { describe, expect, it } from 'vitest';
import { cpuBusyShare, parseProcStat } from '../../runtime/cpu/cpu-load.ts';

const PROC_STAT = [
  'cpu  300 10 100 1000 20 5 5 0 40 0',
  'cpu0 100 0 50 600 10 2 3 0 40 0',
  'cpu1 200 10 50 400 10 3 2 0 0 0',
  'intr 12345 0 0',
  'ctxt 999',
].join('\n');

describe('CPU load from /proc/stat', () => {
  it('sums the chosen CPUs, or the whole machine, without counting guest time twice', () => {
    expect(parseProcStat(PROC_STAT)).toEqual({ idle: 1020, total: 1440 });
    expect(parseProcStat(PROC_STAT, [0])).toEqual({ idle: 610, total: 765 });
    expect(parseProcStat(PROC_STAT, [0, 1])).toEqual({ idle: 1020, total: 1440 });
  });

  it('is undefined for a CPU the file does not list', () => {
    expect(parseProcStat(PROC_STAT, [2])).toBeUndefined();
    expect(parseProcStat('')).toBeUndefined();
  });

  it('measures a share between 0 and 1 on this machine', async () => {
    const share = await cpuBusyShare(100, [0]);
    expect(share).toBeGreaterThanOrEqual(0);
    expect(share).toBeLessThanOrEqual(1);
  });
});
