// Fills a cache directory with the manifest's files: each one already there with its pinned
// sha256 is kept; each other one is downloaded from its origin URL (a few at a time, with
// retries for what may pass: no answer, a body cut short, HTTP 429 and 5xx) or derived from a
// verified file, and written only if it verifies (verified-write.ts). A failed file is
// reported and leaves nothing; the others still land. Once the origin cannot be reached at
// all, the files still queued are not attempted: offline, the run ends in seconds. Temporary
// files an earlier, killed run left are removed first.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type DataFile, type DataManifest, type DerivedFile, type DownloadedFile, originUrl } from './data-manifest.ts';
import { DERIVATIONS } from './derivations.ts';
import { IncompleteAnswerError, NoAnswerError, httpGet } from './http-get.ts';
import { removeStaleTemporaryFiles } from './temporary-files.ts';
import { DigestMismatchError, sha256OfFile, writeVerified } from './verified-write.ts';

const PARALLEL_DOWNLOADS = 8;
const ATTEMPTS = 3;
const FIRST_RETRY_DELAY_MS = 500;
const REQUEST_TIMEOUT_MS = 60_000;
/** The largest file is 1.5 MB: a body far beyond that is not one of ours. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface FetchDataOptions {
  manifest: DataManifest;
  cacheDir: string;
  /** Replaces https://raw.githubusercontent.com in every URL. */
  originBase?: string;
  /** One line per file written. */
  log: (line: string) => void;
}

export interface FetchDataSummary {
  downloaded: number;
  derived: number;
  alreadyVerified: number;
  /** One message per file that failed, starting with its name. */
  failures: string[];
  /** Files left queued after the origin could not be reached. */
  notAttempted: number;
  /** Temporary files of earlier runs removed before starting. */
  staleRemoved: number;
}

/** An HTTP answer that is final: not one to retry, or retried in vain. */
class HttpError extends Error {
  override name = 'HttpError';
}

/** No answer from the origin after every attempt (DNS, refused connection, timeout…): the queue stops. */
class UnreachableError extends Error {
  override name = 'UnreachableError';
}

export async function fetchDataFiles(options: FetchDataOptions): Promise<FetchDataSummary> {
  const { manifest, cacheDir, log } = options;
  const summary: FetchDataSummary = { downloaded: 0, derived: 0, alreadyVerified: 0, failures: [], notAttempted: 0, staleRemoved: 0 };
  summary.staleRemoved = await removeStaleTemporaryFiles(cacheDir);
  if (summary.staleRemoved > 0) log(`removed ${summary.staleRemoved} temporary files left by an earlier run`);
  const verified = new Set<string>();
  let unreachable = false;
  const target = (file: DataFile): string => path.join(cacheDir, file.relative);
  const settle = async (file: DataFile, write: () => Promise<string>): Promise<void> => {
    try {
      if (existsSync(target(file))) {
        if ((await sha256OfFile(target(file))) === file.sha256) {
          summary.alreadyVerified++;
          verified.add(file.relative);
          return;
        }
        log(`${file.relative}: the cached copy does not match its pin; fetching it again`);
      }
      log(await write());
      verified.add(file.relative);
    } catch (error) {
      if (error instanceof UnreachableError) unreachable = true;
      summary.failures.push(`${file.relative}: ${(error as Error).message}`);
    }
  };

  const files = [...manifest.files.values()];
  const downloads = files.filter((file): file is DownloadedFile => 'origin' in file);
  const queue = [...downloads];
  const worker = async (): Promise<void> => {
    while (!unreachable) {
      const file = queue.shift();
      if (file === undefined) return;
      const url = originUrl(manifest, file, options.originBase);
      await settle(file, async () => {
        const bytes = await download(url, target(file), file.sha256);
        summary.downloaded++;
        return `downloaded ${file.relative} (${bytes.toLocaleString('en-US')} B)`;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, queue.length) }, worker));
  summary.notAttempted = queue.length;

  // Derived files come after the file they are computed from, in manifest order.
  for (const file of files.filter((entry): entry is DerivedFile => 'derivedFrom' in entry)) {
    await settle(file, async () => {
      if (!verified.has(file.derivedFrom)) throw new Error(`not derived: ${file.derivedFrom} is not there`);
      const source = await readFile(path.join(cacheDir, file.derivedFrom));
      await writeVerified(target(file), [DERIVATIONS[file.derivation](source)], file.sha256);
      summary.derived++;
      return `derived ${file.relative} from ${file.derivedFrom}`;
    });
  }
  return summary;
}

/** Downloads url into target through writeVerified, retrying what may pass; returns the bytes written. */
async function download(url: string, target: string, sha256: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const last = attempt === ATTEMPTS;
    try {
      const answer = await httpGet(url, { timeoutMs: REQUEST_TIMEOUT_MS, maxBytes: MAX_FILE_BYTES });
      if (answer.status === 200) {
        try {
          return await writeVerified(target, [answer.body], sha256);
        } catch (error) {
          // A body that ended with the connection may have been cut short: that may pass.
          if (!(error instanceof DigestMismatchError) || answer.framed || last) throw error;
        }
      } else {
        const passing = answer.status === 429 || answer.status >= 500;
        if (!passing || last) throw new HttpError(`HTTP ${answer.status} from ${url}${passing ? ` (after ${ATTEMPTS} attempts)` : ''}`);
      }
    } catch (error) {
      // Only a missing or incomplete answer may pass: a wrong digest, an HTTP answer that will
      // not change and a local failure (a full disk) are final.
      if (!(error instanceof NoAnswerError || error instanceof IncompleteAnswerError)) throw error;
      if (last) {
        const message = `${error.message} (after ${ATTEMPTS} attempts) from ${url}`;
        // An origin that answered, if badly, is still worth asking for the other files.
        throw error instanceof NoAnswerError ? new UnreachableError(message) : new Error(message);
      }
    }
    await delay(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1));
  }
}
