// `npm run data` (test/data/fetch-data.ts), run as a real process against a local HTTP server
// that serves the data files at their origin URLs (MARKETFEED_DATA_ORIGIN replaces
// https://raw.githubusercontent.com): every file lands and verifies, the length-prefixed ITCH
// file is derived, a second run downloads nothing, and a corrupted byte is refused with both
// digests and leaves no file behind. GitHub itself is not reachable from the test machine.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../helpers/shared-data.ts';
import { type DownloadedFile, loadDataManifest } from './data-manifest.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const SCRIPT = path.join(root, 'test', 'data', 'fetch-data.ts');
const manifest = loadDataManifest();
const downloaded = [...manifest.files.values()].filter((file): file is DownloadedFile => 'origin' in file);
const DICTIONARY = 'fix/dictionaries/FIX44.xml';
const DERIVED = 'itch/ex20101224.TEST_ITCH_50.lenprefixed';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-fetch-data-'));

/** What the server does differently for one file (by its manifest name). */
interface Misbehaviour {
  corrupt?: Set<string>;
  missing?: Set<string>;
  /** Answers 503 to the first request for these files. */
  flaky?: Set<string>;
}

let misbehaviour: Misbehaviour = {};
/** Requests per manifest name since the last reset. */
const requests = new Map<string, number>();
const byUrlPath = new Map<string, DownloadedFile>();
for (const file of downloaded) {
  const origin = manifest.origins.get(file.origin);
  if (origin === undefined) throw new Error(`no origin ${file.origin}`);
  byUrlPath.set(`/${origin.repository}/${origin.commit}/${file.path}`, file);
}

const server = http.createServer((request, response) => {
  const file = byUrlPath.get(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
  if (file === undefined) return void response.writeHead(404).end('no such file');
  const seen = (requests.get(file.relative) ?? 0) + 1;
  requests.set(file.relative, seen);
  if (misbehaviour.missing?.has(file.relative) === true) return void response.writeHead(404).end('404: Not Found');
  if (misbehaviour.flaky?.has(file.relative) === true && seen === 1) return void response.writeHead(503).end('try later');
  const bytes = Buffer.from(fs.readFileSync(dataPath(file.relative)));
  if (misbehaviour.corrupt?.has(file.relative) === true) bytes[bytes.length >> 1] ^= 0x01;
  response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
});

let origin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs the script into `cache` (async: the server answers from this process). */
function fetchData(cache: string, served: Misbehaviour = {}, from = origin): Promise<{ code: number; stdout: string; stderr: string }> {
  misbehaviour = served;
  requests.clear();
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT], { env: { ...process.env, MARKETFEED_DATA_ORIGIN: from, MARKETFEED_DATA_CACHE: cache } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** Every file under dir, relative to it. */
function filesIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('npm run data', () => {
  it('is the npm script that runs the downloader', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.data).toBe('node test/data/fetch-data.ts');
  });

  describe('into an empty cache', () => {
    const cache = path.join(scratch, 'cache');

    it('downloads every file once, verifies it and derives the length-prefixed ITCH file', async () => {
      const run = await fetchData(cache);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${downloaded.length} downloaded, 1 derived, 0 already verified`);
      expect([...requests.keys()].sort()).toEqual(downloaded.map((file) => file.relative).sort());
      expect([...requests.values()].every((count) => count === 1)).toBe(true);
      // Exactly the manifest's files, byte for byte the copies the tests read, no temporary file left.
      expect(filesIn(cache)).toEqual([...manifest.files.keys()].sort());
      for (const relative of manifest.files.keys()) {
        expect(fs.readFileSync(path.join(cache, relative)).equals(fs.readFileSync(dataPath(relative))), relative).toBe(true);
      }
      // The derived file: the original's zero prefixes set to each message's length (S: 12, R: 39).
      const original = fs.readFileSync(path.join(cache, 'itch/ex20101224.TEST_ITCH_50'));
      const derived = fs.readFileSync(path.join(cache, DERIVED));
      expect([original.readUInt16BE(0), original.readUInt16BE(14)]).toEqual([0, 0]);
      expect([derived.readUInt16BE(0), derived.readUInt16BE(14)]).toEqual([12, 39]);
      expect(sha256(derived)).toBe(manifest.files.get(DERIVED)?.sha256);
    });

    it('downloads nothing on a second run', async () => {
      const run = await fetchData(cache);
      expect(run.code).toBe(0);
      expect(requests.size).toBe(0);
      expect(run.stdout).toContain(`0 downloaded, 0 derived, ${manifest.files.size} already verified`);
    });

    it('downloads again a cached file that no longer matches its pin', async () => {
      fs.writeFileSync(path.join(cache, DICTIONARY), 'edited by hand');
      const run = await fetchData(cache);
      expect(run.code).toBe(0);
      expect([...requests.keys()]).toEqual([DICTIONARY]);
      expect(fs.readFileSync(path.join(cache, DICTIONARY)).equals(fs.readFileSync(dataPath(DICTIONARY)))).toBe(true);
    });
  });

  it('refuses a corrupted byte with the file, both digests and nothing left behind, and names a missing file', async () => {
    const cache = path.join(scratch, 'corrupt');
    const missing = 'lobster/AAPL_2012-06-21_34200000_57600000_message_10.first998.csv';
    const run = await fetchData(cache, { corrupt: new Set([DICTIONARY]), missing: new Set([missing]) });
    expect(run.code).toBe(1);
    const bad = Buffer.from(fs.readFileSync(dataPath(DICTIONARY)));
    bad[bad.length >> 1] ^= 0x01;
    expect(run.stderr).toContain(`${DICTIONARY}: sha256 mismatch: expected ${manifest.files.get(DICTIONARY)?.sha256}, got ${sha256(bad)}`);
    expect(run.stderr).toContain(`${missing}: HTTP 404 from ${origin}/YileZheng/OrderBook_HLS/4b711a6a3b0a7f8b3701805d6233e75893fb514f/data/AAPL_2012-06-21_34200000_57600000_message_10.csv`);
    expect(run.stderr).toContain(`2 of ${manifest.files.size} files failed`);
    const landed = filesIn(cache);
    expect(landed).not.toContain(DICTIONARY);
    expect(landed).not.toContain(missing);
    // Everything else verified and stayed; no temporary name anywhere.
    expect(landed).toEqual([...manifest.files.keys()].filter((relative) => relative !== DICTIONARY && relative !== missing).sort());
  });

  it('retries a file the server answers 503 to', async () => {
    const cache = path.join(scratch, 'flaky');
    const run = await fetchData(cache, { flaky: new Set([DICTIONARY]) });
    expect(run.code).toBe(0);
    expect(requests.get(DICTIONARY)).toBe(2);
    expect(filesIn(cache)).toEqual([...manifest.files.keys()].sort());
  });

  it('stops early, naming the unreachable origin, when no connection can be made', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cache = path.join(scratch, 'offline');
    const run = await fetchData(cache, {}, `http://127.0.0.1:${port}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`fetch failed: .*ECONNREFUSED.* \\(after 3 attempts\\) from http://127\\.0\\.0\\.1:${port}/`));
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
    // At most one failure per parallel download, the rest counted, not attempted one by one.
    expect(errors.length).toBeLessThanOrEqual(10);
    expect(run.stderr).toMatch(/error: \d+ more files not attempted: the origin cannot be reached/);
    expect(run.stderr).toContain(`${manifest.files.size} of ${manifest.files.size} files failed`);
    expect(fs.existsSync(cache) ? filesIn(cache) : []).toEqual([]);
  });
});
