// The pod specs the operator applies really run: the feed Deployment's pod (publisher + an
// SHM consumer around the memory-backed /dev/shm), the TCP consumer Deployment's pod and the
// relay DaemonSet's pod (spec.relays; the node's /dev/shm a hostPath), from
// the same constructs the operator synthesizes (cdk8s/feed/), each container started as the
// image would start it: its exact command, args and environment, in a pod network namespace
// of its own, /dev/shm an emptyDir (test/helpers/pod-runner.ts says how each part maps).
// Records flow from the publisher to every consumer (and through the relay into the node's
// /dev/shm, where an SHM consumer pod on the node reads them), every probe answers on its declared
// path and port, and SIGTERM stops every container cleanly within the pod's
// terminationGracePeriodSeconds, the segment removed. A flag, port or probe path that the
// constructs and the CLI disagree on fails here.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { MARKETFEED_API_VERSION, MARKETFEED_KIND, type MarketFeed } from '../../cdk8s/api/marketfeed-types.ts';
import { desiredObjects, feedObjectNames } from '../../cdk8s/feed/desired-objects.ts';
import { relaySegmentName } from '../../cdk8s/feed/feed-names.ts';
import { waitFor } from '../operator/helpers/wait.ts';
import { PodNetwork, runPod, type PodTemplate, type RunningPod } from '../helpers/pod-runner.ts';

const NAMESPACE = 'trading';
const FEED = 'podspec';
/** A slow rate, one SHM consumer, one TCP consumer replica and relays: the pods as synthesized, not tuned. */
const feed = {
  apiVersion: MARKETFEED_API_VERSION,
  kind: MARKETFEED_KIND,
  metadata: { name: FEED, namespace: NAMESPACE },
  spec: { rate: 2000, instruments: { count: 10 }, shmConsumers: [{ name: 'reader' }], tcpConsumers: { replicas: 1, encoding: 'binary' }, relays: {} },
} as unknown as MarketFeed;

const objects = desiredObjects(feed);
const names = feedObjectNames(FEED);

function podTemplate(kind: 'Deployment' | 'DaemonSet', name: string): PodTemplate {
  const object = objects.find((o: KubeObject) => o.kind === kind && o.metadata.name === name);
  if (object === undefined) throw new Error(`no ${kind} ${name} in the synthesized objects`);
  return (object.spec as { template: PodTemplate }).template;
}

const RELAY_CONSUMER_PORT = 9102;
/**
 * A consumer pod on the relay's node, as the README tells users to write one: it mounts the
 * node's /dev/shm (the same hostPath) and reads the relay's segment with the relay's group.
 */
function relayConsumerTemplate(relay: PodTemplate): PodTemplate {
  const shmVolume = relay.spec.volumes?.find((volume) => volume.hostPath !== undefined);
  if (shmVolume?.hostPath === undefined) throw new Error('the relay pod has no hostPath volume');
  const group = relay.spec.securityContext?.runAsGroup;
  return {
    metadata: { labels: { app: 'relay-consumer' } },
    spec: {
      securityContext: { runAsUser: 1000, runAsGroup: group },
      volumes: [{ name: 'node-shm', hostPath: shmVolume.hostPath }],
      containers: [
        {
          name: 'reader',
          args: ['consume', 'shm', '--feed', relaySegmentName(FEED, NAMESPACE), '--shm-dir', shmVolume.hostPath.path, '--metrics-port', String(RELAY_CONSUMER_PORT)],
          volumeMounts: [{ name: 'node-shm', mountPath: shmVolume.hostPath.path }],
        },
      ],
    },
  };
}

let network: PodNetwork;
const pods: RunningPod[] = [];

beforeAll(() => {
  network = PodNetwork.create();
});

afterAll(async () => {
  await Promise.all(pods.map((pod) => pod.destroy()));
  network.close();
});

function containerLogs(pod: RunningPod): string {
  return pod.containers.map((container) => `--- ${pod.name}/${container.name}:\n${container.stderr.slice(-20).join('\n')}`).join('\n');
}

/** A container that exited (a flag the CLI refuses, a port in use): no probe will answer. */
function stopped(pod: RunningPod): boolean {
  return pod.containers.some((container) => container.child.exitCode !== null || container.child.signalCode !== null);
}

async function receivedRecords(pod: RunningPod, port: number): Promise<number> {
  const { text } = await pod.get(port, '/metrics');
  return Number(/^marketfeed_received_records_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('the synthesized feed pods run as their specs say', () => {
  it('records flow publisher → SHM and TCP consumers, probes answer, SIGTERM stops each cleanly', async () => {
    const feedTemplate = podTemplate('Deployment', names.feedDeployment);
    const tcpTemplate = podTemplate('Deployment', names.tcpConsumers);
    const relayTemplate = podTemplate('DaemonSet', names.relayDaemonSet);
    expect(feedTemplate.spec.containers.map((c) => c.name)).toEqual(['publisher', 'shm-reader']);

    const feedPod = runPod(network, { name: `${names.feedDeployment}-0`, namespace: NAMESPACE, template: feedTemplate, objects: objects, pods });
    pods.push(feedPod);
    const tcpPod = runPod(network, { name: `${names.tcpConsumers}-0`, namespace: NAMESPACE, template: tcpTemplate, objects: objects, pods });
    pods.push(tcpPod);
    const relayPod = runPod(network, { name: `${names.relayDaemonSet}-0`, namespace: NAMESPACE, template: relayTemplate, objects: objects, pods });
    pods.push(relayPod);

    // Every probe of every container answers 200 on its declared path and port, as the kubelet sees it.
    for (const pod of pods) {
      for (const container of pod.template.spec.containers) {
        for (const kind of ['liveness', 'readiness'] as const) {
          await waitFor(async () => (await pod.probe(container.name, kind)) === 200 || stopped(pod), {
            timeoutMs: 45_000,
            intervalMs: 250,
            what: () => `${pod.name}/${container.name} ${kind} probe 200\n${containerLogs(pod)}`,
          });
          expect(stopped(pod), `a container of ${pod.name} exited\n${containerLogs(pod)}`).toBe(false);
        }
      }
    }

    // Records reach the SHM consumer (through /dev/shm) and the TCP consumer (through the Service name).
    const shmReaderPort = feedTemplate.spec.containers[1].ports![0].containerPort;
    const tcpConsumerPort = tcpTemplate.spec.containers[0].ports![0].containerPort;
    await waitFor(async () => (await receivedRecords(feedPod, shmReaderPort)) > 100 && (await receivedRecords(tcpPod, tcpConsumerPort)) > 100, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: () => `records at both consumers\n${containerLogs(feedPod)}\n${containerLogs(tcpPod)}`,
    });
    const shm = feedPod.volumes.shm;
    expect(fs.readdirSync(shm)).toEqual([names.segment]);

    // The relay (subscribed through the feed's Service name, hence ready) writes its segment in
    // the node's /dev/shm, and a consumer pod on the node mounting it reads the records there.
    const nodeShm = relayPod.volumes[relayTemplate.spec.volumes![0].name];
    expect(fs.readdirSync(nodeShm)).toEqual([relaySegmentName(FEED, NAMESPACE)]);
    expect(fs.statSync(`${nodeShm}/${relaySegmentName(FEED, NAMESPACE)}`).uid).toBe(relayTemplate.spec.securityContext?.runAsUser);
    const relayConsumerPod = runPod(network, { name: 'relay-consumer-0', namespace: NAMESPACE, template: relayConsumerTemplate(relayTemplate), objects: objects, pods });
    pods.push(relayConsumerPod);
    await waitFor(async () => (await receivedRecords(relayConsumerPod, RELAY_CONSUMER_PORT)) > 100 || stopped(relayConsumerPod), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: () => `records at the consumer behind the relay\n${containerLogs(relayPod)}\n${containerLogs(relayConsumerPod)}`,
    });
    expect(stopped(relayConsumerPod), containerLogs(relayConsumerPod)).toBe(false);
    expect((await relayConsumerPod.terminate()).map((exit) => exit.code)).toEqual([0]);
    // Written by the publisher as the pod's user, not as the test's root.
    expect(fs.statSync(`${shm}/${names.segment}`).uid).toBe(feedTemplate.spec.securityContext?.runAsUser);

    // SIGTERM, as on pod deletion: each container exits 0 before the grace period would SIGKILL it.
    for (const pod of [relayPod, tcpPod, feedPod]) {
      const graceMs = (pod.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      const deadline = new Promise<'grace period over'>((resolve) => setTimeout(() => resolve('grace period over'), graceMs).unref());
      const exits = await Promise.race([pod.terminate(), deadline]);
      expect(exits, containerLogs(pod)).toEqual(pod.template.spec.containers.map((c) => ({ container: c.name, code: 0, signal: null })));
    }
    expect(fs.readdirSync(shm)).toEqual([]);
    expect(fs.readdirSync(nodeShm)).toEqual([]);
  }, 240_000);
});
