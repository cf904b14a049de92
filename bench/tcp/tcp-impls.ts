// The impls each TCP case is measured with, in the same run, and how each starts its two
// ends: the sender on one CPU, the receiver on the other.
//   marketfeed      the publisher's TCP feed and the product's client, in the case's encoding
//   naive-binary    binary cases only: a frame and a socket.write per record (batching off)
//   naive           the baseline: JSON.stringify and socket.write per record, default options
//   marketfeed-shm  the same load over the shared-memory ring between two processes: the
//                   path a consumer on the publisher's host takes instead of TCP
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CpuPlan } from '../lib/cpu-plan.ts';
import { timeLimitMs, type LoadSpec } from '../lib/load-spec.ts';
import { measureServerClient } from '../lib/measure-pair.ts';
import { startProcessPeer } from '../lib/peer.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import { CROSS_PROCESS_SHM } from '../shm/shm-impls.ts';
import type { SenderImpl } from './send-channels.ts';
import type { TcpCase } from './tcp-cases.ts';

export interface TcpContext {
  cpus: CpuPlan;
  /** Temporary directory under /dev/shm for the SHM comparison's segments. */
  shmDir: string;
}

export interface TcpImpl {
  name: string;
  appliesTo(tcpCase: TcpCase): boolean;
  measure(tcpCase: TcpCase, load: LoadSpec, context: TcpContext): Promise<ReceiveResult>;
}

export const BASELINE_IMPL = 'naive';
export const SHM_IMPL = 'marketfeed-shm';

const here = path.dirname(fileURLToPath(import.meta.url));
const SENDER = path.join(here, 'tcp-sender-endpoint.ts');
const RECEIVER = path.join(here, 'tcp-receiver-endpoint.ts');

function overTcp(impl: SenderImpl, appliesTo: (tcpCase: TcpCase) => boolean): TcpImpl {
  return {
    name: impl,
    appliesTo,
    measure(tcpCase, load, { cpus }) {
      const cpuArgs = (cpu: number | undefined): string[] => (cpu === undefined ? [] : ['--cpu', String(cpu)]);
      const loadArg = JSON.stringify(load);
      return measureServerClient<ReceiveResult>(
        () => startProcessPeer(`${impl} sender`, SENDER, ['--impl', impl, '--load', loadArg, ...cpuArgs(cpus.writer)]),
        (port) =>
          startProcessPeer(`${impl} receiver`, RECEIVER, [
            '--impl', impl,
            '--encoding', tcpCase.encoding,
            '--port', String(port),
            '--load', loadArg,
            ...cpuArgs(cpus.reader),
          ]),
        timeLimitMs(load),
      );
    },
  };
}

const sharedMemory: TcpImpl = {
  name: SHM_IMPL,
  appliesTo: () => true,
  measure: (tcpCase, load, context) => CROSS_PROCESS_SHM.measure({ name: tcpCase.name, title: tcpCase.title, batchSize: load.batchSize }, load, context),
};

export const TCP_IMPLS: readonly TcpImpl[] = [
  overTcp('marketfeed', () => true),
  overTcp('naive-binary', (tcpCase) => tcpCase.encoding === 'binary'),
  overTcp('naive', () => true),
  sharedMemory,
];
