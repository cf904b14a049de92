// Our FixInitiator against our FixAcceptor over loopback TCP: logon, application messages
// both ways in sequence, logout; a reconnect after the acceptor drops the connection; two
// sessions on one acceptor at once, one of them disconnected without disturbing the other.
import { afterEach, describe, expect, it } from 'vitest';
import type { FixMessageView } from '../../../runtime/fix/fix-message-view.ts';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
// Through the library's entry point, as a program using the package would.
import { type FixApplication, FixAcceptor, FixInitiator, FixSession, type FixSessionOptions } from '../../../runtime/index.ts';
import { FIX44, until } from './session-harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An exchange-like application: answers each NewOrderSingle with an ExecutionReport. */
const acknowledging = (): FixApplication & { orders: string[] } => {
  const orders: string[] = [];
  return {
    orders,
    msgTypes: new Set(['D']),
    onApplicationMessage(session: FixSession, view: FixMessageView) {
      const id = view.getString(11);
      orders.push(id);
      session.send('8', (e) => e.string(37, `o-${id}`).string(11, id).string(17, `e-${id}`).char(150, '0').char(39, '0').string(55, view.getString(55)).char(54, '1').int(151, 100).int(14, 0).int(6, 0));
    },
  };
};

const receiving = (): FixApplication & { reports: string[] } => {
  const reports: string[] = [];
  return { reports, msgTypes: new Set(['8']), onApplicationMessage: (_, view) => reports.push(view.getString(11)) };
};

const sessionOf = (options: Pick<FixSessionOptions, 'role' | 'senderCompID' | 'targetCompID' | 'application'> & Partial<FixSessionOptions>): FixSession =>
  new FixSession({ beginString: 'FIX.4.4', dictionary: FIX44, store: new MemoryMessageStore(), heartBtInt: 30, ...options });

const order = (session: FixSession, id: string): number =>
  session.send('D', (e) => e.string(11, id).char(21, '1').string(55, 'AAPL').char(54, '1').utcTimestamp(60, Date.now()).int(38, 100).char(40, '1'));

async function start(acceptorSessions: FixSession[]): Promise<number> {
  const acceptor = new FixAcceptor({ sessions: acceptorSessions, port: 0, host: '127.0.0.1' });
  const { port } = await acceptor.listen();
  cleanups.push(async () => void (await acceptor.close(500)));
  return port;
}

function initiate(session: FixSession, port: number, reconnectIntervalMs = 100): FixInitiator {
  const initiator = new FixInitiator({ session, host: '127.0.0.1', port, reconnectIntervalMs });
  initiator.start();
  cleanups.push(() => initiator.stop(500));
  return initiator;
}

describe('FixInitiator ↔ FixAcceptor over TCP', () => {
  it('logs on, exchanges orders and execution reports in sequence, and logs out cleanly', async () => {
    const exchange = acknowledging();
    const client = receiving();
    const port = await start([sessionOf({ role: 'acceptor', senderCompID: 'EXCH', targetCompID: 'CLIENT', application: exchange })]);
    const initiator = initiate(sessionOf({ role: 'initiator', senderCompID: 'CLIENT', targetCompID: 'EXCH', application: client, resetOnLogon: true }), port);
    await initiator.loggedOn();
    for (let i = 0; i < 50; i++) order(initiator.session, `c${i}`);
    await until(() => client.reports.length === 50, '50 execution reports');
    expect(exchange.orders).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`));
    expect(client.reports).toEqual(exchange.orders);
    expect(initiator.session.store.nextSenderMsgSeqNum).toBe(52);
    await initiator.stop(2000);
    expect(initiator.session.isConnected).toBe(false);
  });

  it('connects again after the acceptor drops the connection, and logs on again', async () => {
    const acceptorSession = sessionOf({ role: 'acceptor', senderCompID: 'EXCH', targetCompID: 'CLIENT', application: acknowledging() });
    const port = await start([acceptorSession]);
    const initiator = initiate(sessionOf({ role: 'initiator', senderCompID: 'CLIENT', targetCompID: 'EXCH', application: receiving(), resetOnLogon: true }), port);
    await initiator.loggedOn();
    acceptorSession.disconnect('test drop');
    await until(() => initiator.connections === 2 && initiator.session.isLoggedOn, 'a second logon');
  });

  it('serves two sessions at once; dropping one leaves the other logged on and working', async () => {
    const exchangeA = acknowledging();
    const exchangeB = acknowledging();
    const acceptorA = sessionOf({ role: 'acceptor', senderCompID: 'EXCH', targetCompID: 'A', application: exchangeA });
    const port = await start([acceptorA, sessionOf({ role: 'acceptor', senderCompID: 'EXCH', targetCompID: 'B', application: exchangeB })]);
    const clientB = receiving();
    const a = initiate(sessionOf({ role: 'initiator', senderCompID: 'A', targetCompID: 'EXCH', application: receiving(), resetOnLogon: true }), port, 60_000);
    const b = initiate(sessionOf({ role: 'initiator', senderCompID: 'B', targetCompID: 'EXCH', application: clientB, resetOnLogon: true }), port);
    await Promise.all([a.loggedOn(), b.loggedOn()]);
    acceptorA.disconnect('test drop');
    order(b.session, 'b1');
    await until(() => clientB.reports.length === 1, 'B’s execution report');
    expect(b.session.isLoggedOn).toBe(true);
    expect(exchangeA.orders).toEqual([]);
  });
});
