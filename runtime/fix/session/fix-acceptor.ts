// A FIX acceptor on node:net: several sessions at once, each found by the first message of a
// connection (BeginString, and our CompID in TargetCompID, theirs in SenderCompID, as
// QuickFIX looks sessions up). A connection whose first message does not parse, names no
// session, or names one that is already connected (a duplicate identity) is closed at once,
// without touching the session that is logged on. A connection that sends no message is
// closed after `logonTimeoutMs`; one whose bytes never frame is bounded by the framer.
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { FixError } from '../fix-error.ts';
import { FixParser } from '../fix-parser.ts';
import type { FixSession } from './fix-session.ts';
import { type SocketTransport, type SocketTransportOptions, readMessages, socketTransport } from './socket-transport.ts';

export interface FixAcceptorOptions extends SocketTransportOptions {
  /** Sessions this acceptor serves (role 'acceptor'). */
  sessions: FixSession[];
  host?: string;
  /** 0: any free port (see address()). */
  port: number;
  logger?: Logger;
  /** A connection with no message for this long is closed (default 10 s). */
  logonTimeoutMs?: number;
}

export class FixAcceptor {
  private readonly server: Server;
  private readonly sessions = new Map<string, FixSession>();
  private readonly sockets = new Set<Socket>();
  private readonly log: Logger;
  private readonly parser = new FixParser();
  private readonly options: FixAcceptorOptions;

  constructor(options: FixAcceptorOptions) {
    this.options = options;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'fix-acceptor' });
    for (const session of options.sessions) this.sessions.set(`${session.beginString}:${session.senderCompID}:${session.targetCompID}`, session);
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        const address = this.address();
        this.log.info({ address }, 'listening');
        resolve(address);
      });
    });
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /**
   * Stops accepting connections, logs every logged-on session out (waiting up to `graceMs` for
   * the answers), then closes all connections. Resolves to the sessions logged on at the call
   * and how many of them ended with the peer's Logout answer inside the grace period.
   */
  async close(graceMs = 2000): Promise<{ loggedOn: number; loggedOut: number }> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const loggedOn = this.options.sessions.filter((session) => session.isLoggedOn);
    for (const session of loggedOn) session.logout();
    const deadline = Date.now() + graceMs;
    while (loggedOn.some((session) => session.isConnected) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const loggedOut = loggedOn.filter((session) => !session.isConnected).length;
    for (const session of this.options.sessions) session.disconnect('acceptor closing');
    for (const socket of this.sockets) socket.destroy();
    await closed;
    return { loggedOn: loggedOn.length, loggedOut };
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    let session: FixSession | undefined;
    let transport: SocketTransport | undefined;
    const log = this.log.child({ peer });
    const unboundTimer = setTimeout(() => {
      log.warn('no Logon in time; closing');
      socket.destroy();
    }, this.options.logonTimeoutMs ?? 10_000);
    unboundTimer.unref();
    // Bound: the session while it is this connection's; null once it has let the connection go.
    const target = (): FixSession | undefined | null => (session === undefined ? undefined : session.isBoundTo(transport!) ? session : null);
    readMessages(socket, this.options, log, target, (buffer, start, end) => {
      const found = this.lookup(buffer, start, end, log);
      if (found === undefined) {
        socket.destroy();
        return;
      }
      clearTimeout(unboundTimer);
      session = found;
      transport = socketTransport(socket, this.options, () => {
        log.warn({ queued: socket.writableLength }, 'peer stopped reading; closing');
        found.disconnected('peer stopped reading', transport);
        socket.destroy();
      });
      found.connect(transport);
      found.receive(buffer, start, end);
    }, () => transport);
    socket.on('error', (error) => log.debug({ err: error }, 'socket error'));
    socket.on('close', () => {
      clearTimeout(unboundTimer);
      this.sockets.delete(socket);
      session?.disconnected('connection closed', transport);
    });
  }

  /** The session a connection's first message names, if it is free. */
  private lookup(buffer: Buffer, start: number, end: number, log: Logger): FixSession | undefined {
    try {
      const view = this.parser.parse(buffer, start, end);
      const sender = view.indexOf(49);
      const target = view.indexOf(56);
      if (sender < 0 || target < 0) {
        log.warn('first message names no CompIDs; closing');
        return undefined;
      }
      const key = `${view.stringAt(0)}:${view.stringAt(target)}:${view.stringAt(sender)}`;
      const session = this.sessions.get(key);
      if (session === undefined) log.warn({ key }, 'no such session; closing');
      else if (session.isConnected) log.warn({ session: session.id }, 'session already connected (duplicate identity); closing the new connection');
      else return session;
    } catch (error) {
      if (!(error instanceof FixError)) throw error;
      log.warn({ error: error.message }, 'first message garbled; closing');
    }
    return undefined;
  }
}
