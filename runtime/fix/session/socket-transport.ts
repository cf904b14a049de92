// A TCP socket as a FixSession's transport: frames what arrives (SessionFramer) and hands
// each message to the session; writes what the session sends, bounded: a peer that stops
// reading while more than `maxQueuedBytes` wait in the socket is cut off (its session only,
// the process and the other sessions go on). An exception from the session's processing
// of one message disconnects that session and is logged; it never reaches the event loop.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { FixSession, FixTransport } from './fix-session.ts';
import { SessionFramer } from './session-framer.ts';

/** Initial size of a transport's write batch. */
const BATCH_BYTES = 16 * 1024;

export interface SocketTransportOptions {
  /** Bytes written but not yet taken by the peer beyond which the connection is closed (default 4 MiB). */
  maxQueuedBytes?: number;
  /** Largest message accepted (default 1 MiB). */
  maxMessageBytes?: number;
}

/** A socket's transport, told by the connection's reader when a read's messages begin and end. */
export interface SocketTransport extends FixTransport {
  /** A read's messages are being processed: what the session writes waits for endRead(). */
  beginRead(): void;
  /** The read's messages are done: their answers leave now, in one write. */
  endRead(): void;
}

/**
 * A transport writing to `socket`; `onOverflow` is called when the peer stops reading. The
 * messages written together (the answers to one read's messages, sent at the read's end; an
 * application's burst outside a read, sent at the end of the event loop's turn) are gathered
 * in one buffer and leave in one socket write: one copy and one system call per batch, not
 * per message; the buffer is reused while the socket keeps up.
 */
export function socketTransport(socket: Socket, options: SocketTransportOptions, onOverflow: () => void): SocketTransport {
  const limit = options.maxQueuedBytes ?? 4 << 20;
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let length = 0;
  let scheduled = false;
  let reading = false;
  const flush = (): void => {
    scheduled = false;
    if (length === 0 || socket.destroyed) return;
    const bytes = batch.subarray(0, length);
    length = 0;
    socket.write(bytes);
    // Nothing left in the socket: the kernel took the bytes during write() and nothing refers
    // to the batch any more, so it is reused (the usual case, with a peer that reads). Otherwise
    // the socket keeps `bytes` until they are sent, and the next batch goes to a new buffer.
    if (socket.writableLength > 0) batch = Buffer.allocUnsafe(BATCH_BYTES);
  };
  return {
    write(bytes) {
      if (socket.destroyed) return;
      if (socket.writableLength + length > limit) {
        onOverflow();
        return;
      }
      if (length + bytes.length > batch.length) {
        const grown = Buffer.allocUnsafe(Math.max(batch.length * 2, length + bytes.length));
        batch.copy(grown, 0, 0, length);
        batch = grown;
      }
      batch.set(bytes, length);
      length += bytes.length;
      if (!scheduled && !reading) {
        scheduled = true;
        process.nextTick(flush);
      }
    },
    beginRead() {
      reading = true;
    },
    endRead() {
      reading = false;
      flush();
    },
    close() {
      flush();
      socket.end();
      // A peer that does not take the rest within a second is not waited for.
      setTimeout(() => socket.destroy(), 1000).unref();
    },
  };
}

/**
 * A framer for a connection's bytes; each message goes to `target()`'s session, or, while
 * there is none (an acceptor's connection before its Logon), to `unbound`; `target()` null:
 * the connection is done with (its session disconnected it) and what it still sends is dropped.
 */
export function messageFramer(
  options: SocketTransportOptions,
  log: Logger,
  target: () => FixSession | undefined | null,
  unbound: (buffer: Buffer, start: number, end: number) => void,
): SessionFramer {
  return new SessionFramer(
    {
      onMessage(buffer, start, end) {
        const session = target();
        if (session === null) return;
        if (session === undefined) {
          unbound(buffer, start, end);
          return;
        }
        try {
          session.receive(buffer, start, end);
        } catch (error) {
          log.error({ err: error, session: session.id }, 'session failed on a message; disconnecting it');
          session.disconnect('internal error');
        }
      },
      onGarbage(reason, bytes) {
        log.warn({ reason, bytes, session: target()?.id }, 'bytes skipped');
      },
    },
    options.maxMessageBytes,
  );
}

/**
 * Hands the first `bytes` of `chunk` to `framer`, the answers to its messages held in
 * `transport` (the connection's, once it has one) until they are all written.
 */
function frameRead(framer: SessionFramer, transport: SocketTransport | undefined, chunk: Uint8Array, bytes: number): void {
  if (transport === undefined) {
    framer.push(chunk, bytes);
    return;
  }
  transport.beginRead();
  try {
    framer.push(chunk, bytes);
  } finally {
    transport.endRead();
  }
}

/** Frames what arrives on `socket` (its 'data' events) with messageFramer; `transport()`: the connection's transport, if it has one yet. */
export function readMessages(
  socket: Socket,
  options: SocketTransportOptions,
  log: Logger,
  target: () => FixSession | undefined | null,
  unbound: (buffer: Buffer, start: number, end: number) => void,
  transport: () => SocketTransport | undefined,
): SessionFramer {
  const framer = messageFramer(options, log, target, unbound);
  socket.on('data', (chunk: Buffer) => {
    if (!socket.destroyed) frameRead(framer, transport(), chunk, chunk.length);
  });
  return framer;
}

/** Bytes read at most per system call into a connection's read buffer. */
export const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Socket options that read into one buffer of the connection's own and hand what arrives to
 * `framer` (which copies what it keeps): no Buffer and no stream event per read. For sockets
 * this process opens (net.connect); an accepted socket reads through readMessages.
 */
export function framedReads(
  framer: SessionFramer,
  isDestroyed: () => boolean,
  transport: () => SocketTransport | undefined,
): { buffer: Uint8Array; callback: (bytes: number, buffer: Uint8Array) => boolean } {
  return {
    buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
    callback(bytes, buffer) {
      if (!isDestroyed()) frameRead(framer, transport(), buffer, bytes);
      return true;
    },
  };
}
