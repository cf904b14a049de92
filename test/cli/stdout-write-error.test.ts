// stdout that fails for another reason than a reader gone away (a full disk: ENOSPC, here
// /dev/full) is the command's failure: one plain line `marketfeed <command>: cannot write to
// stdout: <reason>` on stderr, no stack trace, exit 1; never a silent exit 0 with the
// output lost. A long-running command stops as on SIGTERM first, so it still cleans up.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.ts';
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

/** Runs `marketfeed <args> > /dev/full` in bash: its stderr and exit status. */
function intoFullDisk(args: string[]): Promise<{ stderr: string; status: number | null }> {
  const quoted = [process.execPath, CLI, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
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
    const file = path.join(dir, 'heartbeat.fix');
    const body = '35=0\x0149=SENDER\x0156=TARGET\x0134=1\x0152=20240101-00:00:00.000\x01';
    const head = `8=FIX.4.4\x019=${body.length}\x01${body}`;
    const sum = [...head].reduce((total, char) => total + char.charCodeAt(0), 0) % 256;
    fs.writeFileSync(file, `${head}10=${String(sum).padStart(3, '0')}\x01\n`.repeat(100), 'latin1');
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
