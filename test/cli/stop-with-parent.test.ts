// --stop-with-parent PID (every long-running command): once PID, the supervisor that started
// the process, is gone (killed with SIGKILL here: it could stop nothing itself), the process
// stops as on SIGTERM, its clean-up included (the publisher removes its segment), even
// through a shell between them (as npx puts one); and a supervisor already gone when the
// process starts is seen at once.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parentPidFromStat } from '../../runtime/service/parent-watch.ts';
import { CLI, runCliToEnd } from '../helpers/cli.ts';
import { killProcessesMentioning } from '../helpers/processes.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
// A failed test may leave a publisher behind: its command line names the directory.
afterEach(() => killProcessesMentioning(dir));
afterAll(() => removeShmDir(dir));

function publishArgs(feed: string): string[] {
  return ['publish', '--feed', feed, '--shm-dir', dir, '--tcp-port', '0', '--rate', '1000', '--idle', 'sleep', '--log-format', 'json'];
}

function summaryOf(stderr: string[]): { stopReason: string; records: number } | undefined {
  return stderr
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; summary?: { stopReason: string; records: number } })
    .find((log) => log.msg === 'summary')?.summary;
}

describe('--stop-with-parent', () => {
  it('stops the process, clean-up included, once its supervisor is killed with SIGKILL, through a shell between them', async () => {
    const feed = uniqueFeed('orphan');
    // supervisor (sh) → sh → marketfeed publish --stop-with-parent <supervisor>; `; true` keeps each shell from exec'ing.
    const publish = [process.execPath, CLI, ...publishArgs(feed)].map((word) => `'${word}'`).join(' ');
    const supervisor = spawn('sh', ['-c', 'SUPERVISOR=$$ sh -c "$PUBLISH --stop-with-parent \\$SUPERVISOR; true"; true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PUBLISH: publish },
    });
    const stderr: string[] = [];
    let publishing!: () => void;
    const started = new Promise<void>((resolve) => (publishing = resolve));
    readline.createInterface({ input: supervisor.stderr }).on('line', (line) => {
      stderr.push(line);
      if (line.includes('"msg":"publishing"')) publishing();
    });
    // 'close': the supervisor has exited and every holder of its stderr (the publisher) too.
    const closed = new Promise((resolve) => supervisor.once('close', resolve));
    await started;
    expect(fs.existsSync(path.join(dir, feed))).toBe(true);
    supervisor.kill('SIGKILL');
    await closed;
    const summary = summaryOf(stderr);
    expect(summary, stderr.join('\n')).toMatchObject({ stopReason: 'parent-exited' });
    expect(stderr.join('\n')).toMatch(/"msg":"process \d+, which started this one \(--stop-with-parent\), is gone: stopping"/);
    expect(fs.existsSync(path.join(dir, feed))).toBe(false);
  });

  it('stops at once, exit 0, when the supervisor is already gone as it starts (it died while this process loaded)', async () => {
    const gone = spawnSync('true').pid;
    const feed = uniqueFeed('late');
    const run = await runCliToEnd([...publishArgs(feed), '--stop-with-parent', String(gone)]);
    expect(run.code, run.stderr.join('\n')).toBe(0);
    expect(summaryOf(run.stderr)).toMatchObject({ stopReason: 'parent-exited' });
    expect(fs.existsSync(path.join(dir, feed))).toBe(false);
  });

  it("reads the parent pid of /proc/<pid>/stat whatever the command name holds", () => {
    expect(parentPidFromStat('4242 (node) S 17 4242 4242 0 -1')).toBe(17);
    expect(parentPidFromStat('4242 (a) b) (c d) R 99 1 1 0 -1')).toBe(99);
  });

  it('is an option of every long-running command', async () => {
    for (const command of [['publish'], ['replay'], ['consume', 'shm'], ['consume', 'tcp'], ['record'], ['operator']]) {
      const run = await runCliToEnd([...command, '--help']);
      expect(run.stdout.join('\n'), command.join(' ')).toMatch(/--stop-with-parent N +stop as on SIGTERM once process N/);
    }
  });
});
