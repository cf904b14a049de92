// `marketfeed exchange` as a publishing process: the exchange's market data goes through
// the publisher path (runPublisher: SHM segment, TCP feed, metrics, SIGTERM), its agent
// steps the background liquidity, and the FIX order entry waits for an acceptor
// (attachFixAcceptor, the one integration point with the FIX session layer).
import { Histogram, type Registry } from 'prom-client';
import type { FixMessageView } from '../fix/fix-message-view.ts';
import { polledCounter, polledGauge } from '../observability/polled-metrics.ts';
import type { Logger } from '../observability/logger.ts';
import type { RecordProducer } from '../publisher/publisher-process.ts';
import { PRICE_SCALE } from '../record/record-layout.ts';
import { ExchangeAgent } from './exchange-agent.ts';
import { Exchange } from './exchange.ts';
import { FixOrderEntry, type AuditEntry, type OrderEntrySession } from './fix-order-entry.ts';
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
}

export interface ExchangeProcess {
  readonly producer: RecordProducer;
  readonly exchange: Exchange;
  readonly orderEntry: FixOrderEntry;
}

export function exchangeProcess(settings: ExchangeSettings): ExchangeProcess {
  const exchange = new Exchange({ symbols: settings.symbols, tickSize: settings.tickSize, selfTradePrevention: settings.selfTradePrevention });
  let logger: Logger | undefined;
  const orderEntry = new FixOrderEntry(exchange, {
    ackDelayUs: settings.ackDelayUs,
    rejectRatio: settings.rejectRatio,
    seed: settings.seed,
    audit: (entry: AuditEntry) => logger?.info({ dropCopy: entry }, 'drop copy'),
  });
  const source = liquiditySource(exchange, settings);
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
  return { producer, exchange, orderEntry };
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

/** What the exchange needs of a FIX acceptor (B's FixAcceptor): it calls the application back. */
export interface FixAcceptorLike {
  /** Sessions of the acceptor call these; onApplicationMessage returns false for a MsgType to answer with BusinessMessageReject. */
  setApplication(application: {
    onLogon(session: OrderEntrySession): void;
    onLogout(session: OrderEntrySession): void;
    onApplicationMessage(session: OrderEntrySession, view: FixMessageView): boolean;
  }): void;
}

/**
 * The single integration point with the FIX session layer: routes an acceptor's sessions to
 * the order entry and times each application message (receipt to reports sent, µs).
 */
export function attachFixAcceptor(orderEntry: FixOrderEntry, acceptor: FixAcceptorLike, registry: Registry): void {
  const latency = new Histogram({
    name: 'marketfeed_exchange_message_seconds',
    help: 'Time to process one FIX application message and send its reports',
    buckets: [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 1e-2],
    registers: [registry],
  });
  let sessions = 0;
  polledGauge(registry, 'marketfeed_exchange_fix_sessions', 'FIX sessions logged on', () => sessions);
  acceptor.setApplication({
    onLogon(session) {
      sessions++;
      orderEntry.open(session);
    },
    onLogout(session) {
      sessions--;
      orderEntry.close(session);
    },
    onApplicationMessage(session, view) {
      const start = performance.now();
      const handled = orderEntry.onMessage(session, view);
      latency.observe((performance.now() - start) / 1000);
      return handled;
    },
  });
}
