// `npm run data` (test/data/fetch-data.ts), run as a real process against a local HTTP server
// that serves the data files at their origin URLs (MARKETFEED_DATA_ORIGIN replaces
// https://raw.githubusercontent.com): every file lands and verifies, the length-prefixed ITCH
// file is derived, a second run downloads nothing, and a corrupted byte is refused with both
// digests and leaves no file behind. The server also misbehaves as real ones do: closing the
// connection mid-body (with a Content-Length, chunked, or with no framing at all), and Python's
// http.server (HTTP/1.0, one connection per response) serves a mirror of the GitHub layout.
// Temporary files a crashed run left are removed; the last line names the data directory.
// GitHub itself is not reachable from the test machine.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIRECTORY_LINE, DOCUMENTED_DATA_DIR, dataDirectory, dataPath } from '../helpers/shared-data.ts';
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
  /** Each a way to cut the body short on the first request, or on every request (`always`). */
  cut?: Map<string, Cut>;
  /** Answered HTTP/1.0 style: no Content-Length, the body ends when the connection closes. */
  unframed?: Set<string>;
}

type Cut = 'content-length' | 'chunked' | 'unframed' | 'always';

/** Writes a response on the raw socket and closes the connection: half the body when `cut`. */
function answerRaw(socket: NodeJS.WritableStream & { destroy(): void }, bytes: Buffer, framing: 'content-length' | 'chunked' | 'unframed', cut: boolean): void {
  const sent = cut ? bytes.subarray(0, bytes.length >> 1) : bytes;
  if (framing === 'content-length') socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`);
  else if (framing === 'chunked') socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
  else socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n');
  if (framing === 'chunked') socket.write(`${sent.length.toString(16)}\r\n`);
  socket.write(sent);
  if (framing === 'chunked' && !cut) socket.write('\r\n0\r\n\r\n');
  // A cut: the connection goes away once the bytes are out, without the rest.
  socket.end();
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
  const cut = misbehaviour.cut?.get(file.relative);
  if (cut !== undefined) return answerRaw(request.socket, bytes, cut === 'always' ? 'content-length' : cut, cut === 'always' || seen === 1);
  if (misbehaviour.unframed?.has(file.relative) === true) return answerRaw(request.socket, bytes, 'unframed', false);
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

/** A mirror of the GitHub layout (owner/name/commit/path) served by Python's http.server: HTTP/1.0, a connection closed after each response. */
async function startPythonMirror(): Promise<{ origin: string; child: ChildProcess }> {
  const root = path.join(scratch, 'mirror');
  for (const [urlPath, file] of byUrlPath) {
    fs.mkdirSync(path.dirname(path.join(root, urlPath)), { recursive: true });
    fs.copyFileSync(dataPath(file.relative), path.join(root, urlPath));
  }
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<string>((resolve, reject) => {
    let said = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const found = /port (\d+)/.exec(said);
      if (found !== null) resolve(found[1]);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`python3 -m http.server exited (${code}) before serving: ${said}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, child };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

  it('retries a body cut short: with a Content-Length, chunked, or ended by the close (an unframed body), and reads an unframed one whole', async () => {
    const cache = path.join(scratch, 'cut');
    const [contentLength, chunked, unframedCut, unframed] = ['fix/dictionaries/FIX44.xml', 'fix/dictionaries/FIX50SP2.xml', 'fix/dictionaries/FIX42.xml', 'fix/dictionaries/FIXT11.xml'];
    const cut = new Map<string, Cut>([
      [contentLength, 'content-length'],
      [chunked, 'chunked'],
      [unframedCut, 'unframed'],
    ]);
    const run = await fetchData(cache, { cut, unframed: new Set([unframed]) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect([contentLength, chunked, unframedCut, unframed].map((relative) => requests.get(relative))).toEqual([2, 2, 2, 1]);
    expect(filesIn(cache)).toEqual([...manifest.files.keys()].sort());
    for (const relative of [contentLength, chunked, unframedCut, unframed]) {
      expect(fs.readFileSync(path.join(cache, relative)).equals(fs.readFileSync(dataPath(relative))), relative).toBe(true);
    }
  });

  it('gives up on a file whose body is always cut short, saying how many bytes came, and fetches the others', async () => {
    const cache = path.join(scratch, 'always-cut');
    const size = fs.statSync(dataPath(DICTIONARY)).size;
    const run = await fetchData(cache, { cut: new Map([[DICTIONARY, 'always']]) });
    expect(run.code).toBe(1);
    expect(requests.get(DICTIONARY)).toBe(3);
    expect(run.stderr).toContain(`error: ${DICTIONARY}: the connection closed after ${size >> 1} of ${size} bytes (after 3 attempts) from ${origin}/`);
    expect(run.stderr).toContain(`1 of ${manifest.files.size} files failed`);
    // The origin answered: the other files are not abandoned as if it were unreachable.
    expect(filesIn(cache)).toEqual([...manifest.files.keys()].filter((relative) => relative !== DICTIONARY).sort());
  });

  it("fills the cache from Python's http.server (HTTP/1.0, a connection closed after each response) serving the GitHub layout", async () => {
    const mirror = await startPythonMirror();
    try {
      const cache = path.join(scratch, 'python');
      const run = await fetchData(cache, {}, mirror.origin);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`${downloaded.length} downloaded, 1 derived, 0 already verified`);
      expect(filesIn(cache)).toEqual([...manifest.files.keys()].sort());
    } finally {
      mirror.child.kill();
    }
  });

  it('removes the temporary files an earlier run left when it crashed, not those of a run still writing', async () => {
    const cache = path.join(scratch, 'stale');
    const folder = path.join(cache, path.dirname(DICTIONARY));
    fs.mkdirSync(folder, { recursive: true });
    // Named as the downloader names them: target.PID-RANDOM.download; no process has pid 2^31-2.
    const stale = [`${DICTIONARY}.2147483646-0badf00d.download`, 'lobster/x.csv.2147483646-00000000.download'];
    const live = `${DICTIONARY}.${process.pid}-1234abcd.download`;
    for (const relative of [...stale, live]) {
      fs.mkdirSync(path.dirname(path.join(cache, relative)), { recursive: true });
      fs.writeFileSync(path.join(cache, relative), relative === stale[1] ? '' : 'half a file');
    }
    const run = await fetchData(cache);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('removed 2 temporary files left by an earlier run');
    expect(filesIn(cache)).toEqual([...manifest.files.keys(), live].sort());
    fs.rmSync(path.join(cache, live));
  });

  it('ends by naming the data directory, which the docs write as ../shared/data/', async () => {
    const cache = path.join(scratch, 'cache');
    const run = await fetchData(cache);
    expect(run.code).toBe(0);
    const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    const directory = dataDirectory({ ...process.env, MARKETFEED_DATA_CACHE: cache })?.dir;
    expect(directory).toBeDefined();
    expect(last).toMatch(new RegExp(`^${DATA_DIRECTORY_LINE} ${escapeRegExp(directory ?? '')}\\b`));
    expect(last).toContain(DOCUMENTED_DATA_DIR);
    // Where the tests read first is not the download: the line names both.
    if (directory !== cache) expect(last).toContain(cache);
  });

  it('stops early, naming the unreachable origin, when no connection can be made', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const cache = path.join(scratch, 'offline');
    const run = await fetchData(cache, {}, `http://127.0.0.1:${port}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`no answer: .*ECONNREFUSED.* \\(after 3 attempts\\) from http://127\\.0\\.0\\.1:${port}/`));
    const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
    // At most one failure per parallel download, the rest counted, not attempted one by one.
    expect(errors.length).toBeLessThanOrEqual(10);
    expect(run.stderr).toMatch(/error: \d+ more files not attempted: the origin cannot be reached/);
    expect(run.stderr).toContain(`${manifest.files.size} of ${manifest.files.size} files failed`);
    expect(fs.existsSync(cache) ? filesIn(cache) : []).toEqual([]);
  });
});
