// A --quick run of every benchmark, as CI's smoke test: it must finish, measure every
// implementation of every case, and write results in the DESIGN.md format — to the git-ignored
// bench/results/quick/, never over the committed bench/results/NAME.json the README quotes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const committedDir = path.join(root, 'bench', 'results');
const quickDir = path.join(committedDir, 'quick');
/** The committed results as they were before any quick run of this file. */
const committedBefore = new Map(
  fs.readdirSync(committedDir).filter((file) => file.endsWith('.json')).map((file) => [file, fs.readFileSync(path.join(committedDir, file))]),
);

// Generous: the fix bench alone needs about 2 CPU-minutes, and a busy machine stretches that.
const TEST_TIMEOUT_MS = 600_000;
const SHM_IMPLS = ['marketfeed', 'worker-threads-sab', 'postMessage'];
const TCP_BINARY_IMPLS = ['marketfeed', 'naive-binary', 'naive', 'marketfeed-shm'];
const TCP_NDJSON_IMPLS = ['marketfeed', 'naive', 'marketfeed-shm'];
const FIX_IMPLS = ['marketfeed', 'jspurefix', 'jspurefix-toObject'];
const BOOK_IMPLS = ['marketfeed', 'hft-limit-order-book'];
const RELAY_IMPLS = ['marketfeed-relay', 'marketfeed-tcp'];
const MATCHING_IMPLS = ['marketfeed', 'hft-limit-order-book'];

/** Per bench, the impls each case must have a row for. */
const BENCHES: Record<string, Record<string, string[]>> = {
  shm: { 'throughput-per-record': SHM_IMPLS, 'throughput-batched': SHM_IMPLS, 'latency-100k': SHM_IMPLS, 'latency-1m': SHM_IMPLS },
  tcp: {
    'throughput-binary': TCP_BINARY_IMPLS,
    'throughput-ndjson': TCP_NDJSON_IMPLS,
    'latency-100k-binary': TCP_BINARY_IMPLS,
    'latency-100k-ndjson': TCP_NDJSON_IMPLS,
  },
  relay: { 'latency-100k': RELAY_IMPLS, throughput: RELAY_IMPLS },
  operator: { 'converge-200': ['marketfeed'], idle: ['marketfeed'], 'restart-then-idle': ['marketfeed'], 'memory-200': ['bundled', 'unbundled'] },
  'operator-health': { 'health-200': ['marketfeed'] },
  fix: {
    'new-order-single-parse': FIX_IMPLS,
    'new-order-single': FIX_IMPLS,
    'execution-report': FIX_IMPLS,
    'md-incremental-8': FIX_IMPLS,
    'steady-state-allocation': FIX_IMPLS,
    clock: ['monotonicNs'],
  },
  book: { 'lobster-throughput': BOOK_IMPLS, 'lobster-update-latency': BOOK_IMPLS, 'lobster-allocation': BOOK_IMPLS },
  'fix-store': { append: ['node-fs', 'marketfeed-never', 'marketfeed-flush', 'marketfeed-always', 'node-fs-fdatasync'], open: ['marketfeed', 'node-fs'] },
  exchange: { matching: MATCHING_IMPLS, 'matching-lobster': MATCHING_IMPLS, 'fix-round-trip': ['marketfeed', 'jspurefix'], 'fix-session-sustained': ['marketfeed', 'jspurefix'] },
};

interface Row {
  case: string;
  impl: string;
  [figure: string]: unknown;
}

describe.each(Object.entries(BENCHES))('bench %s --quick', (name, expected) => {
  it('measures every case and implementation and writes DESIGN.md-format JSON to bench/results/quick/, leaving the committed results alone', async () => {
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'bench', 'run.ts'), name, '--quick'], {
      cwd: root,
      maxBuffer: 1 << 24,
      // SIGTERM (the bench cleans up its children) before the test's own timeout, so that a bench
      // that overruns fails the test without running on after it.
      timeout: TEST_TIMEOUT_MS - 10_000,
    });
    expect(stdout).toMatch(/targets:/);
    expect(stdout).toContain(`wrote ${path.join('bench', 'results', 'quick', `${name}.json`)}`);
    for (const [file, bytes] of committedBefore) expect(fs.readFileSync(path.join(committedDir, file)).equals(bytes), `bench/results/${file} rewritten by a --quick run`).toBe(true);
    const quickFile = path.join(quickDir, `${name}.json`);
    const result = JSON.parse(fs.readFileSync(quickFile, 'utf8')) as {
      bench: string; when: string; quick: boolean; commit: string; machine: { cpus: number; node: string }; rows: Row[];
    };
    expect(result.bench).toBe(name);
    expect(result.quick).toBe(true);
    // Written by this run, not left by an earlier one (the ISO time has ms; allow for the second).
    expect(Date.parse(result.when)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    // git-ignored, so a quick run can't be committed by `git add bench/results`.
    await expect(promisify(execFile)('git', ['check-ignore', '--quiet', quickFile], { cwd: root })).resolves.toBeDefined();
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.machine.node).toMatch(/^v24\./);
    for (const [benchCase, impls] of Object.entries(expected)) {
      for (const impl of impls) {
        const row = result.rows.find((r) => r.case === benchCase && r.impl === impl);
        expect(row, `${benchCase} ${impl}`).toBeDefined();
        // Figures are measured or omitted, never zero.
        // (added_*_ns are differences between two measured paths: any sign.)
        for (const [key, value] of Object.entries(row!)) {
          if ((key.endsWith('_ns') && !key.startsWith('added_')) || key === 'msgs_per_s') expect(value, `${benchCase} ${impl} ${key}`).toBeGreaterThan(0);
        }
      }
    }
  }, TEST_TIMEOUT_MS);
});
