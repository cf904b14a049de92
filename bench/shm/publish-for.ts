// The sending side of every impl, through the impl's RecordTransmitter, for the warm-up
// plus the measured time. Paced: busy-spin on the clock, sending what is due,
// floor(elapsed × rate) − sent, each record stamped when written; a stall is caught up in
// a burst, so the long-run rate is exact. Flat out: chunks of CHUNK records.
//
// Records are filled with record.setQuote from a counter, not by the QuoteGenerator: the
// generator costs ~25 ns a record (~17 M/s on one core by itself), more than the ring, and
// would measure itself instead of the channel.
import { monotonicNs } from '../../runtime/clock/clock.ts';
import type { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { PRICE_SCALE, RecordType } from '../../runtime/record/record-layout.ts';
import type { RecordTransmitter } from '../../runtime/ring/record-transmitter.ts';
import type { LoadSpec } from './load-spec.ts';

/** Records between looks at the clock (and the most sent in one catch-up burst). */
const CHUNK = 1024;
const INSTRUMENT_MASK = 1023;
const BASE_PRICE = 100 * PRICE_SCALE;
const TICK = PRICE_SCALE / 100;

/** Busy-spins until the time is up; returns the records sent. */
export function publishFor(transmitter: RecordTransmitter, load: LoadSpec): number {
  const paced = load.ratePerS !== undefined;
  const ratePerNs = (load.ratePerS ?? 0) / 1e9;
  const startNs = monotonicNs();
  const endNs = startNs + load.warmupNs + load.durationNs;
  let sent = 0;
  for (let now = startNs; now < endNs; now = monotonicNs()) {
    const due = paced ? Math.min(CHUNK, Math.floor((now - startNs) * ratePerNs) - sent) : CHUNK;
    for (let i = 0; i < due; i++) {
      const record = transmitter.tryClaim();
      if (record === null) break; // a flow-controlled peer is full: look at the clock, try again
      writeQuote(record, sent, paced ? monotonicNs() : now);
      transmitter.commit();
      sent++;
    }
    transmitter.flush();
  }
  return sent;
}

/** A plausible quote whose fields vary with the count, at the cost of a few stores. */
function writeQuote(record: MarketDataRecord, count: number, publishTimeNs: number): void {
  const bid = BASE_PRICE + (count & 255) * TICK;
  record.setQuote(publishTimeNs, publishTimeNs, count & INSTRUMENT_MASK, RecordType.quote, 0, bid, bid + TICK, 100, 200);
}
