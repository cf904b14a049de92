// The three impls each case is measured with, in the same run: how each sets up its
// channel and starts its two ends. Every end reports the same messages, and every
// receiving end the same figures (ReceiveMeasurement).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import { Segment } from '../../runtime/shm/segment.ts';
import { measurePair } from '../lib/measure-pair.ts';
import { startProcessPeer, startWorkerPeer } from '../lib/peer.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import type { CpuPlan } from '../lib/cpu-plan.ts';
import { isPaced, timeLimitMs, type LoadSpec } from '../lib/load-spec.ts';
import type { PostMessageWorkerData } from './post-message-endpoint.ts';
import type { Role } from './ring-endpoint.ts';
import type { SabWorkerData } from './sab-worker-endpoint.ts';
import type { ShmCase } from './shm-cases.ts';

export interface ShmContext {
  cpus: CpuPlan;
  /** Temporary segment directory under /dev/shm, removed by the bench at the end. */
  shmDir: string;
}

export interface ShmImpl {
  name: string;
  measure(shmCase: ShmCase, load: LoadSpec, context: ShmContext): Promise<ReceiveResult>;
}

/** Records in the ring: the publisher's default (4 MiB of slots). */
export const RING_CAPACITY = 65_536;
/** postMessage, flat out: most messages in flight. */
export const POST_MESSAGE_WINDOW = 65_536;

const here = path.dirname(fileURLToPath(import.meta.url));
const PROCESS_ENDPOINT = path.join(here, 'shm-process-endpoint.ts');
const SAB_ENDPOINT = new URL('./sab-worker-endpoint.ts', import.meta.url);
const POST_MESSAGE_ENDPOINT = new URL('./post-message-endpoint.ts', import.meta.url);

/** The cross-process ring over /dev/shm: also the SHM side of the tcp bench's comparison. */
export const CROSS_PROCESS_SHM: ShmImpl = {
  name: 'marketfeed',
  measure(shmCase, load, { cpus, shmDir }) {
    const feed = shmCase.name;
    Segment.create({ name: feed, directory: shmDir, capacity: RING_CAPACITY, mode: 'broadcast' }).segment.close();
    const start = (role: Role, cpu: number | undefined) => () =>
      startProcessPeer(`marketfeed ${role}`, PROCESS_ENDPOINT, [
        '--role', role,
        '--shm-dir', shmDir,
        '--feed', feed,
        '--load', JSON.stringify(load),
        ...(cpu === undefined ? [] : ['--cpu', String(cpu)]),
      ]);
    return measurePair(start('reader', cpus.reader), start('writer', cpus.writer), timeLimitMs(load));
  },
};

const workerThreadsSab: ShmImpl = {
  name: 'worker-threads-sab',
  measure(_shmCase, load, { cpus }) {
    const { buffer } = allocateSharedRing({ capacity: RING_CAPACITY, mode: 'broadcast', consumerSlots: 0 });
    const start = (role: Role, cpu: number | undefined) => () =>
      startWorkerPeer(`worker-threads-sab ${role}`, SAB_ENDPOINT, { role, load, buffer, cpu } satisfies SabWorkerData);
    return measurePair(start('reader', cpus.reader), start('writer', cpus.writer), timeLimitMs(load));
  },
};

const postMessage: ShmImpl = {
  name: 'postMessage',
  measure(_shmCase, load, { cpus }) {
    const { port1, port2 } = new MessageChannel();
    const acknowledged = new SharedArrayBuffer(4);
    const window = isPaced(load) ? undefined : POST_MESSAGE_WINDOW;
    const start = (role: Role, port: typeof port1, cpu: number | undefined) => () =>
      startWorkerPeer(`postMessage ${role}`, POST_MESSAGE_ENDPOINT, { role, load, port, acknowledged, window, cpu } satisfies PostMessageWorkerData, [port]);
    return measurePair(start('reader', port2, cpus.reader), start('writer', port1, cpus.writer), timeLimitMs(load));
  },
};

export const SHM_IMPLS: readonly ShmImpl[] = [CROSS_PROCESS_SHM, workerThreadsSab, postMessage];
export const BASELINE_IMPL = postMessage.name;
