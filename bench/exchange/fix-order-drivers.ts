// The two FIX stacks the exchange bench's FIX cases compare, each an initiator and an
// acceptor in this process over loopback TCP (FIX 4.4, the same dictionary): ours
// (FixInitiator ↔ FixAcceptor) and jspurefix's (its initiator ↔ its acceptor). The acceptor
// is exchange-like: each NewOrderSingle is answered with an ExecutionReport (New) naming its
// ClOrdID, as an order gateway acknowledges an order. A driver sends order `i` and calls
// `onReport(i)` when the ExecutionReport for it arrives.
import type { MsgView } from 'jspurefix';
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixAcceptor } from '../../runtime/fix/session/fix-acceptor.ts';
import { FixInitiator } from '../../runtime/fix/session/fix-initiator.ts';
import { FixSession } from '../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../runtime/fix/session/message-store.ts';
import { freePort } from '../../test/helpers/ports.ts';
import { JSPUREFIX_DICTIONARY, JspurefixLauncher, QuietJspurefixSession, jspurefixDescription } from '../../test/helpers/jspurefix-sessions.ts';

export const OUR_IMPL = 'marketfeed';
export const PEER_IMPL = 'jspurefix';

export interface FixOrderDriver {
  readonly impl: string;
  /** Set before start: called with the order number of each ExecutionReport received. */
  onReport: (order: number) => void;
  start(): Promise<void>;
  sendOrder(order: number): void;
  stop(): Promise<void>;
}


export class MarketfeedFixDriver implements FixOrderDriver {
  readonly impl = OUR_IMPL;
  onReport: (order: number) => void = () => {};
  private acceptor: FixAcceptor | undefined;
  private initiator: FixInitiator | undefined;
  private client: FixSession | undefined;
  private readonly transactTime = Date.now();

  async start(): Promise<void> {
    const dictionary = loadFixDictionary(JSPUREFIX_DICTIONARY);
    let execId = 0;
    const venue = new FixSession({
      beginString: 'FIX.4.4', senderCompID: 'EXCH', targetCompID: 'CLIENT', dictionary, store: new MemoryMessageStore(), role: 'acceptor',
      application: {
        msgTypes: new Set(['D']),
        onApplicationMessage: (session, view) => {
          const clOrdId = view.getString(11);
          session.send('8', (e) =>
            e.string(37, clOrdId).string(11, clOrdId).int(17, ++execId).char(150, '0').char(39, '0').string(55, 'AAPL').char(54, '1').int(38, 100).int(151, 100).int(14, 0).int(6, 0).utcTimestamp(60, Date.now()),
          );
        },
      },
    });
    this.client = new FixSession({
      beginString: 'FIX.4.4', senderCompID: 'CLIENT', targetCompID: 'EXCH', dictionary, store: new MemoryMessageStore(), role: 'initiator', resetOnLogon: true,
      application: { msgTypes: new Set(['8']), onApplicationMessage: (_, view) => this.onReport(view.getInt(11)) },
    });
    this.acceptor = new FixAcceptor({ sessions: [venue], host: '127.0.0.1', port: 0 });
    const { port } = await this.acceptor.listen();
    this.initiator = new FixInitiator({ session: this.client, host: '127.0.0.1', port });
    this.initiator.start();
    await this.initiator.loggedOn();
  }

  sendOrder(order: number): void {
    this.client!.send('D', (e) => e.int(11, order).string(55, 'AAPL').char(54, '1').utcTimestamp(60, this.transactTime).int(38, 100).char(40, '2').string(44, '101.5'));
  }

  async stop(): Promise<void> {
    await this.initiator?.stop(500);
    await this.acceptor?.close(500);
  }
}

class JspurefixVenue extends QuietJspurefixSession {
  private execId = 0;

  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    if (msgType !== 'D') return;
    const clOrdId = view.getString(11);
    this.send('8', {
      OrderID: clOrdId, ClOrdID: clOrdId, ExecID: String(++this.execId), ExecType: '0', OrdStatus: '0', Instrument: { Symbol: 'AAPL' }, Side: '1',
      OrderQtyData: { OrderQty: 100 }, LeavesQty: 100, CumQty: 0, AvgPx: 0, TransactTime: new Date(),
    });
  }
}

class JspurefixClient extends QuietJspurefixSession {
  onReport: (order: number) => void = () => {};
  ready: () => void = () => {};

  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    if (msgType === '8') this.onReport(Number(view.getString(11)));
  }

  protected override onReady(): void {
    this.ready();
  }

  order(order: number, transactTime: Date): void {
    this.send('D', { ClOrdID: String(order), Instrument: { Symbol: 'AAPL' }, Side: '1', TransactTime: transactTime, OrderQtyData: { OrderQty: 100 }, OrdType: '2', Price: 101.5 });
  }
}

export class JspurefixFixDriver implements FixOrderDriver {
  readonly impl = PEER_IMPL;
  onReport: (order: number) => void = () => {};
  private venue: JspurefixLauncher | undefined;
  private launcher: JspurefixLauncher | undefined;
  private client: JspurefixClient | undefined;
  private readonly transactTime = new Date();

  async start(): Promise<void> {
    const port = await freePort();
    this.venue = new JspurefixLauncher(null, jspurefixDescription('acceptor', port, 'EXCH', 'CLIENT'), (config) => new JspurefixVenue(config));
    void this.venue.run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await new Promise<void>((resolve) => {
      this.launcher = new JspurefixLauncher(jspurefixDescription('initiator', port, 'CLIENT', 'EXCH'), null, (config) => {
        const client = new JspurefixClient(config);
        client.onReport = (order) => this.onReport(order);
        client.ready = resolve;
        this.client = client;
        return client;
      });
      void this.launcher.run();
    });
  }

  sendOrder(order: number): void {
    this.client!.order(order, this.transactTime);
  }

  async stop(): Promise<void> {
    this.client?.done();
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.venue?.stop();
  }
}
