// The client library as users get it: the examples run against a real publisher, and
// the compiled package (npm run build) exports the same API as JavaScript.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killLeftoverProcesses, runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);
const dir = makeShmDir();
afterEach(killLeftoverProcesses);
afterAll(() => removeShmDir(dir));

describe('client library', () => {
  it('the TCP subscriber example prints quotes of the instruments it asked for', async () => {
    const port = await freePort();
    const pub = runCli(['publish', '--feed', uniqueFeed('lib'), '--shm-dir', dir, '--tcp-port', String(port), '--rate', '20k', '--instruments', '10']);
    await pub.waitForLog('tcp feed listening');
    const { stdout } = await run(process.execPath, [path.join(root, 'examples', 'tcp-subscriber.ts'), '127.0.0.1', String(port), '25']);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(25);
    for (const line of lines) expect(line).toMatch(/^#\d+ instrument [012]: \d+ @ [\d.]+ \/ \d+ @ [\d.]+$/);
    pub.child.kill('SIGTERM');
    await pub.exit;
  });

  it('the SHM reader example reads records one-way in nanoseconds', async () => {
    const feed = uniqueFeed('lib');
    const pub = runCli(['publish', '--feed', feed, '--shm-dir', dir, '--tcp-port', '0', '--rate', '20k']);
    await pub.waitForLog('publishing');
    // The example opens the default directory; point a symlink-free copy of the name there.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `
      import { BroadcastReceiver, Segment } from ${JSON.stringify(path.join(root, 'runtime', 'index.ts'))};
      const segment = Segment.open({ name: ${JSON.stringify(feed)}, directory: ${JSON.stringify(dir)} }, false);
      const receiver = new BroadcastReceiver(segment.ring(), 'latest');
      let n = 0; while (n < 5) n += receiver.poll(() => {}, 5 - n);
      console.log(n, receiver.lostRecords);`]);
    expect(stdout.trim()).toBe('5 0');
    expect(fs.readFileSync(path.join(root, 'examples', 'shm-reader.ts'), 'utf8')).toMatch(/Segment\.open\(\{ name: feed \}, false\)/);
    pub.child.kill('SIGTERM');
    await pub.exit;
  });

  it('compiles to JavaScript that exports the API (npm run build)', async () => {
    await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `
      const m = await import(${JSON.stringify(path.join(root, 'dist', 'runtime', 'index.js'))});
      console.log(['TcpFeedClient', 'Segment', 'BroadcastReceiver', 'MarketDataRecord', 'recordToJson'].map((k) => typeof m[k]).join(','));
      console.log(m.monotonicNs() > 0);`]);
    expect(stdout.trim().split('\n')).toEqual(['function,function,function,function,function', 'true']);
    expect(fs.existsSync(path.join(root, 'dist', 'runtime', 'index.d.ts'))).toBe(true);
  });
});
