// A FIX initiator on node:net: connects its session (role 'initiator', which sends the Logon
// on connect), and connects again `reconnectIntervalMs` after the connection is lost or
// refused, until stop(). stop() logs out first and waits for the answer (or the grace time).
import { type Socket, connect } from 'node:net';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { FixSession } from './fix-session.ts';
import { type SocketTransport, type SocketTransportOptions, framedReads, messageFramer, socketTransport } from './socket-transport.ts';

export interface FixInitiatorOptions extends SocketTransportOptions {
  session: FixSession;
  host: string;
  port: number;
  /** Wait before connecting again after a lost or refused connection (default 30 s, QuickFIX's ReconnectInterval). */
  reconnectIntervalMs?: number;
  logger?: Logger;
}

export class FixInitiator {
  readonly session: FixSession;
  private readonly options: FixInitiatorOptions;
  private readonly log: Logger;
  private socket: Socket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Connections made so far (a reconnect counts). */
  connections = 0;

  constructor(options: FixInitiatorOptions) {
    this.options = options;
    this.session = options.session;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'fix-initiator', session: options.session.id });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Resolves once the session is logged on (or rejects after `timeoutMs`). */
  async loggedOn(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.session.isLoggedOn) {
      if (Date.now() > deadline) throw new Error(`${this.session.id}: not logged on after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Logs out (waiting up to `graceMs` for the answer), closes the connection and stops reconnecting. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    if (this.session.isLoggedOn) {
      this.session.logout();
      const deadline = Date.now() + graceMs;
      while (this.session.isConnected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.session.disconnect('initiator stopped');
    this.socket?.destroy();
  }

  private connect(): void {
    let transport: SocketTransport | undefined;
    const framer = messageFramer(this.options, this.log, () => (transport !== undefined && this.session.isBoundTo(transport) ? this.session : null), () => {});
    const socket: Socket = connect({ host: this.options.host, port: this.options.port, onread: framedReads(framer, () => socket.destroyed, () => transport) });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connections++;
      this.log.info({ host: this.options.host, port: this.options.port }, 'connected');
      transport = socketTransport(socket, this.options, () => {
        this.log.warn({ queued: socket.writableLength }, 'acceptor stopped reading; closing');
        this.session.disconnected('peer stopped reading', transport);
        socket.destroy();
      });
      this.session.connect(transport);
    });
    socket.on('error', (error) => this.log.warn({ err: error }, 'connection error'));
    socket.on('close', () => {
      if (transport !== undefined) this.session.disconnected('connection closed', transport);
      if (this.stopped) return;
      const wait = this.options.reconnectIntervalMs ?? 30_000;
      this.log.info({ wait }, 'reconnecting');
      this.retry = setTimeout(() => this.connect(), wait);
    });
  }
}
