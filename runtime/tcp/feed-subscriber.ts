// One TCP subscriber on the publisher's side: reads its handshake (or times out into the
// NDJSON default), then receives encoded batches. Its send queue is bounded: past
// maxQueueBytes of unsent data it is dropped, so a subscriber that stops reading costs
// the publisher at most that much memory and never slows anyone else. Dropped, it is sent
// nothing more but what was queued and then the reason (an error frame or line), so that a
// slow reader (a relay behind a flat-out feed) can say why it lost records; one whose queue
// stops shrinking is cut at once (within SLOW_DROP_CHECK_MS), and any after SLOW_DROP_GRACE_MS,
// so a subscriber that does not read still costs at most its bound, briefly.
import type { Socket } from 'node:net';
import { encodeFeedError } from './feed-greetings.ts';
import { sizeSocketBuffers } from './socket-buffers.ts';
import { MAX_HANDSHAKE_LENGTH, ProtocolError, parseHandshake, type FeedEncoding, type Subscription } from './feed-protocol.ts';
import type { FanoutSubscriber } from './record-fanout.ts';

export interface SubscriberOptions {
  handshakeTimeoutMs: number;
  maxQueueBytes: number;
  /** SO_SNDBUF / SO_RCVBUF to ask for; 0 = the kernel's default. */
  sendBufferBytes: number;
  receiveBufferBytes: number;
}

export type DropReason = 'slow' | 'protocol' | 'closed' | 'error' | 'shutdown' | 'limit';

export interface SubscriberListener {
  subscribed(subscriber: FeedSubscriber): void;
  dropped(subscriber: FeedSubscriber, reason: DropReason, detail: string): void;
}

/** How long a subscriber dropped as too slow has to read what was queued and the reason, before the connection is cut. */
export const SLOW_DROP_GRACE_MS = 2000;
/** How often a subscriber dropped as too slow must have taken some of its queue, or be cut. */
export const SLOW_DROP_CHECK_MS = 250;
/** How the reason sent to a subscriber dropped as too slow begins. */
export const SLOW_DROP_REASON = 'dropped as too slow';

let nextId = 1;

export class FeedSubscriber implements FanoutSubscriber {
  readonly id = nextId++;
  readonly remote: string;
  subscription: Subscription | undefined;
  /** Instrument filter as a set, undefined = all. */
  instruments: Set<number> | undefined;
  nextSubscriptionSequence = 0;
  bytesSent = 0;
  recordsSent = 0;
  private readonly socket: Socket;
  private readonly options: SubscriberOptions;
  private readonly listener: SubscriberListener;
  private handshake = '';
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(socket: Socket, options: SubscriberOptions, listener: SubscriberListener) {
    this.socket = socket;
    this.options = options;
    this.listener = listener;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    sizeSocketBuffers(socket, options.sendBufferBytes, options.receiveBufferBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A peer that went away mid-write is a close, not a fault.
      const gone = error.code === 'ECONNRESET' || error.code === 'EPIPE';
      this.drop(gone ? 'closed' : 'error', error.message);
    });
    socket.on('close', () => this.drop('closed', 'connection closed'));
    this.timer = setTimeout(() => this.start({ encoding: 'json', instruments: undefined }), options.handshakeTimeoutMs);
  }

  get streaming(): boolean {
    return this.subscription !== undefined && !this.finished;
  }

  get encoding(): FeedEncoding {
    return this.subscription?.encoding ?? 'json';
  }

  /** Bytes accepted by write() and not yet handed to the kernel. */
  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  /** Sends one encoded batch; drops the subscriber if its queue passed the bound. */
  send(data: Buffer | string, records: number): void {
    if (this.finished) return;
    // The server's JSON is ASCII: as latin1, a string is copied out byte for byte instead
    // of being transcoded to UTF-8 (a third of the NDJSON sender's time, measured).
    if (typeof data === 'string') this.socket.write(data, 'latin1');
    else this.socket.write(data);
    this.bytesSent += data.length; // ASCII: characters are bytes
    this.recordsSent += records;
    if (this.socket.writableLength > this.options.maxQueueBytes) {
      const detail = `${this.socket.writableLength} bytes queued, more than the ${this.options.maxQueueBytes}-byte bound`;
      void this.end('slow', encodeFeedError(this.encoding, `${SLOW_DROP_REASON}: ${detail}`), SLOW_DROP_GRACE_MS, detail);
      this.cutUnlessDraining();
    }
  }

  /** Destroys the socket as soon as its queue stops shrinking (a reader that stopped reading). */
  private cutUnlessDraining(): void {
    let queued = this.socket.writableLength;
    const check = setInterval(() => {
      const now = this.socket.writableLength;
      if (now > 0 && now < queued) {
        queued = now;
        return;
      }
      clearInterval(check);
      this.socket.destroy();
    }, SLOW_DROP_CHECK_MS).unref();
    this.socket.once('close', () => clearInterval(check));
  }

  /** Ends the connection after what is queued (and `message`), or at once after graceMs. */
  end(reason: DropReason, message: Buffer | string | undefined, graceMs: number, detail = typeof message === 'string' ? message : 'server closing'): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once('close', () => resolve());
      if (message !== undefined) this.socket.write(message);
      this.socket.end();
      setTimeout(() => this.socket.destroy(), graceMs).unref();
      this.finish(reason, detail);
    });
  }

  /** Refuses the connection with an error the client can read (JSON, which `nc` shows too). */
  refuse(reason: DropReason, message: string): void {
    void this.end(reason, `${JSON.stringify({ error: message })}\n`, 1000);
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    if (this.subscription !== undefined) {
      this.protocolError('unexpected data after the handshake');
      return;
    }
    this.handshake += chunk.toString('latin1');
    const newline = this.handshake.indexOf('\n');
    if (newline === -1) {
      if (this.handshake.length > MAX_HANDSHAKE_LENGTH) this.protocolError(`handshake longer than ${MAX_HANDSHAKE_LENGTH} bytes`);
      return;
    }
    try {
      const subscription = parseHandshake(this.handshake.slice(0, newline));
      if (newline + 1 < this.handshake.length) this.protocolError('unexpected data after the handshake');
      else this.start(subscription);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.protocolError(error.message);
    }
  }

  private start(subscription: Subscription): void {
    if (this.finished || this.subscription !== undefined) return;
    clearTimeout(this.timer);
    this.subscription = subscription;
    this.instruments = subscription.instruments === undefined ? undefined : new Set(subscription.instruments);
    this.listener.subscribed(this);
  }

  private protocolError(message: string): void {
    this.refuse('protocol', message);
  }

  private drop(reason: DropReason, detail: string): void {
    if (this.finished) return;
    this.socket.destroy();
    this.finish(reason, detail);
  }

  private finish(reason: DropReason, detail: string): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.listener.dropped(this, reason, detail);
  }
}
