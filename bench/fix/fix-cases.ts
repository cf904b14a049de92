// The fix bench's cases (names are fixed: scripts compare them across commits). Each case
// is the bytes fed to every impl and which fields the handler reads from each message.
import { type FixMessages, MD_ENTRIES } from './fix-corpus.ts';

/**
 * parse-only: parse and validate, then only MsgType and CheckSum (what the target
 * times, and what every impl must have done to hand a message on);
 * handler-fields: what an order or market-data handler reads, strings included;
 * typed-fields: only the typed non-string fields (ints, decimals, chars, timestamps),
 * the path that must not allocate. (A char is a one-character string, which V8 takes from
 * its table of single-character strings: reading one allocates nothing.)
 */
export type FieldReading = 'parse-only' | 'handler-fields' | 'typed-fields';

export interface FixCase {
  name: string;
  title: string;
  messages(corpus: FixMessages): Buffer[];
  reading: FieldReading;
  /**
   * marketfeed's handler reads a string of more than one character (ClOrdID, Symbol…),
   * which allocates it; a case that reads none must allocate nothing per message (fix-targets.ts).
   */
  readsStrings: boolean;
  /** Also time each message on its own (HdrHistogram); the allocation case only counts. */
  perMessageLatency: boolean;
  /** Warm-up, throughput turns and allocation runs this many times the usual length (default 1). */
  lengthFactor?: number;
}

export const FIX_CASES: readonly FixCase[] = [
  {
    name: 'new-order-single-parse',
    title: 'NewOrderSingle (35=D): parse and validate (BeginString, BodyLength, MsgType, CheckSum), no field read',
    messages: (corpus) => [corpus.newOrderSingle],
    reading: 'parse-only',
    readsStrings: false,
    perMessageLatency: true,
  },
  {
    name: 'new-order-single',
    title: 'NewOrderSingle (35=D): parse, validate, read ClOrdID, Symbol, Side, OrderQty, Price, TransactTime',
    messages: (corpus) => [corpus.newOrderSingle],
    reading: 'handler-fields',
    readsStrings: true,
    perMessageLatency: true,
  },
  {
    name: 'execution-report',
    title: 'ExecutionReport (35=8): parse, validate, read OrderID, ExecID, Symbol, ExecType, OrdStatus, Side, LastQty, LastPx, LeavesQty, CumQty, AvgPx, TransactTime',
    messages: (corpus) => [corpus.executionReport],
    reading: 'handler-fields',
    readsStrings: true,
    perMessageLatency: true,
  },
  {
    name: `md-incremental-${MD_ENTRIES}`,
    title: `MarketDataIncrementalRefresh (35=X, ${MD_ENTRIES} NoMDEntries): parse, validate, read every entry's MDUpdateAction, MDEntryType, MDEntryPx, MDEntrySize`,
    messages: (corpus) => [corpus.marketDataIncrementalRefresh],
    reading: 'handler-fields',
    // The four fields are two chars and two decimals: marketfeedHandler reads no string here.
    readsStrings: false,
    perMessageLatency: true,
  },
  {
    name: 'steady-state-allocation',
    title: 'the three messages in turn, parse + validate + typed non-string fields only, one long loop: heap bytes allocated per message (2N − N messages) and GCs',
    messages: (corpus) => [corpus.newOrderSingle, corpus.executionReport, corpus.marketDataIncrementalRefresh],
    reading: 'typed-fields',
    readsStrings: false,
    perMessageLatency: false,
    // The long loop: its collections counted over more messages, and the JIT given longer to settle.
    lengthFactor: 3,
  },
];
