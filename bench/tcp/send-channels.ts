// The sending side of each TCP impl: a server on a loopback port, the RecordTransmitter
// the load is written through, and the agents that run beside the load in its duty cycle.
//
//   marketfeed    the publisher's own path: records go into a broadcast ring (through the
//                 server's guard), and the TcpFeedServer's fan-out reads them from it and
//                 sends one write per pump (TCP_NODELAY, 4 MiB SO_SNDBUF), exactly as
//                 `marketfeed publish` does.
//   naive         one JSON.stringify and one socket.write per record, default socket options.
//   naive-binary  the 64-byte record in a one-record frame, one socket.write per record,
//                 default socket options: the binary encoding without the batching.
//
// Flat out, a sender must not queue without limit: while more than FLOW_LIMIT_BYTES wait
// in the process for the kernel, tryClaim() returns null and the load waits.
import net from 'node:net';
import type { Agent } from '../../runtime/agent/agent-runner.ts';
import { createLogger } from '../../runtime/observability/logger.ts';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { recordToJsonObject } from '../../runtime/record/record-json.ts';
import { RECORD_SIZE, RECORD_WORDS } from '../../runtime/record/record-layout.ts';
import { BroadcastTransmitter } from '../../runtime/ring/broadcast-transmitter.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import { allocateSharedRing } from '../../runtime/ring/ring-memory.ts';
import { FRAME_HEADER_SIZE, FrameType, writeFrameHeader } from '../../runtime/tcp/feed-protocol.ts';
import { TcpFeedServer } from '../../runtime/tcp/tcp-feed-server.ts';

export const SENDER_IMPLS = ['marketfeed', 'naive', 'naive-binary'] as const;
export type SenderImpl = (typeof SENDER_IMPLS)[number];

export interface SendChannel {
  port: number;
  /** Resolves once the subscriber is attached, with what to send through. */
  attached: Promise<Attachment>;
  /** Sends what is queued, then closes the connection and the server. */
  close(): Promise<void>;
}

export interface Attachment {
  transmitter: RecordTransmitter;
  /** Run after the load in each duty cycle (the fan-out). */
  agents: Agent[];
}

const FLOW_LIMIT_BYTES = 1 << 20;
const RING_CAPACITY = 65_536;
/** The publisher's default SO_SNDBUF (--tcp-send-buffer). */
const SEND_BUFFER_BYTES = 4 << 20;

export async function openSendChannel(impl: SenderImpl): Promise<SendChannel> {
  return impl === 'marketfeed' ? openFeedServer() : openNaiveServer(impl === 'naive' ? NaiveJsonTransmitter : NaiveFrameTransmitter);
}

async function openFeedServer(): Promise<SendChannel> {
  const { ring } = allocateSharedRing({ capacity: RING_CAPACITY, mode: 'broadcast', consumerSlots: 0 });
  const server = new TcpFeedServer(ring, {
    host: '127.0.0.1',
    port: 0,
    feed: 'bench',
    epoch: 1,
    maxSubscribers: 1,
    handshakeTimeoutMs: 5000,
    // Far above the flow limit: the subscriber is never dropped as slow.
    maxQueueBytes: 1 << 30,
    sendBufferBytes: SEND_BUFFER_BYTES,
    receiveBufferBytes: 0,
    logger: createLogger('bench-tcp-sender', 'warn'),
  });
  const port = await server.listen();
  const attached = new Promise<Attachment>((resolve) => {
    const timer = setInterval(() => {
      if (server.subscriberCount === 0) return;
      clearInterval(timer);
      resolve({
        // Through the server's guard, as the publisher does: bursts never lap the fan-out.
        transmitter: new FlowGatedTransmitter(server.guard(new BroadcastTransmitter(ring)), () => server.bytesQueued < FLOW_LIMIT_BYTES),
        agents: [{ doWork: () => server.pump(), isDone: () => false }],
      });
    }, 2);
  });
  return { port, attached, close: () => server.close() };
}

/**
 * A transmitter that refuses to claim while its gate is shut (flow control in front of a
 * broadcast ring). The gate is looked at once per burst, at the first claim after a flush.
 */
class FlowGatedTransmitter implements RecordTransmitter {
  fullCount = 0;
  private readonly inner: RecordTransmitter;
  private readonly open: () => boolean;
  private checked = false;

  constructor(inner: RecordTransmitter, open: () => boolean) {
    this.inner = inner;
    this.open = open;
  }

  get nextSequence(): number {
    return this.inner.nextSequence;
  }

  tryClaim(): MarketDataRecord | null {
    if (!this.checked) {
      if (!this.open()) {
        this.fullCount++;
        return null;
      }
      this.checked = true;
    }
    return this.inner.tryClaim();
  }

  commit(): void {
    this.inner.commit();
  }

  flush(): void {
    this.checked = false;
    this.inner.flush();
  }
}

type NaiveTransmitterClass = new (socket: net.Socket) => RecordTransmitter;

async function openNaiveServer(Transmitter: NaiveTransmitterClass): Promise<SendChannel> {
  let onConnection: (socket: net.Socket) => void = () => {};
  const connected = new Promise<net.Socket>((resolve) => (onConnection = resolve));
  // Default options: Nagle on, kernel-sized buffers. The client's handshake line is read
  // and ignored (a socket never read from never sees the peer's end, and never closes).
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.resume();
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    attached: connected.then((socket) => ({ transmitter: new Transmitter(socket), agents: [] })),
    async close() {
      const socket = await connected;
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Claims a private record; the subclass writes it to the socket on commit. */
abstract class NaiveTransmitter implements RecordTransmitter {
  fullCount = 0;
  nextSequence = 0;
  protected readonly socket: net.Socket;
  protected readonly record = new MarketDataRecord(new Int32Array(RECORD_WORDS));

  constructor(socket: net.Socket) {
    this.socket = socket;
  }

  tryClaim(): MarketDataRecord | null {
    if (this.socket.writableLength > FLOW_LIMIT_BYTES) {
      this.fullCount++;
      return null;
    }
    this.record.sequence = this.nextSequence;
    return this.record;
  }

  commit(): void {
    this.send(this.record);
    this.nextSequence++;
  }

  flush(): void {}

  protected abstract send(record: MarketDataRecord): void;
}

/** What a developer would write first: an object per record, JSON.stringify, a write per line. */
class NaiveJsonTransmitter extends NaiveTransmitter {
  protected send(record: MarketDataRecord): void {
    const line = JSON.stringify(recordToJsonObject(record));
    this.socket.write(`${line}\n`);
  }
}

/** The binary protocol, but a frame and a write per record. */
class NaiveFrameTransmitter extends NaiveTransmitter {
  private readonly bytes = new Uint8Array(this.record.words.buffer);

  protected send(): void {
    const frame = Buffer.allocUnsafe(FRAME_HEADER_SIZE + RECORD_SIZE);
    writeFrameHeader(frame, 0, RECORD_SIZE, FrameType.records, 1);
    frame.set(this.bytes, FRAME_HEADER_SIZE);
    this.socket.write(frame);
  }
}
