// The TCP feed client, for the `consume tcp` process and for any TypeScript service:
//
//   const client = new TcpFeedClient({ host, port, encoding: 'binary', onRecord: (r) => … });
//   client.start();            // connects, and reconnects with backoff, until close()
//   for await (const fields of client.records()) { … }   // or iterate plain objects
//
// It handles any split of the byte stream, counts malformed input and keeps going,
// follows the publisher across restarts (a hello with a new epoch: 'newStream'), and
// keeps the publisher's clock offset (from hello and heartbeats) for cross-host latency.
// `sequences` counts gaps and lost records of the subscription exactly, filter or not:
// the records of other instruments never count, its own records missed while reconnecting
// or that the server could not send always do ('gap'). A server of another protocol
// version is an 'incompatible' error, after which the client stops.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { MarketDataRecord, RecordFields } from '../record/market-data-record.ts';
import type { SequenceTracker } from '../stats/sequence-tracker.ts';
import { BinaryFeedDecoder } from './binary-feed-decoder.ts';
import type { FeedDecoder, FeedEvents } from './feed-events.ts';
import { ProtocolError, formatHandshake, incompatibility, type FeedEncoding, type FeedHello } from './feed-protocol.ts';
import { NdjsonFeedDecoder } from './ndjson-feed-decoder.ts';
import { sizeSocketBuffers } from './socket-buffers.ts';
import { SubscriptionPosition } from './subscription-position.ts';

/** A record and its subscription sequence (its number among the subscription's records). */
export type RecordListener = (record: MarketDataRecord, subscriptionSequence: number) => void;

export interface TcpFeedClientOptions {
  host: string;
  port: number;
  encoding: FeedEncoding;
  /** Instruments to receive; undefined = all. */
  instruments?: number[];
  /** Called for every record; the flyweight is valid until it returns. */
  onRecord?: RecordListener;
  /** Called before the records of each chunk read from the socket (e.g. to time them). */
  onChunk?: () => void;
  /** First reconnect delay; doubles (with jitter) up to maxReconnectDelayMs. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  connectTimeoutMs?: number;
  /** A connection silent this long (no record, no heartbeat) is considered dead. */
  silenceTimeoutMs?: number;
  /** SO_RCVBUF to ask for, bytes; 0 = the kernel's default. */
  receiveBufferBytes?: number;
}

export interface TcpFeedClientEvents {
  connected: [];
  hello: [hello: FeedHello];
  /** The publisher restarted (new epoch): its sequence numbers start again. */
  newStream: [hello: FeedHello];
  disconnected: [reason: string, retryInMs: number];
  /** Records of the subscription that were lost (missed while reconnecting, or not sent by the server). */
  gap: [lost: number, nextSubscriptionSequence: number];
  malformed: [reason: string];
  serverError: [reason: string];
  /** The server speaks another protocol version: the client has stopped. */
  incompatible: [reason: string];
}

export class TcpFeedClient extends EventEmitter<TcpFeedClientEvents> {
  connects = 0;
  malformed = 0;
  recordsReceived = 0;
  /** The publisher's wall clock minus its monotonic clock, ns (from hello and heartbeats). */
  wallMinusMonotonicNs = 0;
  hello: FeedHello | undefined;
  private readonly options: TcpFeedClientOptions;
  private socket: net.Socket | undefined;
  private closed = false;
  private delayMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly recordListeners = new Set<RecordListener>();
  private readonly position = new SubscriptionPosition();

  constructor(options: TcpFeedClientOptions) {
    super();
    this.options = options;
    this.delayMs = options.reconnectDelayMs ?? 100;
    if (options.onRecord !== undefined) this.recordListeners.add(options.onRecord);
  }

  /** Gaps, lost and out-of-order records of the subscription (the records' own sequence for first/last). */
  get sequences(): SequenceTracker {
    return this.position.sequences;
  }

  start(): this {
    this.connect();
    return this;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.destroy();
  }

  /**
   * The records as plain objects, for `for await`. Reading slower than the feed pauses the
   * socket (TCP backpressure), and a subscriber that falls too far behind is dropped by
   * the publisher and reconnects, seeing a gap.
   */
  async *records(highWaterMark = 10_000): AsyncGenerator<RecordFields> {
    const queue: RecordFields[] = [];
    let wake: (() => void) | undefined;
    const listener = (record: MarketDataRecord): void => {
      queue.push(record.toFields());
      if (queue.length >= highWaterMark) this.socket?.pause();
      wake?.();
    };
    this.recordListeners.add(listener);
    try {
      while (!this.closed) {
        if (queue.length === 0) {
          this.socket?.resume();
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        yield queue.shift()!;
      }
    } finally {
      this.recordListeners.delete(listener);
    }
  }

  private connect(): void {
    if (this.closed) return;
    const socket = net.connect({ host: this.options.host, port: this.options.port, noDelay: true });
    this.socket = socket;
    socket.once('connect', () => sizeSocketBuffers(socket, 0, this.options.receiveBufferBytes ?? 0));
    const decoder = this.decoder(socket);
    socket.setTimeout(this.options.connectTimeoutMs ?? 5000, () => socket.destroy(new Error('connect timeout')));
    socket.once('connect', () => {
      // From now on the timeout is the silence limit: heartbeats come every second.
      const silenceMs = this.options.silenceTimeoutMs ?? 5000;
      socket.setTimeout(silenceMs, () => socket.destroy(new Error(`no data for ${silenceMs} ms`)));
      this.connects++;
      socket.write(formatHandshake({ encoding: this.options.encoding, instruments: this.options.instruments }));
      this.emit('connected');
    });
    const onChunk = this.options.onChunk;
    socket.on('data', (chunk: Buffer) => {
      onChunk?.();
      try {
        decoder.push(chunk);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        this.malformed++;
        this.emit('malformed', error.message);
        socket.destroy(error);
      }
    });
    socket.on('error', () => {
      // 'close' follows and schedules the reconnect.
    });
    socket.once('close', () => {
      if (this.closed) return;
      const reason = socket.errored?.message ?? 'connection closed';
      const retryInMs = Math.round(this.delayMs * (0.5 + Math.random() * 0.5));
      this.delayMs = Math.min(this.delayMs * 2, this.options.maxReconnectDelayMs ?? 5000);
      this.emit('disconnected', reason, retryInMs);
      this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    });
  }

  private decoder(socket: net.Socket): FeedDecoder {
    let greeted = false;
    const events: FeedEvents = {
      // After close(), the rest of a chunk is neither delivered nor followed (a heartbeat
      // there would count the records not delivered as lost).
      onRecord: (record) => {
        if (this.closed) return;
        this.recordsReceived++;
        const subscriptionSequence = this.position.record(record.sequence);
        for (const listener of this.recordListeners) listener(record, subscriptionSequence);
      },
      onHello: (hello) => {
        if (this.closed) return;
        greeted = true;
        const incompatible = incompatibility(hello);
        if (incompatible !== undefined) {
          this.stopIncompatible(incompatible);
          return;
        }
        this.hello = hello;
        this.wallMinusMonotonicNs = hello.wallMinusMonotonicNs;
        this.delayMs = this.options.reconnectDelayMs ?? 100;
        if (this.position.isNewStream(hello)) this.emit('newStream', hello);
        this.lost(this.position.begin(hello));
        this.emit('hello', hello);
      },
      onHeartbeat: (offset, _next, nextSubscriptionSequence) => {
        if (this.closed) return;
        this.wallMinusMonotonicNs = offset;
        this.lost(this.position.moveTo(nextSubscriptionSequence));
      },
      onGap: (_lost, nextSubscriptionSequence) => {
        if (this.closed) return;
        this.lost(this.position.moveTo(nextSubscriptionSequence));
      },
      onServerError: (reason) => {
        const incompatible = greeted ? undefined : incompatibility(undefined, reason);
        if (incompatible !== undefined) {
          this.stopIncompatible(incompatible);
          return;
        }
        this.emit('serverError', reason);
        socket.destroy(new Error(`server: ${reason}`));
      },
      onMalformed: (reason) => {
        this.malformed++;
        this.emit('malformed', reason);
      },
    };
    return this.options.encoding === 'binary' ? new BinaryFeedDecoder(events) : new NdjsonFeedDecoder(events);
  }

  private lost(records: number): void {
    if (records > 0) this.emit('gap', records, this.position.nextSubscriptionSequence);
  }

  private stopIncompatible(reason: string): void {
    this.close();
    this.emit('incompatible', reason);
  }
}

