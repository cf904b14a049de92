// `marketfeed exchange` as a publishing process: the exchange's market data goes through
// the publisher path (runPublisher: SHM segment, TCP feed, metrics, SIGTERM), its agent
// steps the background liquidity, and the FIX order entry waits for an acceptor
// (OrderEntryApplications, the one integration point with the FIX session layer).
import { Histogram, type Registry } from 'prom-client';
import type { FixApplication } from '../fix/session/fix-session.ts';
import { polledCounter, polledGauge } from '../observability/polled-metrics.ts';
import type { Logger } from '../observability/logger.ts';
import type { RecordProducer } from '../publisher/publisher-process.ts';
import { PRICE_SCALE } from '../record/record-layout.ts';
import { ExchangeAgent } from './exchange-agent.ts';
import { Exchange } from './exchange.ts';
import { FixOrderEntry, type AuditEntry } from './fix-order-entry.ts';
import type { LiquiditySource } from './liquidity-source.ts';
import { LobsterLiquidity } from './lobster-liquidity.ts';
import { SyntheticLiquidity } from './synthetic-liquidity.ts';

export interface ExchangeSettings {
  symbols: readonly string[];
  tickSize: string;
  /** Starting mid of the synthetic flow, a decimal price. */
  startPrice: number;
  seed: number;
  /** 'synthetic', 'none', or a LOBSTER message file. */
  liquidity: string;
  /** Liquidity commands (synthetic) or messages (LOBSTER) per second. */
  liquidityRate: number;
  ackDelayUs: number;
  rejectRatio: number;
  selfTradePrevention: number;
  /** Resting orders per instrument allocated up front. */
  restingOrders?: number;
}

export interface ExchangeProcess {
  readonly producer: RecordProducer;
  readonly exchange: Exchange;
  readonly orderEntry: FixOrderEntry;
  /** The FixApplication of the exchange's FIX sessions (orderEntryApplications). */
  readonly applications: OrderEntryApplications;
}

export function exchangeProcess(settings: ExchangeSettings): ExchangeProcess {
  const exchange = new Exchange({ symbols: settings.symbols, tickSize: settings.tickSize, selfTradePrevention: settings.selfTradePrevention, restingOrders: settings.restingOrders });
  let logger: Logger | undefined;
  const orderEntry = new FixOrderEntry(exchange, {
    ackDelayUs: settings.ackDelayUs,
    rejectRatio: settings.rejectRatio,
    seed: settings.seed,
    audit: (entry: AuditEntry) => logger?.info({ dropCopy: entry }, 'drop copy'),
  });
  const source = liquiditySource(exchange, settings);
  const applications = new OrderEntryApplications(orderEntry);
  const agent = new ExchangeAgent(source, exchange.marketData, settings.liquidityRate);
  const producer: RecordProducer = {
    role: 'exchange',
    logFields: {
      instruments: settings.symbols.join(','),
      tickSize: settings.tickSize,
      liquidity: settings.liquidity,
      liquidityRate: settings.liquidityRate,
      seed: settings.seed,
      ackDelayUs: settings.ackDelayUs,
      rejectRatio: settings.rejectRatio,
    },
    createAgent(transmitter) {
      exchange.marketData.attach(transmitter);
      return agent;
    },
    started(service) {
      logger = service.logger;
      registerExchangeMetrics(service.registry, exchange, orderEntry, agent);
      applications.register(service.registry);
    },
    stopped() {
      if (source instanceof LobsterLiquidity) source.close();
      const counts = orderEntry.counts;
      return {
        quotes: exchange.marketData.quotes,
        trades: exchange.marketData.trades,
        liquiditySteps: agent.steps,
        ...(source instanceof LobsterLiquidity ? { liquidityMessages: source.messages, liquiditySkipped: source.skipped } : {}),
        orders: counts.orders,
        fills: counts.fills,
        rejects: counts.rejects,
        cancelRejects: counts.cancelRejects,
      };
    },
  };
  return { producer, exchange, orderEntry, applications };
}

function liquiditySource(exchange: Exchange, settings: ExchangeSettings): LiquiditySource | undefined {
  if (settings.liquidity === 'none') return undefined;
  if (settings.liquidity !== 'synthetic') return new LobsterLiquidity(exchange, settings.liquidity);
  const tickUnits = exchange.books[0].instrument.tickUnits;
  const midTicks = Math.round((settings.startPrice * PRICE_SCALE) / tickUnits);
  return new SyntheticLiquidity(exchange, { seed: settings.seed, midTicks });
}

function registerExchangeMetrics(registry: Registry, exchange: Exchange, orderEntry: FixOrderEntry, agent: ExchangeAgent): void {
  const counts = orderEntry.counts;
  polledCounter(registry, 'marketfeed_exchange_orders_total', 'NewOrderSingles received from FIX clients', () => counts.orders);
  polledCounter(registry, 'marketfeed_exchange_fills_total', "Fills of FIX clients' orders (one per order side)", () => counts.fills);
  polledCounter(registry, 'marketfeed_exchange_rejects_total', 'NewOrderSingles rejected (injected rejects included)', () => counts.rejects);
  polledCounter(registry, 'marketfeed_exchange_cancel_rejects_total', 'OrderCancelRejects sent', () => counts.cancelRejects);
  polledCounter(registry, 'marketfeed_exchange_trades_total', 'Trades on every book (trade records published)', () => exchange.marketData.trades);
  polledCounter(registry, 'marketfeed_exchange_liquidity_commands_total', 'Background liquidity commands submitted', () => agent.steps);
  polledGauge(registry, 'marketfeed_exchange_book_levels', 'Price levels resting on all books, both sides', () =>
    exchange.books.reduce((sum, book) => sum + book.engine.book.levelCount('buy') + book.engine.book.levelCount('sell'), 0),
  );
  polledGauge(registry, 'marketfeed_exchange_resting_orders', 'Orders resting on all books', () => exchange.books.reduce((sum, book) => sum + book.engine.book.orderCount, 0));
}

/** Application MsgTypes of the order entry per BeginString (OrderMassCancelRequest is FIX 4.3+). */
const ORDER_ENTRY_MSG_TYPES: Record<string, ReadonlySet<string>> = {
  'FIX.4.2': new Set(['D', 'F', 'G', 'H']),
  'FIX.4.4': new Set(['D', 'F', 'G', 'H', 'q']),
};

/**
 * The single integration point with the FIX session layer: the FixApplication of the
 * exchange's acceptor sessions, per BeginString. It routes a session's messages to the order
 * entry, counts sessions logged on, and times each application message (receipt to reports
 * sent). Its metrics join the service's registry once it is up (register).
 */
export class OrderEntryApplications {
  private readonly orderEntry: FixOrderEntry;
  private readonly latency = new Histogram({
    name: 'marketfeed_exchange_message_seconds',
    help: 'Time to process one FIX application message and send its reports',
    buckets: [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 1e-2],
    registers: [],
  });
  /** Sessions logged on now. */
  sessions = 0;

  constructor(orderEntry: FixOrderEntry) {
    this.orderEntry = orderEntry;
  }

  register(registry: Registry): void {
    registry.registerMetric(this.latency);
    polledGauge(registry, 'marketfeed_exchange_fix_sessions', 'FIX sessions logged on', () => this.sessions);
  }

  forVersion(beginString: string): FixApplication {
    const msgTypes = ORDER_ENTRY_MSG_TYPES[beginString];
    if (msgTypes === undefined) throw new Error(`the exchange takes FIX.4.2 or FIX.4.4 sessions, not ${beginString}`);
    return {
      msgTypes,
      onLogon: (session) => {
        this.sessions++;
        this.orderEntry.open(session);
      },
      onLogout: (session) => {
        this.sessions--;
        this.orderEntry.close(session);
      },
      onApplicationMessage: (session, view) => {
        const start = performance.now();
        this.orderEntry.onMessage(session, view);
        this.latency.observe((performance.now() - start) / 1000);
      },
    };
  }
}
