// `marketfeed operator` as a process against the test API server through a kubeconfig file:
// /readyz turns ready once the caches synced, /metrics carries the operator's metrics, a
// feed gets reconciled, and SIGTERM stops it cleanly (exit 0) with the Lease released.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killLeftoverProcesses, runCli } from '../helpers/cli.ts';
import { duplicateJsonKeys } from '../helpers/json-duplicate-keys.ts';
import { freePort } from '../helpers/ports.ts';
import { NAMESPACE, OperatorHarness } from './helpers/operator-harness.ts';
import { waitFor } from './helpers/wait.ts';

let harness: OperatorHarness;
let directory: string;

beforeAll(async () => {
  harness = await OperatorHarness.start();
  directory = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-operator-cli-'));
});

afterEach(async () => {
  await killLeftoverProcesses();
});

afterAll(async () => {
  await harness.close();
  fs.rmSync(directory, { recursive: true, force: true });
});

async function get(url: string): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url);
    return { status: response.status, text: await response.text() };
  } catch {
    return { status: 0, text: '' };
  }
}

describe('marketfeed operator', () => {
  it('runs from a kubeconfig, reconciles, serves metrics and health, and stops cleanly on SIGTERM', async () => {
    const kubeconfig = path.join(directory, 'kubeconfig');
    fs.writeFileSync(kubeconfig, harness.server.kubeConfig().exportConfig());
    const port = await freePort();
    const run = runCli(['operator', '--kubeconfig', kubeconfig, '--metrics-port', String(port), '--leader-elect', '--lease-namespace', NAMESPACE, '--identity', 'cli-1', '--workers', '3']);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await get(`${base}/readyz`)).status === 200, { what: '/readyz 200', timeoutMs: 30_000 });
    expect((await get(`${base}/healthz`)).status).toBe(200);

    harness.createFeed('cli');
    await waitFor(() => harness.ownedObjects('cli').size === 5, { what: 'the objects of the feed' });
    harness.markReady('cli');
    await harness.waitForCondition('cli', 'Ready', 'True');
    // The status write that made the feed Ready is stored before the reconcile that sent it ends
    // and counts itself: wait for the count instead of reading the metrics at once.
    let metrics = '';
    await waitFor(
      async () => {
        metrics = (await get(`${base}/metrics`)).text;
        return /^marketfeed_operator_reconcile_total\{result="changed"\} [1-9]/m.test(metrics);
      },
      { what: 'a counted reconcile in /metrics' },
    );
    expect(metrics).toMatch(/^marketfeed_operator_is_leader 1$/m);
    expect(metrics).toMatch(/^marketfeed_operator_reconcile_total\{result="changed"\} [1-9]/m);
    expect(metrics).toMatch(/^marketfeed_operator_api_writes_total\{verb="apply",kind="Deployment"\} [2-9]$/m);
    for (const name of ['reconcile_errors_total', 'reconcile_duration_seconds_bucket', 'queue_depth', 'watch_restarts_total']) expect(metrics).toContain(`marketfeed_operator_${name}`);
    expect(harness.server.store.get('coordination.k8s.io/v1', 'Lease', NAMESPACE, 'marketfeed-operator')?.spec).toMatchObject({ holderIdentity: 'cli-1' });

    run.child.kill('SIGTERM');
    const { code } = await run.exit;
    expect(code).toBe(0);
    expect(run.logs.some((log) => log.msg === 'operator stopped')).toBe(true);
    expect(run.logs.some((log) => log.msg === 'leader election: released the lease')).toBe(true);
    expect((harness.server.store.get('coordination.k8s.io/v1', 'Lease', NAMESPACE, 'marketfeed-operator')?.spec as { holderIdentity?: string }).holderIdentity).toBeUndefined();
    // Every line of its life (start, leadership, reconcile, stop), read raw: JSON.parse would hide a repeated key.
    expect(run.stderr.filter((line) => line.startsWith('{')).length).toBeGreaterThan(5);
    expect(run.stderr.flatMap(duplicateJsonKeys)).toEqual([]);
    for (const msg of ['operator starting', 'leader election: became the leader', 'operator stopped']) expect(run.logs.find((log) => log.msg === msg)?.identity, msg).toBe('cli-1');
  });

  it('finds repeated keys in a raw JSON line, at any depth', () => {
    expect(duplicateJsonKeys('{"level":30,"identity":"a","msg":"x","identity":"a"}')).toEqual(['identity']);
    expect(duplicateJsonKeys(String.raw`{"a":{"b":1,"c":[{"d":1,"d":2}],"b":"}"},"e":"a\\"}`)).toEqual(['a.c.[].d', 'a.b']);
    expect(duplicateJsonKeys('{"a":{"b":1},"b":{"a":1},"s":"\\"a\\":1"}')).toEqual([]);
  });

  it('says where it looked for a kubeconfig and exits 1 when there is none, instead of trying localhost:8080', async () => {
    const home = fs.mkdtempSync(path.join(directory, 'home-'));
    const run = runCli(['operator', '--metrics-port', '0'], { HOME: home, KUBECONFIG: undefined, KUBERNETES_SERVICE_HOST: undefined });
    const { code } = await run.exit;
    expect(code).toBe(1);
    const stderr = run.stderr.join('\n');
    expect(stderr).not.toContain('localhost:8080');
    expect(run.stderr.at(-1)).toMatch(/^marketfeed operator: no kubeconfig found: .*--kubeconfig.*KUBECONFIG.*not set.*\.kube\/config.*in-cluster service account/);
    expect(run.stderr.at(-1)).toContain(path.join(home, '.kube', 'config'));
  });

  it('names a KUBECONFIG file that does not exist', async () => {
    const missing = path.join(directory, 'no-such-kubeconfig');
    const run = runCli(['operator', '--metrics-port', '0'], { KUBECONFIG: missing, KUBERNETES_SERVICE_HOST: undefined });
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(run.stderr.at(-1)).toBe(`marketfeed operator: kubeconfig ${missing} (from $KUBECONFIG) does not exist`);
  });

  it('refuses an unknown context', async () => {
    const kubeconfig = path.join(directory, 'kubeconfig');
    fs.writeFileSync(kubeconfig, harness.server.kubeConfig().exportConfig());
    const run = runCli(['operator', '--kubeconfig', kubeconfig, '--context', 'nope', '--metrics-port', '0']);
    const { code } = await run.exit;
    expect(code).toBe(2);
    expect(run.stderr.join('\n')).toContain('--context nope');
  });
});
