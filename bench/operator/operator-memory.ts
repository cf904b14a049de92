// The operator's memory, part of `npm run bench -- operator`: peak RSS (VmHWM) of the real
// `marketfeed operator` process reconciling a fleet of MarketFeeds against the test API
// server, once for each way it runs: the bundled entry the image and the published package
// run (dist/bundle/, rebuilt here with the same esbuild step as `npm run build`, so never a
// stale one) and the TypeScript sources a checkout runs. Same fleet, same stand-in kubelet,
// same NODE_OPTIONS as the operator Deployment, one after the other, each against its own
// fresh server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPERATOR_MEMORY_ENV } from '../../cdk8s/install/operator-install.ts';
import { buildOperatorBundle, OPERATOR_BUNDLE } from '../../operator/bundle/build-operator-bundle.ts';
import { CLI } from '../../test/helpers/cli.ts';
import { startTestApiServer } from '../../test/kube/test-api-server.ts';
import { waitFor } from '../../test/operator/helpers/wait.ts';
import type { ResultRow, TargetResult } from '../lib/bench-report.ts';
import { cleanupOnSignal } from '../lib/signal-cleanup.ts';
import { atMost } from '../lib/targets.ts';
import { exampleFeeds, isReconciled } from './feed-fleet.ts';
import { Kubelet } from './kubelet.ts';

const NAMESPACE = 'bench-memory';
const RECONCILE_LIMIT_MS = 120_000;
/** After the last feed is Ready: its Events, the watch events of the status writes, a GC cycle or two. */
const HOLD_MS = 5_000;
export const RSS_TARGET_MB = 100;

/** A way to start the operator: the script node runs, before `operator …`. */
interface OperatorEntryPoint {
  impl: 'bundled' | 'unbundled';
  script: string;
}

const ENTRY_POINTS: readonly OperatorEntryPoint[] = [
  { impl: 'bundled', script: OPERATOR_BUNDLE },
  { impl: 'unbundled', script: CLI },
];

export interface OperatorMemory {
  rows: ResultRow[];
  caseTitles: Record<string, string>;
  notes: string[];
  targets: TargetResult[];
  errors: string[];
}

interface MemoryStatus {
  peakMb: number;
  currentMb: number;
}

/** VmHWM (the most resident memory the process ever had) and VmRSS, from /proc. */
export function memoryStatus(pid: number): MemoryStatus {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
  return { peakMb: mb('VmHWM'), currentMb: mb('VmRSS') };
}

/** Starts one operator against a fresh test API server, reconciles `feeds` feeds, and reads its memory. */
async function measureEntryPoint(entry: OperatorEntryPoint, feeds: number, holdMs: number): Promise<ResultRow> {
  const server = await startTestApiServer({ namespaces: ['default', NAMESPACE] });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-operator-memory-'));
  const kubeconfig = path.join(directory, 'kubeconfig');
  fs.writeFileSync(kubeconfig, server.kubeConfig().exportConfig());
  const operator = spawn(process.execPath, [entry.script, 'operator', '--kubeconfig', kubeconfig, '--metrics-port', '0', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...OPERATOR_MEMORY_ENV },
  });
  const exited = new Promise<number | null>((resolve) => operator.once('exit', (code) => resolve(code)));
  const unregister = cleanupOnSignal(() => operator.kill('SIGKILL'));
  try {
    await server.waitForWatches(2, 30_000);
    const startedMs = performance.now();
    for (const feed of exampleFeeds(feeds, NAMESPACE)) server.store.put(feed);
    const kubelet = new Kubelet(server);
    let reconciled = 0;
    await waitFor(
      () => {
        kubelet.markNewDeploymentsReady();
        reconciled = server.store.list('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE).filter(isReconciled).length;
        return reconciled === feeds;
      },
      { timeoutMs: RECONCILE_LIMIT_MS, intervalMs: 200, what: () => `${entry.impl}: ${reconciled} of ${feeds} feeds reconciled` },
    );
    const seconds = (performance.now() - startedMs) / 1000;
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    const memory = memoryStatus(operator.pid!);
    operator.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`${entry.impl} operator exited ${code} on SIGTERM`);
    return {
      case: `memory-${feeds}`,
      impl: entry.impl,
      feeds,
      seconds_to_reconcile_all: Number(seconds.toFixed(2)),
      peak_rss_mb: Number(memory.peakMb.toFixed(1)),
      rss_mb_at_rest: Number(memory.currentMb.toFixed(1)),
    };
  } finally {
    if (operator.exitCode === null && operator.signalCode === null) {
      operator.kill('SIGKILL');
      await exited;
    }
    unregister();
    await server.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** Both entry points, the bundle first (built now); the bundled row carries its ratio to the unbundled peak. */
/** `holdMs`: how long after Ready the memory is read (the full bench's HOLD_MS; a smoke run shortens it). */
export async function measureOperatorMemory(feeds: number, holdMs = HOLD_MS): Promise<OperatorMemory> {
  const errors: string[] = [];
  const rows: ResultRow[] = [];
  let bundleMb: number | undefined;
  try {
    const metafile = await buildOperatorBundle();
    bundleMb = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0) / 1024 / 1024;
  } catch (error) {
    errors.push(`memory-${feeds}: building the operator bundle failed: ${(error as Error).message}`);
  }
  for (const entry of ENTRY_POINTS) {
    if (entry.impl === 'bundled' && bundleMb === undefined) continue;
    try {
      rows.push(await measureEntryPoint(entry, feeds, holdMs));
    } catch (error) {
      errors.push(`memory-${feeds} ${entry.impl}: ${(error as Error).message}`);
    }
  }
  const peak = (impl: string): number | undefined => rows.find((row) => row.impl === impl)?.peak_rss_mb as number | undefined;
  const bundled = peak('bundled');
  const unbundled = peak('unbundled');
  const bundledRow = rows.find((row) => row.impl === 'bundled');
  if (bundledRow !== undefined && bundled !== undefined && unbundled !== undefined) bundledRow.peak_rss_vs_unbundled = Number((bundled / unbundled).toFixed(2));
  return {
    rows,
    caseTitles: { [`memory-${feeds}`]: `operator peak RSS reconciling ${feeds} MarketFeeds: the bundled entry (image, package) beside the TypeScript sources (checkout)` },
    notes: [
      `memory-${feeds}: bundled = ${path.relative(process.cwd(), OPERATOR_BUNDLE)}${bundleMb === undefined ? '' : ` (${bundleMb.toFixed(1)} MB, esbuild: minified, tree-shaken, ESM, node24)`}, ` +
        `unbundled = ${path.relative(process.cwd(), CLI)}; each against its own test API server with the operator Deployment's memory environment (${Object.entries(OPERATOR_MEMORY_ENV).map(([name, value]) => `${name}=${value}`).join(' ')}); ` +
        `peak_rss_mb is VmHWM read ${holdMs / 1000} s after every feed is Ready, rss_mb_at_rest is VmRSS then; peak_rss_vs_unbundled = bundled ÷ unbundled peak`,
    ],
    targets: [atMost(`bundled operator peak RSS under ${RSS_TARGET_MB} MB with ${feeds} feeds`, bundled, RSS_TARGET_MB, (value) => `${value} MB (unbundled ${unbundled ?? '—'} MB)`)],
    errors,
  };
}
