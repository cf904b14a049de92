// Live health against the real thing: `marketfeed publish`, `marketfeed consume shm` and
// `marketfeed consume tcp` processes, each with --metrics-port as the feed's containers run
// them, stand in for a feed's pods (Pod objects whose IP is 127.0.0.1 and whose metrics
// ports are the processes'). The operator reads their prom-client output: the publish rate,
// the consumers' p99, gaps and the TCP subscriber, judged against spec.slo.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { feedLabels } from '../../../cdk8s/feed/feed-names.ts';
import { killLeftoverProcesses, runCli, type CliRun } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/ports.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../../helpers/shm-dir.ts';
import { NAMESPACE, OperatorHarness } from '../helpers/operator-harness.ts';
import { eventually } from '../helpers/wait.ts';

let dir: string;
let harness: OperatorHarness;
beforeAll(() => {
  dir = makeShmDir();
});
afterEach(async () => {
  await harness.close();
  await killLeftoverProcesses();
});
afterAll(() => removeShmDir(dir));

function pod(name: string, component: 'feed' | 'tcp-consumer', ports: number[]): void {
  harness.server.store.put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: feedLabels('live', component) },
    spec: { containers: ports.map((port, index) => ({ name: `c${index}`, image: 'marketfeed:test', ports: [{ name: index === 0 ? 'metrics' : `metrics-${index - 1}`, containerPort: port }] })) },
    status: { phase: 'Running', podIP: '127.0.0.1' },
  });
}

async function stop(run: CliRun): Promise<void> {
  run.child.kill('SIGTERM');
  await run.exit;
}

describe('live health of real marketfeed processes', () => {
  it('reads the publisher, an SHM consumer and a TCP consumer and judges them against spec.slo', async () => {
    harness = await OperatorHarness.start({ bookmarkIntervalMs: 0 });
    const feed = uniqueFeed('health');
    const [publisherMetrics, shmMetrics, tcpMetrics, tcpPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const shm = runCli(['consume', 'shm', '--feed', feed, '--shm-dir', dir, '--metrics-port', String(shmMetrics)]);
    await shm.waitForLog('metrics server listening');
    const publisher = runCli(['publish', '--feed', feed, '--shm-dir', dir, '--rate', '20k', '--tcp-host', '127.0.0.1', '--tcp-port', String(tcpPort), '--metrics-port', String(publisherMetrics)]);
    await publisher.waitForLog('publishing');
    const tcp = runCli(['consume', 'tcp', '--host', '127.0.0.1', '--port', String(tcpPort), '--metrics-port', String(tcpMetrics)]);
    await Promise.all([shm.waitForLog('latency'), tcp.waitForLog('latency')]);

    harness.createFeed('live', { slo: { maxP99Micros: 60_000_000, minRecordsPerSecond: 1_000 } });
    pod('live-feed-1', 'feed', [publisherMetrics, shmMetrics]);
    pod('live-tcp-1', 'tcp-consumer', [tcpMetrics]);
    await harness.startReplica({ health: { scrapeIntervalMs: 300, statusRefreshMs: 0 } });

    const condition = await harness.waitForCondition('live', 'Healthy', 'True', 'Healthy');
    expect(condition.message).toBe('within spec.slo: p99 ≤ 60000000 µs, rate ≥ 1000 records/s');
    const health = await eventually(() => {
      const shown = harness.status('live')?.health;
      return shown?.p99LatencyMicros !== undefined && shown.recordsPerSecond !== undefined ? shown : undefined;
    });
    expect(health).toMatchObject({ endpoints: 3, failedEndpoints: 0, tcpSubscribers: 1, gapsTotal: 0 });
    expect(health.recordsPerSecond).toBeGreaterThan(1_000);
    expect(health.p99LatencyMicros).toBeGreaterThan(0);

    // The same feed, with an objective it cannot meet: a publish rate it does not have.
    harness.updateSpec('live', (spec) => (spec.slo = { minRecordsPerSecond: 100_000_000 }));
    const breached = await harness.waitForCondition('live', 'Healthy', 'False', 'SloRateBelowMin');
    expect(breached.message).toMatch(/^outside spec\.slo: \d+ records\/s < 100000000 records\/s$/);
    await Promise.all([stop(tcp), stop(shm)]);
    await stop(publisher);
  }, 90_000);
});
