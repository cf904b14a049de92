// The type checker and the linter are part of the test suite, so `npm test` (and CI)
// fails on a type error or a lint error like on any other defect.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

async function check(bin: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'node_modules', bin), ...args], { cwd: root, maxBuffer: 1 << 24 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

describe('static checks', () => {
  it('tsc --noEmit (strict) is clean', async () => {
    const { code, output } = await check('typescript/bin/tsc', ['--noEmit', '-p', '.']);
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 180_000);

  it('eslint (typescript-eslint, type-aware) is clean', async () => {
    const { code, output } = await check('eslint/bin/eslint.js', ['.']);
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 300_000);
});
