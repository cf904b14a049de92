// A reader that goes away (`| head -1`) ends a command quietly: no EPIPE stack trace, and
// a long-running command stops as on SIGTERM, cleaning up after itself (the demo stops its
// children and its segment is removed); `fix decode` exits 0. A stdout that fails for another
// reason (a full disk, ENOSPC: here /dev/full) is the command's failure: one plain line
// `marketfeed <command>: cannot write to stdout: <reason>` on stderr, no stack trace, exit 1,
// never a silent exit 0 with the output lost; a long-running command still cleans up first.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliCommandLine } from '../helpers/cli.ts';
import { killProcessesMentioning, processesMentioning } from '../helpers/processes.ts';
import { makeShmDir, removeShmDir } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
afterAll(() => {
  killProcessesMentioning(dir);
  removeShmDir(dir);
});

/** Runs `marketfeed <args> | head -1` in bash: the first line, marketfeed's stderr and its exit status. */
function firstLineOf(args: string[]): Promise<{ stdout: string; stderr: string; status: number }> {
  const quoted = cliCommandLine(args);
  return new Promise((resolve) => {
    const shell = spawn('bash', ['-c', `${quoted} 2>"$ERR" | head -1; echo "$\{PIPESTATUS[0]}" >"$STATUS"`], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ERR: path.join(dir, `err-${args[0]}`), STATUS: path.join(dir, `status-${args[0]}`) },
    });
    let stdout = '';
    shell.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    shell.on('close', () =>
      resolve({
        stdout,
        stderr: fs.readFileSync(path.join(dir, `err-${args[0]}`), 'utf8'),
        status: Number(fs.readFileSync(path.join(dir, `status-${args[0]}`), 'utf8')),
      }),
    );
  });
}

/** A FIX log of `count` heartbeats, SOH-delimited, with correct BodyLength and CheckSum. */
function fixLog(count: number): string {
  const messages: string[] = [];
  for (let i = 1; i <= count; i++) {
    const body = `35=0\x0149=SENDER\x0156=TARGET\x0134=${i}\x0152=20240101-00:00:00.000\x01`;
    const head = `8=FIX.4.4\x019=${body.length}\x01${body}`;
    let sum = 0;
    for (let j = 0; j < head.length; j++) sum += head.charCodeAt(j);
    messages.push(`${head}10=${String(sum % 256).padStart(3, '0')}\x01\n`);
  }
  return messages.join('');
}

describe('a reader that goes away', () => {
  it('fix decode | head -1: one line, nothing on stderr, exit 0', async () => {
    const file = path.join(dir, 'heartbeats.fix');
    // Far more than a pipe holds, so that fix decode is still writing when head exits.
    fs.writeFileSync(file, fixLog(20_000), 'latin1');
    const { stdout, stderr, status } = await firstLineOf(['fix', 'decode', '--file', file]);
    expect(stdout).toMatch(/^8=FIX\.4\.4 \| 9=\d+ \| 35=0 \| 49=SENDER \| 56=TARGET \| 34=1 \|/);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('demo | head -1: the demo, which runs until stopped, stops its children, removes its segment and says nothing', async () => {
    // --duration 0: only the reader going away can end it. Its exit status on an early stop
    // is the demo's own (children stopped while starting), not asserted here.
    const { stdout, stderr } = await firstLineOf(['demo', '--duration', '0', '--rate', '1000', '--shm-dir', dir]);
    expect(stdout).toMatch(/^marketfeed demo: feed demo-\d+/);
    expect(stderr).toBe('');
    expect(processesMentioning(dir)).toEqual([]);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('demo-'))).toEqual([]);
  });

  it('a command failing as its reader goes away still exits 1 with the plain line: the --json summary was the last write', async () => {
    const feed = 'junk-segment';
    fs.writeFileSync(path.join(dir, feed), Buffer.alloc(8192, 7));
    const child = spawn(process.execPath, [CLI, 'consume', 'shm', '--feed', feed, '--shm-dir', dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^marketfeed consume shm: .* is not a marketfeed segment/);
    expect(stderr).not.toMatch(/EPIPE/);
  });
});

/** Runs `marketfeed <args> > /dev/full` in bash: its stderr and exit status. */
function intoFullDisk(args: string[]): Promise<{ stderr: string; status: number | null }> {
  const quoted = cliCommandLine(args);
  return new Promise((resolve) => {
    const shell = spawn('bash', ['-c', `${quoted} >/dev/full`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    shell.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    shell.on('close', (status) => resolve({ stderr, status }));
  });
}

const NO_SPACE = 'cannot write to stdout: no space left on device (ENOSPC)';

describe('a stdout that fails (ENOSPC)', () => {
  it('--help, a command\'s --help, --version: the one line, exit 1', async () => {
    expect(await intoFullDisk(['--help'])).toEqual({ stderr: `marketfeed: ${NO_SPACE}\n`, status: 1 });
    expect(await intoFullDisk(['publish', '--help'])).toEqual({ stderr: `marketfeed publish: ${NO_SPACE}\n`, status: 1 });
    expect(await intoFullDisk(['--version'])).toEqual({ stderr: `marketfeed: ${NO_SPACE}\n`, status: 1 });
  });

  it('fix decode: the one line, exit 1', async () => {
    const file = path.join(dir, 'heartbeats-100.fix');
    fs.writeFileSync(file, fixLog(100), 'latin1');
    expect(await intoFullDisk(['fix', 'decode', '--file', file])).toEqual({ stderr: `marketfeed fix decode: ${NO_SPACE}\n`, status: 1 });
  });

  it('demo: stops its children, removes its segment, ends with the one line and exits 1', async () => {
    const { stderr, status } = await intoFullDisk(['demo', '--duration', '0', '--rate', '1000', '--shm-dir', dir]);
    expect(status, stderr).toBe(1);
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(`marketfeed demo: ${NO_SPACE}`);
    expect(stderr).not.toMatch(/^\s+at \S/m);
    expect(processesMentioning(dir)).toEqual([]);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('demo-'))).toEqual([]);
  }, 60_000);
});
