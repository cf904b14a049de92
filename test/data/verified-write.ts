// Writes a data file only once its bytes match the pinned sha256: the bytes go to a
// temporary name beside the target, hashed as they are written, and are renamed onto the
// target only when the digest matches; on a mismatch or any failure the temporary file is
// removed, so the target is either absent, as it was, or verified. If the process itself ends
// mid-write, temporary-files.ts removes the file on the way out or on the next run.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { claimTemporaryFile, releaseTemporaryFile } from './temporary-files.ts';

export class DigestMismatchError extends Error {
  override name = 'DigestMismatchError';
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(`sha256 mismatch: expected ${expected}, got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Writes the chunks to `target` if their sha256 is `expected`; returns the byte count. */
export async function writeVerified(target: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, expected: string): Promise<number> {
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = claimTemporaryFile(target);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const handle = await open(temporary, 'wx');
    try {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.length;
        await handle.write(chunk);
      }
    } finally {
      await handle.close();
    }
    const actual = hash.digest('hex');
    if (actual !== expected) throw new DigestMismatchError(expected, actual);
    await rename(temporary, target);
    return bytes;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    releaseTemporaryFile(temporary);
  }
}
