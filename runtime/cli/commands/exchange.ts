import { accessSync, constants } from 'node:fs';
import { DEFAULT_FIX_PORT, type ExchangeFixAcceptor, type ExchangeFixSettings, startExchangeFixAcceptor } from '../../exchange/exchange-fix-acceptor.ts';
import { type OrderEntryApplications, exchangeProcess } from '../../exchange/exchange-producer.ts';
import { CorruptMessageStoreError, MessageStoreIoError, StoreInUseError } from '../../fix/session/file-message-store.ts';
import { createLogger } from '../../observability/logger.ts';
import { DEFAULT_RESTING_ORDERS, parseTickSize } from '../../exchange/exchange.ts';
import { STP_CANCEL_AGGRESSOR, STP_CANCEL_BOTH, STP_CANCEL_RESTING, STP_OFF } from '../../matching/matching-events.ts';
import { runPublisher } from '../../publisher/publisher-process.ts';
import { defineCommand } from '../command.ts';
import { feedPublisherOptions, idleOption, publisherSettings } from '../common-options.ts';
import { loadDictionaryOption } from '../dictionary-option.ts';
import { UsageError } from '../options.ts';
import { systemErrorReason } from '../system-error-reason.ts';

class FixAcceptorStartError extends Error {
  override readonly name = 'FixAcceptorStartError';
  readonly code = 'FIX_ACCEPTOR_START';
}

class LiquidityFileError extends Error {
  override readonly name = 'LiquidityFileError';
  readonly code = 'BAD_LIQUIDITY_FILE';
}

const STP_MODES = { off: STP_OFF, 'cancel-aggressor': STP_CANCEL_AGGRESSOR, 'cancel-resting': STP_CANCEL_RESTING, 'cancel-both': STP_CANCEL_BOTH } as const;

export const exchangeCommand = defineCommand({
  name: 'exchange',
  description:
    'A simulated exchange: one price-time matching engine per instrument, fed by background liquidity (a seeded\n' +
    'synthetic order flow, or --liquidity FILE replaying a LOBSTER message file as other participants\' orders).\n' +
    'Its market data — a quote on every change of the best bid/offer and a trade record per fill — goes into the\n' +
    'shared-memory feed and the TCP feed like `marketfeed publish`, so `consume shm`, `consume tcp` and `relay` see\n' +
    'it. Every client order and fill is logged as a drop copy ("drop copy" lines). The FIX order entry (--fix-port)\n' +
    'is attached once the FIX session layer is in (see the README).',
  examples: [
    'npx marketfeed exchange --dictionary FIX44.xml --instruments AAPL,MSFT --start-price 100',
    'npx marketfeed exchange --dictionary FIX42.xml --fix-version 4.2 --fix-store ./fix-store',
    'npx marketfeed exchange --dictionary FIX44.xml --seed 7 --liquidity-rate 10k --metrics-port 9100',
  ],
  options: {
    instruments: { type: 'string', default: 'AAPL', description: 'comma-separated symbols; instrument ids 1, 2, … in this order' },
    'tick-size': { type: 'string', default: '0.01', description: 'price increment of every instrument (a decimal, at most 8 places)' },
    'start-price': { type: 'number', min: 0, default: 100, description: 'synthetic liquidity: starting mid price of every instrument' },
    seed: { type: 'integer', min: 0, max: 0xffff_ffff, default: 1, description: 'seed of the synthetic flow and the reject injection: the same seed gives the same flow' },
    liquidity: { type: 'string', default: 'synthetic', description: 'background orders: synthetic, none, or a LOBSTER message file (into the first instrument)' },
    'liquidity-rate': { type: 'rate', default: 1000, description: 'background liquidity commands (or LOBSTER messages) per second, or max' },
    'ack-delay-us': { type: 'integer', min: 0, max: 10_000_000, default: 0, description: 'latency injection: delay every FIX report by this many µs' },
    'reject-ratio': { type: 'number', min: 0, max: 1, default: 0, description: 'reject injection: fraction of NewOrderSingles rejected (OrdRejReason 99), seeded' },
    'self-trade-prevention': { type: 'choice', choices: Object.keys(STP_MODES) as (keyof typeof STP_MODES)[], default: 'off', description: 'when an order meets a resting order of the same session' },
    'resting-orders': {
      type: 'integer',
      min: 1,
      max: 16_777_216,
      default: DEFAULT_RESTING_ORDERS,
      description: 'resting orders each instrument holds before its book grows (growing pauses matching ~0.3 s per million orders; ~100 B an order)',
    },
    'fix-port': { type: 'integer', min: 0, max: 65535, default: DEFAULT_FIX_PORT, description: 'FIX order entry port (acceptor); 0 = no FIX order entry' },
    'fix-host': { type: 'string', default: '0.0.0.0', description: 'address the FIX acceptor listens on' },
    'sender-comp-id': { type: 'string', default: 'EXCH', description: "the exchange's CompID (SenderCompID of its messages, clients' TargetCompID)" },
    'fix-sessions': { type: 'string', default: 'CLIENT1,CLIENT2', description: "comma-separated CompIDs of the clients accepted (clients' SenderCompID), one session each" },
    'fix-version': { type: 'choice', choices: ['4.2', '4.4'], default: '4.4', description: 'FIX version of the sessions (BeginString FIX.4.2 or FIX.4.4); must be the --dictionary\'s' },
    dictionary: { type: 'string', description: 'QuickFIX XML data dictionary of --fix-version (FIX44.xml, FIX42.xml): validates every message; needed with --fix-port' },
    'fix-store': { type: 'string', description: 'directory of file-backed FIX message stores (sequence numbers and resends survive a restart); default in memory' },
    ...feedPublisherOptions,
    idle: { ...idleOption.idle, default: 'sleep', description: `${idleOption.idle.description} (default sleep: an exchange waits on clients)` },
  },
  async run(options) {
    const settings = publisherSettings('exchange', options);
    const symbols = options.instruments.split(',').map((symbol) => symbol.trim());
    if (symbols.some((symbol) => !/^[\x21-\x7e]+$/.test(symbol))) throw new UsageError(`marketfeed exchange: --instruments must be comma-separated symbols, got "${options.instruments}"`);
    try {
      parseTickSize(options.tickSize);
    } catch (error) {
      throw new UsageError(`marketfeed exchange: --tick-size: ${(error as Error).message}`);
    }
    if (options.liquidity !== 'synthetic' && options.liquidity !== 'none') {
      try {
        accessSync(options.liquidity, constants.R_OK);
      } catch (error) {
        throw new LiquidityFileError(`cannot read --liquidity ${options.liquidity}: ${systemErrorReason(error)}`);
      }
    }
    const fix = fixSettings(options);
    const { producer, applications } = exchangeProcess({
      symbols,
      tickSize: options.tickSize,
      startPrice: options.startPrice,
      seed: options.seed,
      liquidity: options.liquidity,
      liquidityRate: options.liquidityRate,
      ackDelayUs: options.ackDelayUs,
      rejectRatio: options.rejectRatio,
      selfTradePrevention: STP_MODES[options.selfTradePrevention],
      restingOrders: options.restingOrders,
    });
    // Listening before the feed starts: a FIX port in use fails the start, not a running exchange.
    const logger = createLogger('exchange', settings.logLevel, settings.logFormat).child({ component: 'fix' });
    const acceptor = fix === undefined ? undefined : await startFixAcceptor(applications, { ...fix, logger });
    if (acceptor !== undefined) logger.info({ address: `${acceptor.address.address}:${acceptor.address.port}`, beginString: fix!.dictionary.version, senderCompId: fix!.senderCompId, sessions: fix!.counterparties }, 'fix order entry listening');
    try {
      // FIX sessions log out before the feed stops: orders in flight still match and publish.
      return await runPublisher(settings, acceptor === undefined ? producer : { ...producer, stopping: async () => ({ fixSessions: await acceptor.close() }) });
    } finally {
      await acceptor?.close();
    }
  },
});

type FixOptions = Omit<ExchangeFixSettings, 'logger'>;

function fixSettings(options: {
  fixPort: number;
  fixHost: string;
  senderCompId: string;
  fixSessions: string;
  fixVersion: string;
  dictionary: string | undefined;
  fixStore: string | undefined;
}): FixOptions | undefined {
  if (options.fixPort === 0) return undefined;
  if (options.dictionary === undefined) {
    throw new UsageError('marketfeed exchange: FIX order entry needs --dictionary (QuickFIX XML, e.g. FIX44.xml); --fix-port 0 runs without it');
  }
  const dictionary = loadDictionaryOption(options.dictionary, undefined);
  if (dictionary.version !== `FIX.${options.fixVersion}`) {
    throw new UsageError(`marketfeed exchange: --dictionary ${options.dictionary} is ${dictionary.version}, not the FIX.${options.fixVersion} of --fix-version`);
  }
  const counterparties = options.fixSessions.split(',').map((compId) => compId.trim());
  for (const compId of [options.senderCompId, ...counterparties]) {
    if (!/^[\x21-\x7e]+$/.test(compId)) throw new UsageError(`marketfeed exchange: a CompID must be printable ASCII without spaces, got "${compId}"`);
  }
  if (new Set(counterparties).size !== counterparties.length) throw new UsageError(`marketfeed exchange: --fix-sessions names a CompID twice: ${options.fixSessions}`);
  return { host: options.fixHost, port: options.fixPort, senderCompId: options.senderCompId, counterparties, dictionary, storeDir: options.fixStore };
}

/** The acceptor, a port in use or a store that cannot open as one clear line. */
async function startFixAcceptor(applications: OrderEntryApplications, settings: ExchangeFixSettings): Promise<ExchangeFixAcceptor> {
  try {
    return await startExchangeFixAcceptor(applications, settings);
  } catch (error) {
    if (error instanceof MessageStoreIoError || error instanceof StoreInUseError || error instanceof CorruptMessageStoreError) throw new FixAcceptorStartError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new FixAcceptorStartError(`cannot listen for FIX on ${settings.host}:${settings.port}: ${systemErrorReason(error)}`);
  }
}
