// What replay shows a person: the progress bar (only on a terminal) and the summary line.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatProgress, formatReplaySummary, startProgressBar } from '../../runtime/replay/replay-progress.ts';
import { ReplayInputError, type ReplaySource } from '../../runtime/replay/replay-source.ts';

afterEach(() => {
  vi.useRealTimers();
});

function fakeTerminal(isTTY: boolean, columns = 200): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, columns, written, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream & { written: string[] };
}

const source: ReplaySource = { description: 'capture x.mfcap', bytesRead: 3 * 1024 * 1024, totalBytes: 12 * 1024 * 1024, next: () => false, close: () => undefined };

describe('replay progress', () => {
  it('draws bytes read out of the total, records and rate', () => {
    const line = formatProgress({ bytesRead: 3 * 1024 * 1024, totalBytes: 12 * 1024 * 1024, records: 1_234_567, ratePerS: 456_789.4 });
    expect(line).toBe(`[${'#'.repeat(8)}${'-'.repeat(22)}]  25.0%  3.0 MiB / 12.0 MiB  1,234,567 records  456,789/s`);
    expect(formatProgress({ bytesRead: 0, totalBytes: 0, records: 0, ratePerS: 0 })).toMatch(/^\[-{30}\] {3}0\.0% {2}0 B \/ 0 B/);
  });

  it('redraws in place on a terminal and clears the line at the end; draws nothing elsewhere', () => {
    vi.useFakeTimers();
    const tty = fakeTerminal(true);
    const bar = startProgressBar(tty, source, () => 1000);
    vi.advanceTimersByTime(450);
    bar.stop();
    expect(tty.written).toHaveLength(3);
    expect(tty.written[0]).toMatch(/^\[#+-+\] +25\.0% .*1,000 records .*\[K\r$/);
    expect(tty.written[0].endsWith('\x1b[K\r')).toBe(true);
    expect(tty.written[2]).toBe('\x1b[K');
    // On a narrow terminal the line is cut short of the last column, so it never wraps.
    const narrow = fakeTerminal(true, 40);
    const cut = startProgressBar(narrow, source, () => 1000);
    vi.advanceTimersByTime(250);
    cut.stop();
    expect(narrow.written[0]).toBe(`${formatProgress({ bytesRead: source.bytesRead, totalBytes: source.totalBytes, records: 1000, ratePerS: 5000 }).slice(0, 39)}\x1b[K\r`);
    const pipe = fakeTerminal(false);
    const none = startProgressBar(pipe, source, () => 1000);
    vi.advanceTimersByTime(1000);
    none.stop();
    expect(pipe.written).toEqual([]);
  });

  it('sums up the run and what a source of events made of them', () => {
    expect(formatReplaySummary({ records: 20_000, durationS: 2, description: 'capture x.mfcap', error: undefined })).toBe(
      'replayed 20,000 records in 2.000 s (10,000 records/s) from capture x.mfcap\n',
    );
    // No rate from one record or a few microseconds: it would say more about the clock than the replay.
    expect(formatReplaySummary({ records: 1, durationS: 0, description: 'capture x.mfcap', error: undefined })).toBe('replayed 1 records in 0.000 s from capture x.mfcap\n');
    expect(formatReplaySummary({ records: 3, durationS: 0.000_004, description: 'c', error: undefined })).toBe('replayed 3 records in 0.000 s from c\n');
    // Sources of events say what they made of them, and warn of refused ones. Changes to orders
    // placed before the file starts are skipped for a reason that depends on how the book started.
    const events = { events: 998, rejected: 2, unseen: 7, seeded: true };
    expect(formatReplaySummary({ records: 485, durationS: 0.5, description: 'LOBSTER f.csv', error: undefined, events })).toBe(
      'replayed 485 records in 0.500 s (970 records/s) from LOBSTER f.csv\n' +
        '  998 events read, 2 refused, 7 for orders placed before the file starts that the orderbook file does not show (skipped)\n' +
        'warning: 2 events were refused (the book or the event itself was inconsistent) and changed nothing\n',
    );
    // Without an orderbook file nothing was seeded: those orders are unknown, not "below the seeded depth".
    const empty = formatReplaySummary({ records: 481, durationS: 0.5, description: 'L', error: undefined, events: { ...events, rejected: 0, unseen: 9, seeded: false } });
    expect(empty).toContain('  998 events read, 0 refused, 9 for orders placed before the file starts (skipped: without an orderbook file the book does not hold them)\n');
    expect(empty).not.toMatch(/seeded|orderbook file does not show/);
    expect(formatReplaySummary({ records: 485, durationS: 0.5, description: 'L', error: undefined, events: { ...events, rejected: 0 } })).not.toMatch(/warning/);
    // LOBSTER events deeper than the orderbook file shows are said, when there are any.
    expect(formatReplaySummary({ records: 485, durationS: 0.5, description: 'L', error: undefined, events: { ...events, deeperThanOrderbook: 0 } })).not.toMatch(/deeper/);
    expect(formatReplaySummary({ records: 485, durationS: 0.5, description: 'L', error: undefined, events: { ...events, deeperThanOrderbook: 1234 } })).toContain(
      '  998 events read, 2 refused, 7 for orders placed before the file starts that the orderbook file does not show (skipped), 1,234 at prices deeper than the orderbook file shows (applied, not checked against it)\n',
    );
  });

  it("on bad input says where the replay stopped, leaving the error itself to the CLI's last line", () => {
    const error = new ReplayInputError('x.mfcap', 65_808, 'truncated block 1: 40 of 65552 bytes (1024 records)');
    expect(formatReplaySummary({ records: 1024, durationS: 0.5, description: 'capture x.mfcap', error })).toBe(
      'replayed 1,024 records in 0.500 s (2,048 records/s) from capture x.mfcap\n' +
        'stopped at byte 65808 of x.mfcap by the error below: every record before it was published\n',
    );
  });
});
