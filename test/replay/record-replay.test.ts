// Real processes: `marketfeed publish` → `record` (from shared memory and from TCP) →
// capture file → `replay` → `record` again, a truncated capture replayed to a consumer, a
// recorder killed mid-way, pacing, a LOBSTER file replayed to a consumer, what its summary says
// (without an orderbook file; on bad input, the error once, as the last line), and LOBSTER
// messages deeper than their orderbook file shows (accepted) against ones that contradict it
// (exit 1, and the way through: --orderbook none).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { PRICE_SCALE, RECORD_WORDS, RecordFlag, Word } from '../../runtime/record/record-layout.ts';
import { CaptureWriter } from '../../runtime/replay/capture-writer.ts';
import { captureBlocks, rawRecordBytes, readCapture } from '../helpers/capture-files.ts';
import { killLeftoverProcesses, runCli, runCliToEnd, type CliRun } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(killLeftoverProcesses);
afterAll(() => removeShmDir(dir));

const SEED = 11;
const INSTRUMENTS = 20;
const COUNT = 30_000;
const LOBSTER_MESSAGES = 'lobster/AAPL_2012-06-21_34200000_57600000_message_10.first998.csv';
const LOBSTER_ORDERBOOK = 'lobster/AAPL_2012-06-21_34200000_57600000_orderbook_10.first998.csv';

function shm(feed: string): string[] {
  return ['--feed', feed, '--shm-dir', dir, '--idle', 'spin-yield', '--json'];
}

function recorder(feed: string, out: string, ...extra: string[]): CliRun {
  return runCli(['record', ...shm(feed), '--out', out, '--exit-on-end', ...extra]);
}

function replay(feed: string, file: string, ...extra: string[]): CliRun {
  return runCli(['replay', ...shm(feed), '--file', file, '--mode', 'backpressure', '--tcp-port', '0', ...extra]);
}

async function succeeded(run: CliRun): Promise<Record<string, unknown>> {
  const { code } = await run.exit;
  expect(code, run.stderr.join('\n')).toBe(0);
  return run.summary();
}

function asBytes(records: Int32Array[]): Buffer {
  return Buffer.concat(records.map((words) => Buffer.from(words.buffer, words.byteOffset, words.byteLength)));
}

let captured: string;
let capturedRecords: Int32Array[];

describe('record and replay across processes', () => {
  it('records a published feed from shared memory and from TCP: the same bytes, read back bit-for-bit', async () => {
    const feed = uniqueFeed('rec');
    const port = await freePort();
    captured = path.join(dir, `${feed}.mfcap`);
    const fromTcp = path.join(dir, `${feed}-tcp.mfcap`);
    // Backpressure with a small ring: the publisher waits for the SHM recorder (its one consumer slot),
    // which starts only once the TCP recorder has subscribed, so both see the stream.
    const pub = runCli([
      'publish', ...shm(feed), '--mode', 'backpressure', '--capacity', '2048', '--count', String(COUNT), '--rate', '100k',
      '--seed', String(SEED), '--instruments', String(INSTRUMENTS), '--tcp-port', String(port),
    ]);
    await pub.waitForLog('publishing');
    const tcpRec = runCli(['record', '--tcp', `127.0.0.1:${port}`, '--out', fromTcp, '--json']);
    await tcpRec.waitForLog('subscribed');
    const rec = recorder(feed, captured, '--verify-seed', String(SEED), '--verify-instruments', String(INSTRUMENTS));
    expect(await succeeded(pub)).toMatchObject({ records: COUNT });
    expect(await succeeded(rec)).toMatchObject({
      role: 'record', records: COUNT, recordsWritten: COUNT, gaps: 0, lost: 0, mismatches: 0, verified: COUNT, file: captured,
    });
    tcpRec.child.kill('SIGTERM');
    const tcpSummary = await succeeded(tcpRec);
    expect(tcpSummary).toMatchObject({ role: 'record', stopReason: 'SIGTERM', gaps: 0, lost: 0 });

    const shmRead = readCapture(captured);
    expect(shmRead.error).toBeUndefined();
    capturedRecords = shmRead.records;
    expect(capturedRecords).toHaveLength(COUNT);
    expect(asBytes(capturedRecords).equals(rawRecordBytes(captured))).toBe(true);
    capturedRecords.forEach((words, i) => expect(words[Word.sequenceLo]).toBe(i));

    // What came over TCP (from whenever it subscribed) is byte for byte what shared memory carried.
    const tcpRead = readCapture(fromTcp);
    expect(tcpRead.error).toBeUndefined();
    expect(tcpRead.records.length).toBe(tcpSummary.records);
    expect(tcpRead.records.length).toBeGreaterThan(COUNT / 2);
    const first = tcpRead.records[0][Word.sequenceLo];
    expect(asBytes(tcpRead.records).equals(asBytes(capturedRecords.slice(first, first + tcpRead.records.length)))).toBe(true);
  });

  it('replays the capture flat out into another feed: recorded again, the records equal but for sequence, publish time and the replayed flag', async () => {
    expect(capturedRecords).toBeDefined();
    const feed = uniqueFeed('replay');
    const again = path.join(dir, `${feed}.mfcap`);
    const rec = recorder(feed, again);
    await rec.waitForLog('waiting for the publisher to create the segment');
    const play = replay(feed, captured, '--speed', 'max');
    const playSummary = await succeeded(play);
    expect(playSummary).toMatchObject({ role: 'replay', records: COUNT, speed: 'max', bytesRead: fs.statSync(captured).size });
    expect(play.stderr.join('\n')).toMatch(new RegExp(`replayed ${COUNT.toLocaleString('en-US')} records in .* from capture ${captured}`));
    expect(await succeeded(rec)).toMatchObject({ records: COUNT, gaps: 0, lost: 0 });

    const { records, error } = readCapture(again);
    expect(error).toBeUndefined();
    expect(records).toHaveLength(COUNT);
    records.forEach((words, i) => {
      const original = capturedRecords[i];
      for (let w: number = Word.sourceTimeLo; w < RECORD_WORDS; w++) {
        const expected = w === Word.typeAndFlags ? original[w] | (RecordFlag.replayed << 16) : original[w];
        if (words[w] !== expected) throw new Error(`record ${i} word ${w}: ${words[w]} != ${expected}`);
      }
    });
  });

  it('replays a truncated capture up to the bad block, then exits 1 naming the byte offset', async () => {
    expect(capturedRecords).toBeDefined();
    const feed = uniqueFeed('trunc');
    const cut = path.join(dir, `${feed}.mfcap`);
    // Cut inside the fourth block's first record: the three blocks before it survive.
    const blocks = captureBlocks(captured);
    const badBlockAt = blocks[3].at;
    fs.writeFileSync(cut, fs.readFileSync(captured).subarray(0, badBlockAt + 40));
    const recordsBefore = blocks[0].count + blocks[1].count + blocks[2].count;

    const consumer = runCli(['consume', 'shm', ...shm(feed), '--exit-on-end']);
    await consumer.waitForLog('waiting for the publisher to create the segment');
    const play = await runCliToEnd(['replay', ...shm(feed), '--file', cut, '--mode', 'backpressure', '--tcp-port', '0', '--speed', 'max']);
    expect(play.code, play.stderr.join('\n')).toBe(1);
    const stderr = play.stderr.join('\n');
    expect(stderr).toContain(`stopped at byte ${badBlockAt} of ${cut} by the error below`);
    expect(play.stderr.at(-1)).toMatch(`marketfeed replay: ${cut}: at byte ${badBlockAt}: truncated block 3`);
    expect(play.summary()).toMatchObject({ records: recordsBefore, error: { offset: badBlockAt, file: cut } });
    expect(await succeeded(consumer)).toMatchObject({ records: recordsBefore, gaps: 0, lost: 0, ended: true });
  });

  it('a recorder killed with SIGKILL leaves a file that reads back to its last block and says it is truncated', async () => {
    const feed = uniqueFeed('kill');
    const out = path.join(dir, `${feed}.mfcap`);
    const pub = runCli(['publish', ...shm(feed), '--rate', '20k', '--tcp-port', '0']);
    await pub.waitForLog('publishing');
    const rec = runCli(['record', ...shm(feed), '--out', out, '--flush-interval-ms', '20']);
    await rec.waitForLog('latency');
    rec.child.kill('SIGKILL');
    await rec.exit;
    pub.child.kill('SIGTERM');
    await pub.exit;
    const { records, error } = readCapture(out);
    expect(records.length).toBeGreaterThan(0);
    // Killed between blocks, the file ends at a block boundary without the end marker; killed
    // while a block was being written, it ends in that torn block, which is named and not read.
    const size = fs.statSync(out).size;
    if (error?.offset === size) expect(error.message).toMatch(/without its end marker; the recorder did not finish/);
    else {
      expect(error?.offset).toBeLessThan(size);
      expect(error?.message).toMatch(/truncated block/);
    }
    const first = records[0][Word.sequenceLo];
    records.forEach((words, i) => expect(words[Word.sequenceLo]).toBe(first + i));
  });

  it('--speed 10 plays a capture spanning 2 s of source time in about a tenth of it, never faster', async () => {
    const file = path.join(dir, 'paced.mfcap');
    const writer = new CaptureWriter(file, { feed: 'paced', source: 'test', startWallNs: 1e18, startMonotonicNs: 0, overwrite: true });
    const record = new MarketDataRecord();
    for (let i = 0; i <= 20; i++) {
      record.setQuote(0, 1_700_000_000e9 + i * 100e6, i, 1, 0, 100 * PRICE_SCALE, 101 * PRICE_SCALE, 100, 100);
      writer.append(record);
    }
    writer.finish(0);
    const feed = uniqueFeed('paced');
    const consumer = runCli(['consume', 'shm', ...shm(feed), '--exit-on-end']);
    await consumer.waitForLog('waiting for the publisher to create the segment');
    const play = replay(feed, file, '--speed', '10');
    const summary = await succeeded(play);
    expect(summary).toMatchObject({ records: 21, speed: 10 });
    expect(summary.sourceSpanS as number).toBeCloseTo(2, 6);
    // Never early (the agent waits for each record's time); loosely, far less than the original 2 s.
    expect(summary.replayS as number).toBeGreaterThanOrEqual(0.2 - 0.001);
    expect(summary.replayS as number).toBeLessThan(1.5);
    expect(await succeeded(consumer)).toMatchObject({ records: 21, gaps: 0 });
  });

  it('replays a LOBSTER message file as best bid/offer quotes that a consumer receives', async () => {
    const feed = uniqueFeed('lobster');
    const out = path.join(dir, `${feed}.mfcap`);
    const rec = recorder(feed, out);
    await rec.waitForLog('waiting for the publisher to create the segment');
    const play = replay(feed, dataPath(LOBSTER_MESSAGES), '--speed', 'max', '--instrument-id', '42');
    const playSummary = await succeeded(play);
    expect(playSummary.source).toMatch(/LOBSTER .*instrument 42.*seeded from .*_orderbook_/);
    // Every message read, none refused or skipped; the text summary says so too.
    expect(playSummary.events).toEqual({ events: 999, rejected: 0, unseen: 0, seeded: true, deeperThanOrderbook: 0 });
    expect(play.stderr.join('\n')).toMatch(/999 events read, 0 refused, 0 for orders placed before the file starts that the orderbook file does not show/);
    const records = playSummary.records as number;
    expect(records).toBeGreaterThan(100);
    expect(await succeeded(rec)).toMatchObject({ records, gaps: 0, lost: 0 });

    const read = readCapture(out);
    expect(read.records).toHaveLength(records);
    const quote = new MarketDataRecord();
    let lastSourceNs = 0;
    for (const words of read.records) {
      quote.wrap(words, 0);
      expect(quote.instrumentId).toBe(42);
      expect(quote.flags & RecordFlag.replayed).toBe(RecordFlag.replayed);
      if (quote.bidSize > 0 && quote.askSize > 0) expect(quote.bidPrice).toBeLessThan(quote.askPrice);
      expect(quote.sourceTimeNs).toBeGreaterThanOrEqual(lastSourceNs);
      lastSourceNs = quote.sourceTimeNs;
    }
    // 2012-06-21 09:30 New York is 13:30 UTC.
    quote.wrap(read.records[0], 0);
    expect(new Date(quote.sourceTimeNs / 1e6).toISOString()).toMatch(/^2012-06-21T13:30:00/);
  });
});

describe('replay of a LOBSTER file: what its summary says', () => {
  it('--orderbook none: changes to orders placed before the file starts are said to be unknown without an orderbook file, not below a seeded depth', async () => {
    const play = replay(uniqueFeed('none'), dataPath(LOBSTER_MESSAGES), '--speed', 'max', '--mode', 'broadcast', '--orderbook', 'none');
    const summary = await succeeded(play);
    const events = summary.events as { events: number; unseen: number; seeded: boolean };
    expect(events).toMatchObject({ events: 999, rejected: 0, seeded: false });
    // The sample cancels and executes orders that rested before 09:30: unknown to a book that starts empty.
    expect(events.unseen).toBeGreaterThan(0);
    const text = play.stderr.filter((line) => !line.startsWith('{')).join('\n');
    expect(text).toContain(`999 events read, 0 refused, ${events.unseen} for orders placed before the file starts (skipped: without an orderbook file the book does not hold them)`);
    expect(text).not.toMatch(/seeded/);
  });

  it('bad input: the error is shown once, as the last line, and the summary says where the replay stopped', async () => {
    const stem = path.join(dir, `bad-${process.pid}`);
    fs.mkdirSync(stem, { recursive: true });
    const messages = path.join(stem, 'AAPL_2012-06-21_34200000_57600000_message_10.csv');
    const lines = fs.readFileSync(dataPath(LOBSTER_MESSAGES), 'latin1').split('\n');
    const badAt = Buffer.byteLength(lines.slice(0, 50).map((line) => `${line}\n`).join(''), 'latin1');
    fs.writeFileSync(messages, [...lines.slice(0, 50), '34200.3,1,123,100,not-a-price,1', ...lines.slice(51)].join('\n'));
    const play = await runCliToEnd(['replay', ...shm(uniqueFeed('bad')), '--file', messages, '--tcp-port', '0', '--speed', 'max', '--orderbook', 'none']);
    expect(play.code).toBe(1);
    const plain = play.stderr.filter((line) => !line.startsWith('{'));
    const message = `${messages}: at byte ${badAt}: line 51: `;
    // The fatal-error contract: the last line names the command and the whole error…
    expect(plain.at(-1)).toMatch(new RegExp(`^marketfeed replay: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}malformed price`));
    // …and nothing before it repeats the error: the summary keeps only the position.
    expect(plain.filter((line) => line.includes('line 51'))).toHaveLength(1);
    expect(plain).toContain(`stopped at byte ${badAt} of ${messages} by the error below: every record before it was published`);
    expect(play.summary()).toMatchObject({ events: { events: 50 }, error: { offset: badAt, file: messages } });
  });
});

describe('replay of LOBSTER messages deeper than the orderbook file shows', () => {
  // The sample's messages reach its 10th level; its orderbook file cut to 5 levels shows fewer.
  function fiveLevelPair(): { messages: string; rows: string[] } {
    const stem = path.join(dir, `five-${process.pid}`);
    fs.mkdirSync(stem, { recursive: true });
    const messages = path.join(stem, 'AAPL_2012-06-21_34200000_57600000_message_5.csv');
    fs.copyFileSync(dataPath(LOBSTER_MESSAGES), messages);
    const rows = fs.readFileSync(dataPath(LOBSTER_ORDERBOOK), 'latin1').split('\n').filter((row) => row !== '');
    fs.writeFileSync(path.join(stem, 'AAPL_2012-06-21_34200000_57600000_orderbook_5.csv'), rows.map((row) => `${row.split(',').slice(0, 20).join(',')}\n`).join(''));
    return { messages, rows };
  }

  it('replays them to the end (exit 0) and says how many were deeper than the orderbook file shows', async () => {
    const { messages } = fiveLevelPair();
    const play = replay(uniqueFeed('deep'), messages, '--speed', 'max', '--mode', 'broadcast');
    const summary = await succeeded(play);
    expect(summary.source).toMatch(/seeded from AAPL_2012-06-21_34200000_57600000_orderbook_5\.csv/);
    const events = summary.events as { events: number; rejected: number; deeperThanOrderbook: number };
    expect(events).toMatchObject({ events: 999, rejected: 0 });
    expect(events.deeperThanOrderbook).toBeGreaterThan(50);
    expect(summary.records).toBe(485);
    expect(play.stderr.join('\n')).toContain(`${events.deeperThanOrderbook} at prices deeper than the orderbook file shows (applied, not checked against it)`);
  });

  it('a real contradiction exits 1 naming the line, price, side and levels, and --orderbook none replays the same file from the messages alone', async () => {
    const { messages } = fiveLevelPair();
    const lines = fs.readFileSync(messages, 'latin1').split('\n');
    // Line 7 adds a buy at 5850000; 5853250 lies between the first two bid levels of rows 6 and 7 and is neither's.
    expect(lines[6]).toMatch(/^[\d.]+,1,\d+,\d+,5850000,1$/);
    lines[6] = lines[6].replace(',5850000,', ',5853250,');
    fs.writeFileSync(messages, lines.join('\n'));
    const bad = replay(uniqueFeed('contra'), messages, '--speed', 'max', '--mode', 'broadcast');
    const { code } = await bad.exit;
    expect(code).toBe(1);
    const text = bad.stderr.join('\n');
    expect(text).toMatch(/line 7: an add of a buy order at price 5853250 lies inside the bid levels the orderbook shows, yet is a level of neither row 6 nor row 7 \(bid levels of row 6: 5853300 5853200 /);
    expect(text).toContain('--orderbook none');
    const alone = replay(uniqueFeed('alone'), messages, '--speed', 'max', '--mode', 'broadcast', '--orderbook', 'none');
    const summary = await succeeded(alone);
    expect(summary.source).toMatch(/no orderbook file: starts empty/);
    expect(summary.events).toMatchObject({ events: 999 });
  });
});

describe('record and replay usage', () => {
  it.each(['record', 'replay'])('has --help on %s and is listed', async (command) => {
    const run = await runCliToEnd([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toMatch(new RegExp(`Usage: npx marketfeed ${command} \\[options\\][\\s\\S]*--duration`));
    const list = await runCliToEnd(['--help']);
    expect(list.stdout.join('\n')).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
  });

  it.each([
    [['record'], /--out is required/],
    [['record', '--out', '/tmp/x.mfcap', '--tcp', 'nohost'], /--tcp must be HOST:PORT, got "nohost"/],
    [['replay'], /--file is required/],
    [['replay', '--file', 'x', '--speed', '0'], /--speed must be a rate per second .* or "max"|--speed must be a positive rate/],
    [['replay', '--file', 'x', '--capacity', '1000'], /--capacity must be a power of two/],
    [['replay', '--file', 'x', '--date', '2012-13-45'], /--date must be a YYYY-MM-DD calendar date, got "2012-13-45"/],
  ])('%j exits 2 and says what is wrong', async (args, message) => {
    const run = await runCliToEnd(args);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(message);
  });

  it('refuses a file that is neither a capture nor LOBSTER, and will not overwrite a capture without --force', async () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'hello\n');
    const play = await runCliToEnd(['replay', '--file', text, '--shm-dir', dir, '--tcp-port', '0']);
    expect(play.code).toBe(1);
    expect(play.stderr.join('\n')).toMatch(/at byte 0: neither a marketfeed capture/);
    const rec = await runCliToEnd(['record', '--out', text, '--shm-dir', dir]);
    expect(rec.code).toBe(1);
    expect(rec.stderr.join('\n')).toMatch(/EEXIST/);
    expect(fs.readFileSync(text, 'utf8')).toBe('hello\n');
  });

  it('record --force that fails to start (its metrics port is taken) leaves the file it would replace as it was', async () => {
    const existing = path.join(dir, 'keep.mfcap');
    fs.writeFileSync(existing, 'a capture worth keeping');
    const port = await freePort();
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(port, '0.0.0.0', resolve));
    try {
      const rec = await runCliToEnd(['record', '--feed', uniqueFeed('keep'), '--shm-dir', dir, '--out', existing, '--force', '--metrics-port', String(port)]);
      expect(rec.code).toBe(1);
      expect(rec.stderr.join('\n')).toMatch(/EADDRINUSE/);
    } finally {
      holder.close();
    }
    expect(fs.readFileSync(existing, 'utf8')).toBe('a capture worth keeping');
  });
});
