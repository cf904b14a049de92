// The receiving side of each TCP impl, measured the same way: the clock is read once per
// chunk the socket hands over (as `marketfeed consume tcp` does), every record of the
// chunk is timed at that instant, sequence jumps are counted as lost records, and the
// connection's end (the sender closes it after the load) ends the measurement; a drop as too
// slow (a publisher flat out, the relay bench) does not: the client reconnects, and the
// records missed meanwhile count as lost.
//
//   marketfeed, naive-binary  TcpFeedClient: the binary or NDJSON decoder of the product.
//   naive                     split on newlines, JSON.parse per line: what a developer
//                             would write first, the other end of the naive sender.
import net from 'node:net';
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { SequenceTracker } from '../../runtime/stats/sequence-tracker.ts';
import type { FeedEncoding } from '../../runtime/tcp/feed-protocol.ts';
import { SLOW_DROP_REASON } from '../../runtime/tcp/feed-subscriber.ts';
import { TcpFeedClient } from '../../runtime/tcp/tcp-feed-client.ts';
import { isPaced, type LoadSpec } from '../lib/load-spec.ts';
import { ReceiveMeasurement } from '../lib/receive-measurement.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import type { SenderImpl } from './send-channels.ts';

/** What `marketfeed consume tcp` asks for (--receive-buffer). */
const RECEIVE_BUFFER_BYTES = 4 << 20;

export interface ReceiveTarget {
  port: number;
  encoding: FeedEncoding;
  load: LoadSpec;
}

/** Connects, measures until the sender closes the connection, and resolves with the figures. */
export async function receiveUntilClosed(impl: SenderImpl, target: ReceiveTarget): Promise<ReceiveResult> {
  const tally = new ReceiveTally(await ReceiveMeasurement.create(target.load.warmupNs, isPaced(target.load)), isPaced(target.load));
  if (impl === 'naive') await receiveNaiveJson(target.port, tally);
  else await receiveWithClient(target, tally);
  return tally.result();
}

class ReceiveTally {
  private readonly measurement: ReceiveMeasurement;
  private readonly paced: boolean;
  private readonly sequences = new SequenceTracker();
  private received = 0;
  private chunkNs = 0;
  reconnects = 0;

  constructor(measurement: ReceiveMeasurement, paced: boolean) {
    this.measurement = measurement;
    this.paced = paced;
  }

  /** A chunk arrived: everything counted so far had arrived by now. */
  chunk(): void {
    this.chunkNs = monotonicNs();
    this.measurement.sampleRate(this.chunkNs, this.received);
  }

  record(sequence: number, publishTimeNs: number): void {
    this.received++;
    this.sequences.observe(sequence);
    if (this.paced) this.measurement.recordLatency(publishTimeNs, this.chunkNs);
  }

  result(): ReceiveResult {
    this.chunk();
    const result = this.measurement.result(this.received, this.sequences.lostRecords);
    if (this.reconnects > 0) result.reconnects = this.reconnects;
    return result;
  }
}

function receiveWithClient(target: ReceiveTarget, tally: ReceiveTally): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new TcpFeedClient({
      host: '127.0.0.1',
      port: target.port,
      encoding: target.encoding,
      receiveBufferBytes: RECEIVE_BUFFER_BYTES,
      // The sender waits for its subscriber before the load: allow a slow start.
      silenceTimeoutMs: 30_000,
      onChunk: () => tally.chunk(),
      onRecord: (record) => tally.record(record.sequence, record.publishTimeNs),
    });
    client.on('malformed', (reason) => {
      client.close();
      reject(new Error(`malformed input: ${reason}`));
    });
    let droppedAsSlow = false;
    client.on('serverError', (reason) => (droppedAsSlow = reason.startsWith(SLOW_DROP_REASON)));
    client.on('disconnected', () => {
      if (droppedAsSlow) {
        droppedAsSlow = false;
        tally.reconnects++;
        return;
      }
      client.close();
      resolve();
    });
    client.start();
  });
}

function receiveNaiveJson(port: number, tally: ReceiveTally): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setEncoding('utf8');
    let partial = '';
    socket.on('data', (text: string) => {
      tally.chunk();
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const quote = JSON.parse(line) as { seq: number; publishTimeNs: number };
        tally.record(quote.seq, quote.publishTimeNs);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}
