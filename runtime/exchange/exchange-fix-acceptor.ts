// The exchange's FIX order entry on the network: one acceptor session per configured
// counterparty (SenderCompID = the exchange, TargetCompID = the client), as a FIX venue
// configures its members; each with the order entry as its application and a message store
// (file-backed under a directory when one is given, so sequence numbers survive a restart;
// in memory otherwise). close() logs every session out and closes the stores.
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { FixDictionary } from '../fix/fix-dictionary.ts';
import { FileMessageStore } from '../fix/session/file-message-store.ts';
import { FixAcceptor } from '../fix/session/fix-acceptor.ts';
import { FixSession } from '../fix/session/fix-session.ts';
import { type FixMessageStore, MemoryMessageStore } from '../fix/session/message-store.ts';
import type { OrderEntryApplications } from './exchange-producer.ts';

/** The FIX order entry port when --fix-port is not given (QuickFIX's examples' executor port). */
export const DEFAULT_FIX_PORT = 9878;

export interface ExchangeFixSettings {
  host: string;
  port: number;
  /** The exchange's CompID (SenderCompID of what it sends). */
  senderCompId: string;
  /** The CompIDs of the clients it accepts, one session each. */
  counterparties: readonly string[];
  dictionary: FixDictionary;
  /** Directory of the file-backed message stores; memory stores when absent. */
  storeDir: string | undefined;
  logger: Logger;
}

export interface ExchangeFixAcceptor {
  readonly address: AddressInfo;
  readonly sessions: readonly FixSession[];
  /**
   * Stops accepting, logs every session out (waiting for the answers), closes the connections
   * and flushes and closes the stores; resolves to the sessions logged on and logged out.
   * Idempotent: a second call resolves with the first's result.
   */
  close(): Promise<{ loggedOn: number; loggedOut: number }>;
}

export async function startExchangeFixAcceptor(applications: OrderEntryApplications, settings: ExchangeFixSettings): Promise<ExchangeFixAcceptor> {
  const beginString = settings.dictionary.version;
  const application = applications.forVersion(beginString);
  const stores: FixMessageStore[] = [];
  const sessions = settings.counterparties.map((targetCompID) => {
    const store =
      settings.storeDir === undefined
        ? new MemoryMessageStore()
        : FileMessageStore.forSession(settings.storeDir, { beginString, senderCompId: settings.senderCompId, targetCompId: targetCompID }, { logger: settings.logger });
    stores.push(store);
    return new FixSession({
      beginString,
      senderCompID: settings.senderCompId,
      targetCompID,
      dictionary: settings.dictionary,
      store,
      application,
      role: 'acceptor',
      logger: settings.logger,
    });
  });
  const closeStores = (): void => {
    for (const store of stores) store.close();
  };
  const acceptor = new FixAcceptor({ sessions, host: settings.host, port: settings.port, logger: settings.logger });
  let address: AddressInfo;
  try {
    address = await acceptor.listen();
  } catch (error) {
    closeStores();
    throw error;
  }
  let closing: Promise<{ loggedOn: number; loggedOut: number }> | undefined;
  return {
    address,
    sessions,
    close() {
      // Once: the stop logs out first, and the exit path closes again whatever happened before.
      return (closing ??= acceptor.close().finally(closeStores));
    },
  };
}
