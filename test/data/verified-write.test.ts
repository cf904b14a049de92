// writeVerified (test/data/verified-write.ts) leaves no temporary file however the write ends:
// a failing source, an uncaught exception elsewhere in the process while the file is half
// written (how undici's assertion, nodejs/undici#5360, killed `npm run data`), or SIGTERM or
// SIGINT in the middle. Each runs in a real child process, caught while the file is half written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MODULE = path.join(import.meta.dirname, 'verified-write.ts');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-verified-write-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Ending = 'source-fails' | 'uncaught-exception' | 'SIGTERM' | 'SIGINT';

// Writes half a file through writeVerified, says so, then ends as told (a signal comes from the test).
const CHILD = `
import { writeVerified } from ${JSON.stringify(MODULE)};
const [target, ending] = process.argv.slice(1);
setInterval(() => {}, 1000);
async function* halfAFile() {
  yield Buffer.from('half a file');
  process.stdout.write('half written\\n');
  if (ending === 'source-fails') throw new Error('the source failed');
  if (ending === 'uncaught-exception') setTimeout(() => { throw new Error('an exception elsewhere'); }, 10);
  await new Promise(() => {});
}
writeVerified(target, halfAFile(), '0'.repeat(64)).catch((error) => {
  process.stderr.write('writeVerified: ' + error.message + '\\n');
  process.exit(3);
});
`;

function endWrite(ending: Ending): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; left: string[] }> {
  const dir = fs.mkdtempSync(path.join(scratch, `${ending}-`));
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, path.join(dir, 'sub', 'file.xml'), ending], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('half written') && (ending === 'SIGTERM' || ending === 'SIGINT')) {
      // The temporary file is there, half written, when the signal comes.
      expect(fs.readdirSync(path.join(dir, 'sub')).filter((name) => name.endsWith('.download'))).toHaveLength(1);
      child.kill(ending);
    }
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal, stderr, left: fs.readdirSync(dir, { recursive: true }).map(String) }));
  });
}

describe('writeVerified', () => {
  it('removes its temporary file when the source fails', async () => {
    const ended = await endWrite('source-fails');
    expect(ended.stderr).toContain('writeVerified: the source failed');
    expect(ended.code).toBe(3);
    expect(ended.left).toEqual(['sub']);
  });

  it('removes its temporary file when an uncaught exception ends the process in the middle', async () => {
    const ended = await endWrite('uncaught-exception');
    expect(ended.stderr).toContain('an exception elsewhere');
    expect(ended.code).toBe(1);
    expect(ended.left).toEqual(['sub']);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('removes its temporary file when %s ends the process in the middle, and still dies of the signal', async (signal) => {
    const ended = await endWrite(signal);
    expect(ended.signal).toBe(signal);
    expect(ended.left).toEqual(['sub']);
  });
});
