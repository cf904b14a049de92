// What a process built on a consumer adds to it: `marketfeed record` is a consumer (SHM or
// TCP, with all their attaching, reconnecting and gap accounting) whose tap writes every
// record to a file.
import type { MarketDataRecord } from '../record/market-data-record.ts';
import type { Service } from '../service/service.ts';

export interface ConsumerTap {
  /** Log and metrics role of the process, instead of consumer-shm / consumer-tcp. */
  readonly role: string;
  /** Every record, after the consumer's accounting; the flyweight is valid until it returns. May throw: the process then stops with exit code 1. */
  onRecord(record: MarketDataRecord): void;
  /** Once the consumer has stopped: completes the tap's work and returns fields for the summary. May throw, likewise. */
  finish(): Record<string, unknown>;
}

/** Finishes the tap, if any: its summary fields, or its failure (logged as fatal). */
export function finishTap(tap: ConsumerTap | undefined, service: Service): { summary: Record<string, unknown>; failure: Error | undefined } {
  if (tap === undefined) return { summary: {}, failure: undefined };
  try {
    return { summary: tap.finish(), failure: undefined };
  } catch (error) {
    return { summary: { error: (error as Error).message }, failure: service.fail(error) };
  }
}
