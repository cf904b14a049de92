// The publisher's TCP server: accepts subscribers (up to a limit), greets each with a
// hello, sends heartbeats carrying the publisher's clock offset, and streams records
// through a RecordFanout that its owner pumps (the publisher pumps it right after
// publishing, and publishes through guard() so that a burst never laps the fan-out).
// close() stops accepting, sends what is left, and ends every connection.
import net from 'node:net';
import { bootId } from '../clock/boot-id.ts';
import { monotonicNs, wallClockNs } from '../clock/clock.ts';
import type { Logger } from '../observability/logger.ts';
import type { RingMemory } from '../ring/ring-memory.ts';
import { FeedSubscriber, type DropReason, type SubscriberListener, type SubscriberOptions } from './feed-subscriber.ts';
import type { RecordTransmitter } from '../ring/record-transmitter.ts';
import { FanoutGuardedTransmitter } from './fanout-guarded-transmitter.ts';
import { encodeFeedHello, encodeHeartbeat } from './feed-greetings.ts';
import { PROTOCOL_VERSION } from './feed-protocol.ts';
import { RecordFanout } from './record-fanout.ts';

export interface TcpFeedServerOptions extends SubscriberOptions {
  host: string;
  port: number;
  feed: string;
  epoch: number;
  maxSubscribers: number;
  heartbeatIntervalMs?: number;
  logger: Logger;
}

export const DROP_REASONS: readonly DropReason[] = ['slow', 'protocol', 'closed', 'error', 'shutdown', 'limit'];

export class TcpFeedServer implements SubscriberListener {
  readonly dropCounts = new Map<DropReason, number>(DROP_REASONS.map((reason) => [reason, 0]));
  connectionsAccepted = 0;
  private readonly fanout: RecordFanout;
  private readonly options: TcpFeedServerOptions;
  private readonly server: net.Server;
  private readonly connections = new Set<FeedSubscriber>();
  private readonly streaming = new Set<FeedSubscriber>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(ring: RingMemory, options: TcpFeedServerOptions) {
    this.options = options;
    this.fanout = new RecordFanout(ring);
    this.server = net.createServer((socket) => this.accept(socket));
  }

  get subscriberCount(): number {
    return this.streaming.size;
  }

  get bytesQueued(): number {
    let bytes = 0;
    for (const subscriber of this.connections) bytes += subscriber.queuedBytes;
    return bytes;
  }

  get recordsLost(): number {
    return this.fanout.lostRecords;
  }

  get recordsRead(): number {
    return this.fanout.recordsRead;
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const port = (this.server.address() as net.AddressInfo).port;
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs ?? 1000);
    this.options.logger.info({ host: this.options.host, port }, 'tcp feed listening');
    return port;
  }

  /** Sends new records to the subscribers; returns how many records were read from the ring. */
  pump(): number {
    return this.fanout.pump(this.streaming);
  }

  /** The transmitter to publish through: it never laps this server's reader of the ring. */
  guard(transmitter: RecordTransmitter): RecordTransmitter {
    return new FanoutGuardedTransmitter(transmitter, this.fanout, () => this.pump());
  }

  async close(graceMs = 2000): Promise<void> {
    clearInterval(this.heartbeat);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.pump();
    await Promise.all([...this.connections].map((subscriber) => subscriber.end('shutdown', undefined, graceMs)));
    await closed;
  }

  subscribed(subscriber: FeedSubscriber): void {
    const subscription = subscriber.subscription!;
    this.streaming.add(subscriber);
    const nextSubscriptionSequence = this.fanout.startSubscription(subscriber);
    subscriber.send(
      encodeFeedHello({
        protocol: PROTOCOL_VERSION,
        feed: this.options.feed,
        epoch: this.options.epoch,
        encoding: subscription.encoding,
        instruments: subscription.instruments ?? 'all',
        bootId: bootId(),
        wallMinusMonotonicNs: wallClockNs() - monotonicNs(),
        nextSequence: this.fanout.nextSequence,
        nextSubscriptionSequence,
      }),
      0,
    );
    this.options.logger.info({ subscriber: subscriber.id, remote: subscriber.remote, ...subscription }, 'subscriber joined');
  }

  dropped(subscriber: FeedSubscriber, reason: DropReason, detail: string): void {
    this.connections.delete(subscriber);
    this.streaming.delete(subscriber);
    this.dropCounts.set(reason, (this.dropCounts.get(reason) ?? 0) + 1);
    const fields = { subscriber: subscriber.id, remote: subscriber.remote, reason, detail, recordsSent: subscriber.recordsSent };
    if (reason === 'closed' || reason === 'shutdown') this.options.logger.info(fields, 'subscriber left');
    else this.options.logger.warn(fields, 'subscriber dropped');
  }

  private accept(socket: net.Socket): void {
    this.connectionsAccepted++;
    const subscriber = new FeedSubscriber(socket, this.options, this);
    this.connections.add(subscriber);
    if (this.connections.size > this.options.maxSubscribers) {
      subscriber.refuse('limit', `subscriber limit of ${this.options.maxSubscribers} reached`);
    }
  }

  private beat(): void {
    const offset = wallClockNs() - monotonicNs();
    for (const subscriber of this.streaming) {
      subscriber.send(encodeHeartbeat(subscriber.encoding, offset, this.fanout.nextSequence, subscriber.nextSubscriptionSequence), 0);
    }
  }
}
