// A --quick run of every benchmark, as CI's smoke test: it must finish, measure every
// implementation of every case, and write results in the DESIGN.md format.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-bench-'));
afterAll(() => fs.rmSync(resultsDir, { recursive: true, force: true }));

const SHM_IMPLS = ['marketfeed', 'worker-threads-sab', 'postMessage'];
const TCP_BINARY_IMPLS = ['marketfeed', 'naive-binary', 'naive', 'marketfeed-shm'];
const TCP_NDJSON_IMPLS = ['marketfeed', 'naive', 'marketfeed-shm'];
const FIX_IMPLS = ['marketfeed', 'jspurefix', 'jspurefix-toObject'];
const BOOK_IMPLS = ['marketfeed', 'hft-limit-order-book'];

/** Per bench, the impls each case must have a row for. */
const BENCHES: Record<string, Record<string, string[]>> = {
  shm: { 'throughput-per-record': SHM_IMPLS, 'throughput-batched': SHM_IMPLS, 'latency-100k': SHM_IMPLS, 'latency-1m': SHM_IMPLS },
  tcp: {
    'throughput-binary': TCP_BINARY_IMPLS,
    'throughput-ndjson': TCP_NDJSON_IMPLS,
    'latency-100k-binary': TCP_BINARY_IMPLS,
    'latency-100k-ndjson': TCP_NDJSON_IMPLS,
  },
  operator: { 'reconcile-200': ['marketfeed'] },
  fix: {
    'new-order-single-parse': FIX_IMPLS,
    'new-order-single': FIX_IMPLS,
    'execution-report': FIX_IMPLS,
    'md-incremental-8': FIX_IMPLS,
    'steady-state-allocation': FIX_IMPLS,
    clock: ['monotonicNs'],
  },
  book: { 'lobster-throughput': BOOK_IMPLS, 'lobster-update-latency': BOOK_IMPLS, 'lobster-allocation': BOOK_IMPLS },
};

interface Row {
  case: string;
  impl: string;
  [figure: string]: unknown;
}

describe.each(Object.entries(BENCHES))('bench %s --quick', (name, expected) => {
  it('measures every case and implementation and writes DESIGN.md-format JSON', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'bench', 'run.ts'), name, '--quick'], {
      cwd: root,
      env: { ...process.env, MARKETFEED_BENCH_RESULTS: resultsDir },
      maxBuffer: 1 << 24,
    });
    expect(stdout).toMatch(/targets:/);
    const result = JSON.parse(fs.readFileSync(path.join(resultsDir, `${name}.json`), 'utf8')) as {
      bench: string; when: string; commit: string; machine: { cpus: number; node: string }; rows: Row[];
    };
    expect(result.bench).toBe(name);
    expect(Date.parse(result.when)).not.toBeNaN();
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.machine.node).toMatch(/^v24\./);
    for (const [benchCase, impls] of Object.entries(expected)) {
      for (const impl of impls) {
        const row = result.rows.find((r) => r.case === benchCase && r.impl === impl);
        expect(row, `${benchCase} ${impl}`).toBeDefined();
        // Figures are measured or omitted, never zero.
        for (const [key, value] of Object.entries(row!)) if (key.endsWith('_ns') || key === 'msgs_per_s') expect(value, `${benchCase} ${impl} ${key}`).toBeGreaterThan(0);
      }
    }
  }, 180_000);
});
