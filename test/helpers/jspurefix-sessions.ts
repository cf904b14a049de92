// Starting jspurefix sessions in this process (its SessionLauncher with our session classes),
// shared by the interop tests and the exchange bench's FIX cases: a session description for
// loopback FIX 4.4, a quiet session base that accepts any logon, and a launcher that keeps
// the sessions it makes.
import 'reflect-metadata';
import { AsciiSession, type IJsFixConfig, type ILooseObject, JsFixWinstonLogFactory, SessionLauncher, WinstonLogger } from 'jspurefix';
import { dataPath } from './shared-data.ts';

export const JSPUREFIX_DICTIONARY = dataPath('fix/dictionaries/FIX44.xml');
// FIX_TEST_LOG=debug shows jspurefix's own logs.
const quiet = new JsFixWinstonLogFactory(WinstonLogger.consoleOptions(process.env.FIX_TEST_LOG === undefined ? 'error' : 'info'));

/** A FIX 4.4 session over loopback, ResetSeqNumFlag=Y, as jspurefix's launcher reads it. */
export const jspurefixDescription = (type: 'initiator' | 'acceptor', port: number, sender: string, target: string): ILooseObject => ({
  application: { reconnectSeconds: 0, type, name: `jspurefix-${type}`, tcp: { host: '127.0.0.1', port }, protocol: 'ascii', dictionary: JSPUREFIX_DICTIONARY },
  EncryptMethod: 0,
  ResetSeqNumFlag: true,
  HeartBtInt: 30,
  SenderCompId: sender,
  TargetCompID: target,
  BeginString: 'FIX.4.4',
  Username: 'user',
  Password: 'pass',
});

/** A jspurefix session that accepts any logon and logs nothing of its own. */
export abstract class QuietJspurefixSession extends AsciiSession {
  constructor(config: IJsFixConfig) {
    super(config);
  }

  protected override onReady(): void {}
  protected onLogon(): boolean {
    return true;
  }

  protected onDecoded(): void {}
  protected onEncoded(): void {}
  protected onStopped(): void {}
}

/** jspurefix's SessionLauncher making our session classes; `sessions` are the ones it made. */
export class JspurefixLauncher extends SessionLauncher {
  readonly sessions: AsciiSession[] = [];
  private readonly make: (config: IJsFixConfig) => AsciiSession;

  constructor(initiator: ILooseObject | null, acceptor: ILooseObject | null, make: (config: IJsFixConfig) => AsciiSession) {
    super(initiator as never, acceptor as never, quiet);
    this.make = make;
  }

  protected override makeFactory(): { makeSession: (config: IJsFixConfig) => AsciiSession } {
    return {
      makeSession: (config) => {
        const session = this.make(config);
        this.sessions.push(session);
        return session;
      },
    };
  }
}
