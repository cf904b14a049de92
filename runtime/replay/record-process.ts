// `marketfeed record`: a consumer of a live feed (shared memory: consume shm's attaching,
// following restarts and gap accounting; or TCP: consume tcp's reconnecting client) whose
// every record goes into a capture file, closed cleanly with its end marker on --count,
// --duration, --exit-on-end, SIGTERM or SIGINT.
import fs from 'node:fs';
import path from 'node:path';
import { monotonicNs, wallClockNs } from '../clock/clock.ts';
import { runShmConsumer, type ShmConsumerConfig } from '../consumer/shm-consumer-process.ts';
import { runTcpConsumer, type TcpConsumerConfig } from '../consumer/tcp-consumer-process.ts';
import { captureTap } from './capture-tap.ts';
import { CaptureWriter } from './capture-writer.ts';

export interface RecordTarget {
  out: string;
  overwrite: boolean;
  flushIntervalMs: number;
  blockRecords?: number;
}

/** What to record from: a feed's segment, or a publisher's TCP feed. */
export type RecordFrom =
  | { kind: 'shm'; consumer: Omit<ShmConsumerConfig, 'tap'> }
  | { kind: 'tcp'; consumer: Omit<TcpConsumerConfig, 'tap'> };

export async function runRecord(target: RecordTarget, from: RecordFrom): Promise<number> {
  const { feed, source } =
    from.kind === 'shm'
      ? { feed: from.consumer.feed, source: `shm ${path.join(from.consumer.shmDir, from.consumer.feed)}` }
      : { feed: '', source: `tcp ${from.consumer.host}:${from.consumer.port}` };
  // Refused before anything starts; the file itself is opened (created, or replaced with
  // --force) by the tap once there is something to write.
  if (!target.overwrite && fs.existsSync(target.out)) {
    throw Object.assign(new Error(`EEXIST: ${target.out} exists; give --force to overwrite it`), { code: 'EEXIST' });
  }
  const openWriter = (): CaptureWriter =>
    new CaptureWriter(target.out, {
      feed,
      source,
      startWallNs: wallClockNs(),
      startMonotonicNs: monotonicNs(),
      overwrite: target.overwrite,
      ...(target.blockRecords === undefined ? {} : { blockRecords: target.blockRecords }),
    });
  const tap = captureTap(openWriter, target.flushIntervalMs);
  return from.kind === 'shm' ? runShmConsumer({ ...from.consumer, tap }) : runTcpConsumer({ ...from.consumer, tap });
}
