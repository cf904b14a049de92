// Interoperability with a FIX engine nobody here wrote: jspurefix (devDependency) as the
// initiator logs on to our FixAcceptor, sends NewOrderSingle, OrderCancelReplaceRequest and
// OrderCancelRequest and receives our ExecutionReports; and our FixInitiator does the same
// against jspurefix's acceptor. Both sides validate what they receive against the FIX 4.4
// dictionary (ours strictly, so any field jspurefix sends that the dictionary does not allow
// would be answered with a Reject and fail the test).
import type { MsgView } from 'jspurefix';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FixEncoder } from '../../../runtime/fix/fix-encoder.ts';
import type { FixMessageView } from '../../../runtime/fix/fix-message-view.ts';
import { FixAcceptor } from '../../../runtime/fix/session/fix-acceptor.ts';
import { FixInitiator } from '../../../runtime/fix/session/fix-initiator.ts';
import { type FixApplication, FixSession } from '../../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
import { freePort } from '../../helpers/ports.ts';
import { JspurefixLauncher, QuietJspurefixSession, jspurefixDescription } from '../../helpers/jspurefix-sessions.ts';
import { FIX44, until } from './session-harness.ts';

// FIX_TEST_LOG=debug shows both engines' logs.
const logger = pino({ level: process.env.FIX_TEST_LOG ?? 'silent' });
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** ExecType/OrdStatus of our little venue's answer to each request. */
const ANSWER: Record<string, { execType: string; ordStatus: string }> = { D: { execType: '0', ordStatus: '0' }, G: { execType: '5', ordStatus: '0' }, F: { execType: '4', ordStatus: '4' } };

/** An acceptor application that acknowledges orders, replaces and cancels with ExecutionReports. */
function venue(): FixApplication & { requests: string[] } {
  const requests: string[] = [];
  let execId = 0;
  return {
    requests,
    msgTypes: new Set(['D', 'F', 'G']),
    onApplicationMessage(session: FixSession, view: FixMessageView) {
      const msgType = view.stringAt(2);
      requests.push(`${msgType}:${view.getString(11)}`);
      const { execType, ordStatus } = ANSWER[msgType];
      const quantity = view.indexOf(38) >= 0 ? view.getString(38) : '100';
      session.send('8', (e: FixEncoder) => {
        e.string(37, 'order-1').string(11, view.getString(11));
        if (msgType !== 'D') e.string(41, view.getString(41));
        e.string(17, `exec-${++execId}`).char(150, execType).char(39, ordStatus).string(55, view.getString(55)).char(54, view.getChar(54));
        e.string(38, quantity).string(151, execType === '4' ? '0' : quantity).int(14, 0).int(6, 0).utcTimestamp(60, Date.now());
      });
    },
  };
}

const order = { ClOrdID: 'c1', Instrument: { Symbol: 'AAPL' }, Side: '1', TransactTime: new Date(), OrderQtyData: { OrderQty: 100 }, OrdType: '2', Price: 101.5 };

/** jspurefix's initiator session: an order, a replace and a cancel, one after each ExecutionReport; then Logout. */
class JspurefixClient extends QuietJspurefixSession {
  readonly reports: { ClOrdID: string; ExecType: string; OrdStatus: string }[] = [];

  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    if (msgType !== '8') return;
    const report = view.toObject() as { ClOrdID: string; ExecType: string; OrdStatus: string };
    this.reports.push({ ClOrdID: report.ClOrdID, ExecType: report.ExecType, OrdStatus: report.OrdStatus });
    if (this.reports.length === 1) this.send('G', { ...order, OrigClOrdID: 'c1', ClOrdID: 'c2', OrderQtyData: { OrderQty: 50 } });
    else if (this.reports.length === 2) this.send('F', { OrigClOrdID: 'c2', ClOrdID: 'c3', Instrument: { Symbol: 'AAPL' }, Side: '1', TransactTime: new Date(), OrderQtyData: { OrderQty: 50 } });
    else this.done();
  }

  protected override onReady(): void {
    this.send('D', order);
  }
}

/** jspurefix's acceptor session: answers D, G and F like `venue`. */
class JspurefixVenue extends QuietJspurefixSession {
  private execId = 0;

  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    const request = view.toObject() as { ClOrdID: string; OrigClOrdID?: string; Side: string; Instrument: { Symbol: string }; OrderQtyData?: { OrderQty: number } };
    const { execType, ordStatus } = ANSWER[msgType];
    const quantity = request.OrderQtyData?.OrderQty ?? 100;
    this.send('8', {
      OrderID: 'order-1',
      ClOrdID: request.ClOrdID,
      OrigClOrdID: request.OrigClOrdID,
      ExecID: `exec-${++this.execId}`,
      ExecType: execType,
      OrdStatus: ordStatus,
      Instrument: { Symbol: request.Instrument.Symbol },
      Side: request.Side,
      OrderQtyData: { OrderQty: quantity },
      LeavesQty: execType === '4' ? 0 : quantity,
      CumQty: 0,
      AvgPx: 0,
      TransactTime: new Date(),
    });
  }
}

describe('jspurefix interop (FIX 4.4 over TCP)', () => {
  it('jspurefix initiator → our acceptor: logon, NewOrderSingle, OrderCancelReplaceRequest, OrderCancelRequest, ExecutionReports, logout', { timeout: 30_000 }, async () => {
    const app = venue();
    const session = new FixSession({ beginString: 'FIX.4.4', senderCompID: 'VENUE', targetCompID: 'JSCLIENT', dictionary: FIX44, store: new MemoryMessageStore(), application: app, role: 'acceptor', logger });
    const acceptor = new FixAcceptor({ sessions: [session], port: 0, host: '127.0.0.1' });
    const { port } = await acceptor.listen();
    cleanups.push(async () => void (await acceptor.close(0)));
    const launcher = new JspurefixLauncher(jspurefixDescription('initiator', port, 'JSCLIENT', 'VENUE'), null, (config) => new JspurefixClient(config));
    await launcher.run();
    const client = launcher.sessions[0] as JspurefixClient;
    expect(app.requests).toEqual(['D:c1', 'G:c2', 'F:c3']);
    expect(client.reports).toEqual([
      { ClOrdID: 'c1', ExecType: '0', OrdStatus: '0' },
      { ClOrdID: 'c2', ExecType: '5', OrdStatus: '0' },
      { ClOrdID: 'c3', ExecType: '4', OrdStatus: '4' },
    ]);
    await until(() => !session.isConnected, 'the logout');
  });

  it('our initiator → jspurefix acceptor: logon, the same three requests answered, logout', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const launcher = new JspurefixLauncher(null, jspurefixDescription('acceptor', port, 'JSVENUE', 'CLIENT'), (config) => new JspurefixVenue(config));
    void launcher.run();
    cleanups.push(() => launcher.stop());
    const reports: string[] = [];
    const session = new FixSession({
      beginString: 'FIX.4.4',
      senderCompID: 'CLIENT',
      targetCompID: 'JSVENUE',
      dictionary: FIX44,
      store: new MemoryMessageStore(),
      role: 'initiator',
      resetOnLogon: true,
      logger,
      application: { msgTypes: new Set(['8']), onApplicationMessage: (_, view) => reports.push(`${view.getString(11)}:${view.getChar(150)}:${view.getChar(39)}`) },
    });
    const initiator = new FixInitiator({ session, host: '127.0.0.1', port, reconnectIntervalMs: 100 });
    initiator.start();
    cleanups.push(() => initiator.stop(0));
    await initiator.loggedOn(15_000);
    const now = Date.now();
    session.send('D', (e) => e.string(11, 'c1').string(55, 'AAPL').char(54, '1').utcTimestamp(60, now).int(38, 100).char(40, '2').string(44, '101.5'));
    await until(() => reports.length === 1, 'the first ExecutionReport');
    session.send('G', (e) => e.string(41, 'c1').string(11, 'c2').string(55, 'AAPL').char(54, '1').utcTimestamp(60, now).int(38, 50).char(40, '2').string(44, '101.5'));
    await until(() => reports.length === 2, 'the second ExecutionReport');
    session.send('F', (e) => e.string(41, 'c2').string(11, 'c3').string(55, 'AAPL').char(54, '1').utcTimestamp(60, now).int(38, 50));
    await until(() => reports.length === 3, 'the third ExecutionReport');
    expect(reports).toEqual(['c1:0:0', 'c2:5:0', 'c3:4:4']);
    await initiator.stop(5000);
    expect(session.isConnected).toBe(false);
  });
});
