// The few messages a bench child (process or worker thread) sends its parent. A child
// process writes them as JSON lines on stdout with a synchronous write: it is about to
// busy-spin, and an asynchronous write (or process.send) would wait for an event loop
// that never turns. A worker posts them, which needs no event loop either.
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

export interface PeerMessage {
  type: string;
}

export function reportToParent<M extends PeerMessage>(message: M): void {
  if (parentPort !== null) parentPort.postMessage(message);
  else fs.writeSync(1, `${JSON.stringify(message)}\n`);
}

export function isPeerMessage(value: unknown): value is PeerMessage {
  return typeof value === 'object' && value !== null && typeof (value as PeerMessage).type === 'string';
}

/** A receiving child is set up and polling: the sender may start. */
export interface ReadyMessage extends PeerMessage {
  type: 'ready';
}

/** A receiving child's figures, once the sender has ended. */
export interface ResultMessage<R> extends PeerMessage {
  type: 'result';
  result: R;
}

/** A sending child has sent everything and marked the end of the stream. */
export interface DoneMessage extends PeerMessage {
  type: 'done';
  sent: number;
}

/** A sending child that is a server listens here and waits for its subscriber. */
export interface ListeningMessage extends PeerMessage {
  type: 'listening';
  port: number;
}
