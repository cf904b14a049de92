import { accessSync, constants } from 'node:fs';
import { exchangeProcess } from '../../exchange/exchange-producer.ts';
import { parseTickSize } from '../../exchange/exchange.ts';
import { STP_CANCEL_AGGRESSOR, STP_CANCEL_BOTH, STP_CANCEL_RESTING, STP_OFF } from '../../matching/matching-events.ts';
import { runPublisher } from '../../publisher/publisher-process.ts';
import { defineCommand } from '../command.ts';
import { feedPublisherOptions, idleOption, publisherSettings } from '../common-options.ts';
import { UsageError } from '../options.ts';
import { systemErrorReason } from '../system-error-reason.ts';

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
    'npx marketfeed exchange --instruments AAPL,MSFT --tick-size 0.01 --start-price 100',
    'npx marketfeed exchange --liquidity AAPL_2012-06-21_34200000_57600000_message_10.first998.csv',
    'npx marketfeed exchange --seed 7 --liquidity-rate 10k --metrics-port 9100',
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
    const { producer } = exchangeProcess({
      symbols,
      tickSize: options.tickSize,
      startPrice: options.startPrice,
      seed: options.seed,
      liquidity: options.liquidity,
      liquidityRate: options.liquidityRate,
      ackDelayUs: options.ackDelayUs,
      rejectRatio: options.rejectRatio,
      selfTradePrevention: STP_MODES[options.selfTradePrevention],
    });
    return runPublisher(settings, producer);
  },
});
