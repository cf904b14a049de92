// Fatal errors look the same from every command: exit 1, the last stderr line is
// `marketfeed <command>: <message>`, a long-running command also logs one structured
// `fatal` line with the error's type and code, and an expected failure (a port in use, a
// CPU not available, a bad segment, a missing file) shows no stack trace. Bad usage exits
// 2 with the option named.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCpusAllowedList, parseCpuList } from '../../runtime/cpu/cpu-list.ts';
import { fatalLine, isExpectedFailure, serializeError } from '../../runtime/observability/fatal-error.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RECORD_WORDS } from '../../runtime/record/record-layout.ts';
import { CaptureWriter } from '../../runtime/replay/capture-writer.ts';
import { SegmentError } from '../../runtime/shm/segment-error.ts';
import { killLeftoverProcesses, runCliToEnd, type CliRun } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(async () => {
  await killLeftoverProcesses();
});
afterAll(() => removeShmDir(dir));

const STACK_LINE = /^\s+at \S/;

/** The one style of a fatal error: exit 1, the plain last line, one structured line (when the command logs), no stack. */
function expectFatal(run: CliRun & { code: number | null }, command: string, message: RegExp, logs = true): void {
  const stderr = run.stderr.join('\n');
  expect(run.code, stderr).toBe(1);
  const last = run.stderr.at(-1) ?? '';
  expect(last, stderr).toMatch(new RegExp(`^marketfeed ${command}: `));
  expect(last.slice(`marketfeed ${command}: `.length), stderr).toMatch(message);
  expect(run.stderr.filter((line) => STACK_LINE.test(line)), stderr).toEqual([]);
  const fatal = run.logs.filter((log) => (log.level as number) >= 50);
  if (!logs) {
    expect(run.logs).toEqual([]);
    return;
  }
  expect(fatal, stderr).toHaveLength(1);
  expect(fatal[0].level).toBe(60);
  expect(fatal[0].msg).toBe(last.slice(`marketfeed ${command}: `.length));
  expect((fatal[0].err as Record<string, unknown>).stack).toBeUndefined();
  expect(typeof (fatal[0].err as Record<string, unknown>).type).toBe('string');
}

/** Holds a TCP port for the duration of `body`. */
async function withPortTaken<T>(body: (port: number) => Promise<T>): Promise<T> {
  const port = await freePort();
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(port, '0.0.0.0', resolve));
  try {
    return await body(port);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}

describe('fatal errors', () => {
  it('a bad --feed name is bad usage: exit 2, the option named', async () => {
    const run = await runCliToEnd(['publish', '--feed', '../etc', '--count', '1', '--tcp-port', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual(['marketfeed publish: --feed: segment name "../etc" contains "/" (see npx marketfeed publish --help)']);
    const consumer = await runCliToEnd(['consume', 'shm', '--feed', 'a b']);
    expect(consumer.code).toBe(2);
    expect(consumer.stderr.join('\n')).toMatch(/^marketfeed consume shm: --feed: segment name "a b" may only hold/);
  });

  it('--cpus naming a CPU this process may not run on names the CPUs it may', async () => {
    const allowed = readCpusAllowedList();
    const set = new Set(parseCpuList(allowed));
    const missing = [...Array(1024).keys()].find((cpu) => !set.has(cpu))!;
    const run = await runCliToEnd(['publish', '--cpus', String(missing), '--count', '1', '--tcp-port', '0', '--shm-dir', dir]);
    expectFatal(run, 'publish', new RegExp(`CPU ${missing} is not available to this process, which may run on CPUs ${allowed}`));
  });

  it('a TCP feed port in use names the port and --tcp-port', async () => {
    await withPortTaken(async (port) => {
      const run = await runCliToEnd(['publish', '--feed', uniqueFeed('port'), '--shm-dir', dir, '--tcp-port', String(port), '--count', '1']);
      expectFatal(run, 'publish', new RegExp(`TCP feed port ${port} on 127\\.0\\.0\\.1 is in use \\(EADDRINUSE\\).*--tcp-port`));
      expect(fs.readdirSync(dir).filter((name) => name.startsWith('port-'))).toEqual([]);
    });
  });

  it.each([
    ['publish', ['publish', '--tcp-port', '0', '--count', '1']],
    ['consume tcp', ['consume', 'tcp', '--port', '1']],
    ['consume shm', ['consume', 'shm']],
  ])('%s: a metrics port in use names the port and --metrics-port', async (command, args) => {
    await withPortTaken(async (port) => {
      const run = await runCliToEnd([...args, '--metrics-port', String(port), ...(command === 'consume tcp' ? [] : ['--feed', uniqueFeed('metrics'), '--shm-dir', dir])]);
      expectFatal(run, command, new RegExp(`metrics port ${port} on 0\\.0\\.0\\.0 is in use \\(EADDRINUSE\\).*--metrics-port`));
    });
  });

  it('consume shm on a file that is no segment: the same plain line and structured line, no stack', async () => {
    const feed = uniqueFeed('junk');
    fs.writeFileSync(path.join(dir, feed), Buffer.alloc(8192, 7));
    const run = await runCliToEnd(['consume', 'shm', '--feed', feed, '--shm-dir', dir]);
    expectFatal(run, 'consume shm', /is not a marketfeed segment/);
    expect((run.logs.find((log) => log.level === 60)?.err as Record<string, unknown>).code).toBe('BAD_MAGIC');
  });

  it('record refusing to overwrite, replay of a missing file, fix decode of a missing file', async () => {
    const existing = path.join(dir, 'kept.mfcap');
    fs.writeFileSync(existing, 'keep');
    expectFatal(await runCliToEnd(['record', '--out', existing, '--shm-dir', dir]), 'record', /exists; give --force to overwrite it/);
    expectFatal(await runCliToEnd(['replay', '--file', path.join(dir, 'none.mfcap'), '--shm-dir', dir, '--tcp-port', '0']), 'replay', /none\.mfcap/);
    expectFatal(await runCliToEnd(['fix', 'decode', '--file', path.join(dir, 'none.fix')]), 'fix decode', /ENOENT.*none\.fix/, false);
  });

  it('a malformed kubeconfig: the file named, what is wrong in one line, nothing of its content (no YAML snippet, no secret)', async () => {
    const broken = path.join(dir, 'kubeconfig-broken');
    fs.writeFileSync(broken, 'apiVersion: v1\nusers:\n- name: u\n  user: {token: s3cr3t-token}\nclusters: [\n  - bad: : :\n');
    const run = await runCliToEnd(['operator', '--kubeconfig', broken, '--metrics-port', '0']);
    expectFatal(run, 'operator', new RegExp(`^kubeconfig ${broken} \\(from --kubeconfig\\) is not valid YAML: .+ at line 6, column \\d+$`));
    expect(run.stderr.join('\n')).not.toContain('s3cr3t-token');
    expect(run.stderr.join('\n')).not.toMatch(/ \d+ \| /);
    const shapeless = path.join(dir, 'kubeconfig-shapeless');
    fs.writeFileSync(shapeless, 'clusters: [{}]\n');
    expectFatal(
      await runCliToEnd(['operator', '--metrics-port', '0'], { KUBECONFIG: shapeless, KUBERNETES_SERVICE_HOST: undefined }),
      'operator',
      new RegExp(`^kubeconfig ${shapeless} \\(from \\$KUBECONFIG\\) is not a valid kubeconfig: clusters\\[0\\]\\.name is missing$`),
    );
    expectFatal(await runCliToEnd(['operator', '--kubeconfig', dir, '--metrics-port', '0']), 'operator', new RegExp(`^kubeconfig ${dir} \\(from --kubeconfig\\) cannot be read: illegal operation on a directory \\(EISDIR\\)$`));
  });

  it('fix decode with a --dictionary that is not a QuickFIX XML dictionary, or not readable: the file named in one line', async () => {
    const log = path.join(dir, 'empty.fix');
    fs.writeFileSync(log, '');
    const decode = (dictionary: string): Promise<CliRun & { code: number | null }> => runCliToEnd(['fix', 'decode', '--file', log, '--dictionary', dictionary]);
    expectFatal(await decode('/etc/passwd'), 'fix decode', /^--dictionary \/etc\/passwd is not a QuickFIX XML data dictionary: XML has no <fix> element$/, false);
    const unclosed = path.join(dir, 'unclosed.xml');
    fs.writeFileSync(unclosed, '<fix><fields><field');
    expectFatal(await decode(unclosed), 'fix decode', new RegExp(`^--dictionary ${unclosed} is not a QuickFIX XML data dictionary: .*not closed at byte \\d+$`), false);
    expectFatal(await decode(dir), 'fix decode', new RegExp(`^cannot read --dictionary ${dir}: illegal operation on a directory \\(EISDIR\\)$`), false);
    const missing = path.join(dir, 'FIX44-missing.xml');
    expectFatal(await decode(missing), 'fix decode', new RegExp(`^cannot read --dictionary ${missing}: no such file or directory \\(ENOENT\\)$`), false);
  });

  it('replay of a capture cut short: everything before is published, then the same fatal style', async () => {
    const file = path.join(dir, 'cut.mfcap');
    const writer = new CaptureWriter(file, { feed: 'f', source: 'test', startWallNs: 1_750_000_000_000_000_000, startMonotonicNs: 1, blockRecords: 4 });
    const record = new MarketDataRecord();
    for (let i = 0; i < 12; i++) writer.append(record.wrap(new Int32Array(RECORD_WORDS), 0));
    writer.flush();
    fs.truncateSync(file, writer.bytesWritten - 30);
    const run = await runCliToEnd(['replay', '--file', file, '--feed', uniqueFeed('cut'), '--shm-dir', dir, '--tcp-port', '0', '--speed', 'max']);
    expectFatal(run, 'replay', /cut\.mfcap: at byte \d+: truncated block/);
  });
});

describe('what a fatal error shows', () => {
  it('an expected failure: message only; a bug: its stack too', () => {
    const expected = [
      new SegmentError('PERMISSION', '/dev/shm/x', 'no read access to segment /dev/shm/x'),
      Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen' }),
      Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }),
    ];
    for (const error of expected) {
      expect(isExpectedFailure(error)).toBe(true);
      expect(fatalLine('publish', error)).toBe(`marketfeed publish: ${error.message}\n`);
      expect(serializeError(error)).not.toHaveProperty('stack');
    }
    const bugs = [new TypeError("Cannot read properties of undefined (reading 'x')"), new RangeError('Invalid array length'), new Error('invariant broken'), 'a thrown string'];
    for (const bug of bugs) {
      expect(isExpectedFailure(bug)).toBe(false);
      const line = fatalLine('publish', bug);
      expect(line.split('\n')[0]).toBe(`marketfeed publish: ${bug instanceof Error ? bug.message : String(bug)}`);
      if (bug instanceof Error) {
        expect(line).toContain(bug.stack!);
        expect(serializeError(bug)).toHaveProperty('stack');
      }
    }
  });
});
