// What `marketfeed publish` publishes: seeded generated quotes, paced or flat out.
import { QuoteGenerator } from '../generator/quote-generator.ts';
import type { RecordProducer } from './publisher-process.ts';
import { QuotePublisherAgent, type QuotePublisherSettings } from './quote-publisher-agent.ts';

export interface QuoteProducerSettings extends QuotePublisherSettings {
  instruments: number;
  seed: number;
}

export function quoteProducer(settings: QuoteProducerSettings): RecordProducer {
  return {
    role: 'publisher',
    logFields: { rate: Number.isFinite(settings.rate) ? settings.rate : 'max', instruments: settings.instruments, seed: settings.seed },
    createAgent: (transmitter) =>
      new QuotePublisherAgent(transmitter, new QuoteGenerator({ instruments: settings.instruments, seed: settings.seed }), { rate: settings.rate, count: settings.count }),
  };
}
