// The sending side of every impl: the production publisher's agent (QuotePublisherAgent:
// generated quotes, stamped at write; paced as due = floor(elapsed × rate) − sent, or
// flat out) driven through the impl's transmitter for the warm-up plus the measured time.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import { QuoteGenerator } from '../../runtime/generator/quote-generator.ts';
import { QuotePublisherAgent } from '../../runtime/publisher/quote-publisher-agent.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import type { LoadSpec } from './load-spec.ts';

const INSTRUMENTS = 1000;
const SEED = 1;

/** Busy-spins until the time is up; returns the records sent. */
export function publishFor(transmitter: RecordTransmitter, load: LoadSpec): number {
  const generator = new QuoteGenerator({ instruments: INSTRUMENTS, seed: SEED });
  const agent = new QuotePublisherAgent(transmitter, generator, { rate: load.ratePerS ?? Infinity, count: 0 });
  const endNs = monotonicNs() + load.warmupNs + load.durationNs;
  while (monotonicNs() < endNs) agent.doWork();
  transmitter.flush();
  return agent.sent;
}
