// `marketfeed audit show|verify FILE`, run as the real CLI on journals written by the writer:
// entries one a line (and as JSON), a clean verify, and exit 1 naming the offset of the first
// bad entry for a damaged entry and for a torn tail.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalAppender } from '../../runtime/journal/journal-appender.ts';
import { JournalKind } from '../../runtime/journal/journal-entry-layout.ts';
import { JOURNAL_FRAME_SIZE, JOURNAL_HEADER_SIZE, listJournalFiles } from '../../runtime/journal/journal-file.ts';
import { JournalWriter } from '../../runtime/journal/journal-writer.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import { killLeftoverProcesses, runCli } from '../helpers/cli.ts';
import { journalTempDir } from './journal-test-entries.ts';

const dirs: string[] = [];
afterEach(async () => {
  await killLeftoverProcesses();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A journal of an order sent, its fill, a cancel and a risk reject. */
function writeJournal(): string {
  const dir = journalTempDir();
  dirs.push(dir);
  const { ring } = allocateSharedRing({ capacity: 16, mode: 'backpressure', consumerSlots: 1 }, 1);
  const appender = new JournalAppender(ring);
  const writer = new JournalWriter(ring, { directory: dir, fsync: 'never' });
  appender.eventTime[0] = 1_000;
  appender.appendOrder(JournalKind.orderSent, 7, 1, 101, 10_050, 300, 0);
  appender.appendReport(7, 1, 101, 'F'.charCodeAt(0), '1'.charCodeAt(0), 10_049, 100, 100, 200, 0);
  appender.appendOrder(JournalKind.cancelSent, 7, 1, 102, 0, 0, 101);
  appender.appendRiskDecision(JournalKind.riskReject, 4, 9, 2, 103, 99, 5);
  writer.close();
  return listJournalFiles(dir)[0];
}

async function exitOf(run: ReturnType<typeof runCli>): Promise<number | null> {
  return (await run.exit).code;
}

describe('marketfeed audit', () => {
  it('show prints one entry a line, and one JSON object a line with --json', async () => {
    const file = writeJournal();
    const text = runCli(['audit', 'show', file]);
    expect(await exitOf(text)).toBe(0);
    expect(text.stdout).toHaveLength(4);
    expect(text.stdout[0]).toMatch(/^sequence=1 kind=orderSent monotonicNs=1000 wall=\S+ instrument=7 side=buy orderCounter=101 price=10050 quantity=300 /);
    expect(text.stdout[1]).toMatch(/kind=reportReceived .* execType=F ordStatus=1/);
    expect(text.stdout[2]).toMatch(/kind=cancelSent .* origOrderCounter=101/);
    const json = runCli(['audit', 'show', file, '--json']);
    expect(await exitOf(json)).toBe(0);
    const entries = json.stdout.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => e.kind)).toEqual(['orderSent', 'reportReceived', 'cancelSent', 'riskReject']);
    expect(entries[3]).toMatchObject({ sequence: 4, reason: 4, side: 'sell', instrument: 9, orderCounter: 103 });
  });

  it('verify passes a sound journal and exits 1 naming the offset of a damaged entry or a torn tail', async () => {
    const file = writeJournal();
    const ok = runCli(['audit', 'verify', file]);
    expect(await exitOf(ok)).toBe(0);
    expect(ok.stdout[0]).toMatch(/: 4 entries, sequences 1…4, \d+ bytes: OK$/);

    const bytes = fs.readFileSync(file);
    const second = JOURNAL_HEADER_SIZE + JOURNAL_FRAME_SIZE;
    bytes[second + 50] ^= 0x10;
    fs.writeFileSync(file, bytes);
    const damaged = runCli(['audit', 'verify', file]);
    expect(await exitOf(damaged)).toBe(1);
    expect(damaged.stderr.join('\n')).toContain(`bad entry at offset ${second}:`);
    const shown = runCli(['audit', 'show', file]);
    expect(await exitOf(shown)).toBe(1);
    expect(shown.stdout).toHaveLength(1); // the entry before the damage still prints

    bytes[second + 50] ^= 0x10;
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    const torn = runCli(['audit', 'verify', file]);
    expect(await exitOf(torn)).toBe(1);
    expect(torn.stderr.join('\n')).toContain(`bad entry at offset ${JOURNAL_HEADER_SIZE + 3 * JOURNAL_FRAME_SIZE}: torn tail`);

    const missing = runCli(['audit', 'verify', `${file}.absent`]);
    expect(await exitOf(missing)).toBe(1);
    expect(missing.stderr.join('\n')).toMatch(/cannot read \(ENOENT/);
  });
});
