// `npm run bench -- operator`: 200 MarketFeeds created at once against the test API server
// (test/kube), reconciled by the real `marketfeed operator` in a child process. A stand-in
// kubelet marks each Deployment ready as soon as it appears, so "reconciled" means what a
// user waits for: every feed's status Ready=True at its current generation. Then nothing
// changes for a while, and every API write in that time is counted (the target is none).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATOR_NODE_OPTIONS } from '../../cdk8s/install/operator-install.ts';
import { startTestApiServer, type TestApiServer } from '../../test/kube/test-api-server.ts';
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { cleanupOnSignal } from '../lib/signal-cleanup.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { exampleFeeds, isReconciled } from './feed-fleet.ts';
import { Kubelet } from './kubelet.ts';
import { measureOperatorMemory } from './operator-memory.ts';

const FEEDS = 200;
const NAMESPACE = 'bench';
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime', 'cli', 'marketfeed.ts');
const RECONCILE_LIMIT_MS = 120_000;
/** The idle window starts once the operator has made no write for this long (e.g. the last Ready Events). */
const SETTLE_MS = 1000;
/** Between looks at the store: each look copies every feed and Deployment out of it, in the server's thread. */
const POLL_MS = 200;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const idleS = options.quick ? 5 : 30;
  const server = await startTestApiServer({ namespaces: ['default', NAMESPACE] });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-operator-bench-'));
  const kubeconfig = path.join(directory, 'kubeconfig');
  fs.writeFileSync(kubeconfig, server.kubeConfig().exportConfig());
  const operator = spawn(process.execPath, [CLI, 'operator', '--kubeconfig', kubeconfig, '--metrics-port', '0', '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: process.env.OPERATOR_NODE_OPTIONS ?? OPERATOR_NODE_OPTIONS } });
  const unregister = cleanupOnSignal(() => operator.kill('SIGKILL'));
  const kubelet = new Kubelet(server);
  const errors: string[] = [];
  const rows: ResultRow[] = [];
  let idleWrites: string[] = [];
  try {
    await server.waitForWatches(2, 30_000);
    const startedMs = performance.now();
    for (const feed of exampleFeeds(FEEDS, NAMESPACE)) server.store.put(feed);
    let reconciled = 0;
    await until(() => {
      kubelet.markNewDeploymentsReady();
      reconciled = server.store.list('marketfeed.dev/v1alpha1', 'MarketFeed', NAMESPACE).filter(isReconciled).length;
      return reconciled === FEEDS;
    }, RECONCILE_LIMIT_MS, () => `${reconciled} of ${FEEDS} feeds reconciled`);
    const seconds = (performance.now() - startedMs) / 1000;
    const requests = server.requests.count();
    await quietFor(server, SETTLE_MS);
    const writesBefore = writeCount(server);
    const idleFrom = server.requests.mark();
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
    idleWrites = server.requests
      .since(idleFrom)
      .filter((record) => WRITE_VERBS.includes(record.verb))
      .map((record) => `${record.verb} ${record.resource ?? ''}${record.subresource === undefined ? '' : `/${record.subresource}`} ${record.namespace ?? ''}/${record.name ?? ''} (${record.outcome ?? record.status})`);
    rows.push({
      case: `reconcile-${FEEDS}`,
      impl: 'marketfeed',
      feeds: FEEDS,
      seconds_to_reconcile_all: round(seconds, 2),
      requests_per_feed: round(requests / FEEDS, 1),
      idle_writes: writeCount(server) - writesBefore,
      idle_seconds: idleS,
    });
  } catch (error) {
    errors.push(`reconcile-${FEEDS} marketfeed: ${(error as Error).message}`);
  } finally {
    operator.kill('SIGTERM');
    if (operator.exitCode === null && operator.signalCode === null) await new Promise((resolve) => operator.once('exit', resolve));
    unregister();
    await server.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
  // Peak RSS, bundled entry beside unbundled: operators of their own, after this one stopped.
  const memory = await measureOperatorMemory(FEEDS);
  const row = rows[0] as ResultRow | undefined;
  const figure = (key: string): number | undefined => (typeof row?.[key] === 'number' ? row[key] : undefined);
  return {
    rows: [...rows, ...memory.rows],
    baseline: 'marketfeed',
    caseTitles: { [`reconcile-${FEEDS}`]: `${FEEDS} MarketFeeds created at once, each reconciled to Ready; then ${idleS} s with nothing changing`, ...memory.caseTitles },
    notes: [
      'the test API server (test/kube) runs in the bench process over loopback HTTP; the operator is the real CLI in a child process (one worker pool, no leader election), ' +
        `with the operator Deployment's NODE_OPTIONS (${process.env.OPERATOR_NODE_OPTIONS ?? OPERATOR_NODE_OPTIONS})`,
      'a stand-in kubelet marks every Deployment ready as soon as it exists; reconciled = status Ready=True with observedGeneration = generation, for every feed',
      `the idle window starts once the operator has made no write for ${SETTLE_MS / 1000} s (its last Events follow the last Ready status)`,
      ...(idleWrites.length === 0 ? [] : [`writes while idle: ${idleWrites.join('; ')}`]),
      'requests_per_feed counts every request the operator made until then (discovery, lists, watches, applies, status writes) ÷ feeds',
      ...memory.notes,
    ],
    targets: [
      atMost(`${FEEDS} feeds reconciled in under 10 s`, figure('seconds_to_reconcile_all'), 10, (value) => `${value} s`),
      atMost('0 API writes while idle', figure('idle_writes'), 0, (value) => `${value} writes`),
      atLeast('every feed reconciled', row === undefined ? undefined : FEEDS, FEEDS, (value) => `${value} feeds`),
      ...memory.targets,
    ],
    errors: [...errors, ...memory.errors],
  };
}

const WRITE_VERBS: readonly string[] = ['create', 'update', 'patch', 'apply', 'delete', 'deletecollection'];

function writeCount(server: TestApiServer): number {
  return server.requests.all().filter((record) => WRITE_VERBS.includes(record.verb)).length;
}

/** Waits until no write has arrived for quietMs (at most 10 s). */
async function quietFor(server: TestApiServer, quietMs: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  let writes = writeCount(server);
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = writeCount(server);
    if (now !== writes) {
      writes = now;
      quietSince = performance.now();
    }
  }
}

async function until(done: () => boolean, limitMs: number, progress: () => string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not reconciled within ${limitMs / 1000} s: ${progress()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
