// The parent's handle on a bench child, a process or a worker thread: wait for a message
// of a given type, and stop the child whatever state it is in.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { Worker, type Transferable } from 'node:worker_threads';
import { isPeerMessage, type PeerMessage } from './peer-messages.ts';
import { cleanupOnSignal } from './signal-cleanup.ts';

export interface Peer {
  readonly name: string;
  /** Resolves with the first message of this type; rejects if the child fails or ends first. */
  waitFor<T extends PeerMessage>(type: string): Promise<T>;
  /** Ends the child (now, if it has not ended by itself) and resolves once it is gone. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 1000;

/** Messages that arrived, waiters for those still due, and the failure that ends both. */
class Inbox {
  private readonly received: PeerMessage[] = [];
  private readonly waiters: { type: string; resolve: (message: PeerMessage) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;

  deliver(message: PeerMessage): void {
    const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
    if (index >= 0) this.waiters.splice(index, 1)[0].resolve(message);
    else this.received.push(message);
  }

  fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
  }

  waitFor<T extends PeerMessage>(type: string): Promise<T> {
    const index = this.received.findIndex((message) => message.type === type);
    if (index >= 0) return Promise.resolve(this.received.splice(index, 1)[0] as T);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => this.waiters.push({ type, resolve: resolve as (message: PeerMessage) => void, reject }));
  }
}

/** Runs `node script ...args` (TypeScript runs directly on Node 24); stderr passes through. */
export function startProcessPeer(name: string, script: string, args: readonly string[]): Peer {
  const inbox = new Inbox();
  const child: ChildProcess = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const unregister = cleanupOnSignal(() => child.kill('SIGKILL'));
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = parseMessage(line);
    if (message === undefined) process.stderr.write(`[${name}] ${line}\n`);
    else inbox.deliver(message);
  });
  child.once('error', (error) => inbox.fail(new Error(`${name}: ${error.message}`)));
  // 'close', not 'exit': stdout may still hold the child's last lines when it exits.
  child.once('close', (code, signal) => inbox.fail(new Error(`${name} exited (${signal ?? `code ${code}`}) before sending the message awaited`)));
  return {
    name,
    waitFor: (type) => inbox.waitFor(type),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      unregister();
    },
  };
}

/** Runs a worker thread (worker threads end with the process, so no signal cleanup is needed). */
export function startWorkerPeer(name: string, script: URL, workerData: unknown, transferList: readonly Transferable[] = []): Peer {
  const inbox = new Inbox();
  const worker = new Worker(script, { workerData, transferList: [...transferList] });
  let running = true;
  worker.on('message', (message: unknown) => {
    if (isPeerMessage(message)) inbox.deliver(message);
  });
  worker.once('error', (error: Error) => inbox.fail(new Error(`${name}: ${error.message}`)));
  worker.once('exit', (code) => {
    running = false;
    inbox.fail(new Error(`${name} exited (code ${code}) before sending the message awaited`));
  });
  return {
    name,
    waitFor: (type) => inbox.waitFor(type),
    async stop() {
      if (running) await worker.terminate();
    },
  };
}

function parseMessage(line: string): PeerMessage | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isPeerMessage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
