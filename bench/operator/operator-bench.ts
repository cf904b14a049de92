// `npm run bench -- operator`: 200 MarketFeeds created at once against the test API server
// (test/kube, which stores objects as a real API server does), reconciled by the real
// `marketfeed operator` in a child process. A stand-in kubelet marks each Deployment ready as
// soon as it appears, so "reconciled" means what a user waits for: every feed's status
// Ready=True at its current generation. Then the write-loop scenario: nothing changes for
// 60 s, the operator is restarted, nothing changes for 60 s; every API write and Event in
// each phase is counted from the server's request log (the target after convergence: none).
import { spawn, type ChildProcess } from 'node:child_process';
import { OPERATOR_NODE_OPTIONS } from '../../cdk8s/install/operator-install.ts';
import type { TestApiServer } from '../../test/kube/test-api-server.ts';
import type { BenchOptions, BenchReport, ResultRow } from '../lib/bench-report.ts';
import { BENCH_NAMESPACE, OPERATOR_CLI, startBenchApiServer } from './bench-api-server.ts';
import { cleanupOnSignal } from '../lib/signal-cleanup.ts';
import { atLeast, atMost } from '../lib/targets.ts';
import { freePort } from '../../test/helpers/ports.ts';
import { exampleFeeds, isReconciled } from './feed-fleet.ts';
import { Kubelet } from './kubelet.ts';
import { reconcilesDone, writesSince, type PhaseWrites } from './write-phases.ts';
import { measureOperatorMemory } from './operator-memory.ts';

const FEEDS = 200;
const NAMESPACE = BENCH_NAMESPACE;
const CLI = OPERATOR_CLI;
const RECONCILE_LIMIT_MS = 120_000;
/** The idle window starts once the operator has made no write for this long (e.g. the last Ready Events). */
const SETTLE_MS = 1000;
/** Between looks at the store: each look copies every feed and Deployment out of it, in the server's thread. */
const POLL_MS = 200;

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  // --quick is CI's smoke: short windows (still long enough to see a write loop of the reconcile period).
  const idleS = options.quick ? 3 : 60;
  const api = await startBenchApiServer('marketfeed-operator-bench-');
  const { server, kubeconfig } = api;
  const metricsPort = await freePort();
  const startOperator = (): ChildProcess =>
    spawn(process.execPath, [CLI, 'operator', '--kubeconfig', kubeconfig, '--metrics-port', String(metricsPort), '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: process.env.OPERATOR_NODE_OPTIONS ?? OPERATOR_NODE_OPTIONS } });
  let operator = startOperator();
  const unregister = cleanupOnSignal(() => operator.kill('SIGKILL'));
  const kubelet = new Kubelet(server);
  const errors: string[] = [];
  const rows: ResultRow[] = [];
  const phaseNotes: string[] = [];
  const phaseRow = (name: string, phase: PhaseWrites, figures: Record<string, number>): void => {
    rows.push({ case: name, impl: 'marketfeed', feeds: FEEDS, ...figures, writes: phase.writes, events: phase.events });
    if (phase.detail.length > 0) phaseNotes.push(`${name}: ${phase.detail.join(', ')}`);
  };
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
    phaseRow(`converge-${FEEDS}`, writesSince(server, 0), {
      seconds_to_reconcile_all: round(seconds, 2),
      requests_per_feed: round(requests / FEEDS, 1),
    });

    const idleFrom = server.requests.mark();
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
    phaseRow('idle', writesSince(server, idleFrom), { idle_seconds: idleS });

    // Restart: a new process lists everything and reconciles every feed again.
    operator.kill('SIGTERM');
    await exited(operator);
    const restartFrom = server.requests.mark();
    const restartedMs = performance.now();
    operator = startOperator();
    let done: number | undefined;
    await until(async () => (done = await reconcilesDone(`http://127.0.0.1:${metricsPort}/metrics`)) !== undefined && done >= FEEDS, RECONCILE_LIMIT_MS, () => `${done ?? 'no'} reconciles after the restart`);
    const resyncSeconds = (performance.now() - restartedMs) / 1000;
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
    phaseRow('restart-then-idle', writesSince(server, restartFrom), { seconds_to_resync_all: round(resyncSeconds, 2), idle_seconds: idleS });
  } catch (error) {
    errors.push(`reconcile-${FEEDS} marketfeed: ${(error as Error).message}`);
  } finally {
    operator.kill('SIGTERM');
    await exited(operator);
    unregister();
    await api.close();
  }
  // Peak RSS, bundled entry beside unbundled: operators of their own, after this one stopped.
  const memory = await measureOperatorMemory(FEEDS, options.quick ? 1000 : undefined);
  const figure = (name: string, key: string): number | undefined => {
    const value = rows.find((row) => row.case === name)?.[key];
    return typeof value === 'number' ? value : undefined;
  };
  const afterConvergence = (key: string): number | undefined => {
    const idle = figure('idle', key);
    const restart = figure('restart-then-idle', key);
    return idle === undefined || restart === undefined ? undefined : idle + restart;
  };
  const converge = `converge-${FEEDS}`;
  return {
    rows: [...rows, ...memory.rows],
    baseline: 'marketfeed',
    caseTitles: {
      [converge]: `${FEEDS} MarketFeeds created at once, each reconciled to Ready (writes and Events until then)`,
      idle: `then ${idleS} s with nothing changing`,
      'restart-then-idle': `then the operator restarted (SIGTERM, new process: list, reconcile every feed) and ${idleS} s with nothing changing`,
      ...memory.caseTitles,
    },
    notes: [
      'the test API server (test/kube) runs in the bench process over loopback HTTP and stores built-in objects as a real API server does (Go round trip: omitempty zero values dropped, quantities canonical; defaults; ' +
        'an apply carrying a dropped field writes once a new second has begun, kubernetes/kubernetes#121404); the operator is the real CLI in a child process (one worker pool, no leader election), ' +
        `with the operator Deployment's NODE_OPTIONS (${process.env.OPERATOR_NODE_OPTIONS ?? OPERATOR_NODE_OPTIONS})`,
      'a stand-in kubelet marks every Deployment ready as soon as it exists; reconciled = status Ready=True with observedGeneration = generation, for every feed',
      `the idle phase starts once the operator has made no write for ${SETTLE_MS / 1000} s (its last Events follow the last Ready status); the restart phase counts from the old process's exit, ` +
        "seconds_to_resync_all until the new one's marketfeed_operator_reconcile_total reaches the number of feeds",
      'writes = successful API writes other than Events (applies, status writes, deletions); events = Events created; both from the server\'s request log',
      ...phaseNotes,
      'requests_per_feed counts every request the operator made until convergence (discovery, lists, watches, applies, status writes) ÷ feeds',
      ...memory.notes,
    ],
    targets: [
      atMost(`${FEEDS} feeds reconciled in under 10 s`, figure(converge, 'seconds_to_reconcile_all'), 10, (value) => `${value} s`),
      atMost('0 API writes after convergence (idle, restart, idle)', afterConvergence('writes'), 0, (value) => `${value} writes`),
      atMost('0 Events after convergence (idle, restart, idle)', afterConvergence('events'), 0, (value) => `${value} Events`),
      atLeast('every feed reconciled', rows.length === 0 ? undefined : FEEDS, FEEDS, (value) => `${value} feeds`),
      ...memory.targets,
    ],
    errors: [...errors, ...memory.errors],
  };
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
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

async function until(done: () => boolean | Promise<boolean>, limitMs: number, progress: () => string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`not reconciled within ${limitMs / 1000} s: ${progress()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
