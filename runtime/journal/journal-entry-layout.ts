// The 64-byte audit-journal entry: one ring slot (the same 64-byte slots as the market-data
// ring, runtime/ring/*), little-endian, the same bytes in the shared-memory ring and inside
// each CRC frame of a journal file (journal-file.ts).
//
//  byte  word  field            type   meaning
//     0     0  sequence         u64    journal sequence, from 1, +1 per entry (= the ring's sequence:
//                                      the ring writer stamps it; a gap in a file is a lost entry)
//     8     2  monotonicNs      u64    CLOCK_MONOTONIC ns when the entry was appended (runtime/clock)
//    16     4  wallNs           u64    wall-clock ns since the Unix epoch (a Number: 53 significant
//                                      bits, about 256 ns of resolution in 2026)
//    24     6  kind             u8     JournalKind: what happened (order sent, report received, …)
//    25        side             u8     FIX Side: 1 buy, 2 sell, 0 none
//    26        execType         u8     FIX ExecType of a report, as its ASCII byte ('0' new, 'F' trade, …); 0 otherwise
//    27        ordStatus        u8     FIX OrdStatus of a report, as its ASCII byte; 0 otherwise
//    28     7  instrument       u32    instrument id (the feed's and the exchange's)
//    32     8  orderCounter     u64    the ClOrdID counter of the order (ClOrdIdGenerator.next())
//    40    10  price            i64    ticks: the limit price of an order sent, the LastPx of a report
//    48    12  quantity         u32    lots: the OrderQty of an order sent, the LastQty of a report
//    52    13  cumQuantity      u32    lots: CumQty of a report
//    56    14  leavesQuantity   u32    lots: LeavesQty of a report
//    60    15  reason           u16    risk reason code (risk reject), kill-switch reason (kill event), 0 otherwise
//    62        flags            u16    JournalFlag bits (bit 0: the report was a PossDup resend)
//
// A cancel or replace sent (kinds 2, 3) gives bytes 52-59 another meaning, as a trade does in
// the market-data record:
//    52    13  origOrderCounter u64    the ClOrdID counter of the order canceled or replaced
//
// 64-bit fields are Numbers in JavaScript: exact up to 2^53 (monotonic ns for 104 days of
// uptime; ticks up to ±9 × 10^15), as in runtime/record/record-layout.ts.

export const JOURNAL_ENTRY_SIZE = 64;
export const JOURNAL_ENTRY_WORDS = JOURNAL_ENTRY_SIZE / 4;

/** What an entry records. */
export const JournalKind = {
  orderSent: 1,
  cancelSent: 2,
  replaceSent: 3,
  reportReceived: 4,
  riskReject: 5,
  riskPass: 6,
  killEvent: 7,
  reset: 8,
} as const;
export type JournalKindName = keyof typeof JournalKind;

const kindNames = new Map<number, string>(Object.entries(JournalKind).map(([name, code]) => [code, name]));

/** The kind's name ("orderSent"), or kind-N for a code without one. */
export function journalKindName(kind: number): string {
  return kindNames.get(kind) ?? `kind-${kind}`;
}

export const JournalFlag = {
  possDup: 1,
} as const;

/** Int32 word index of each field inside an entry. */
export const JournalWord = {
  sequenceLo: 0,
  sequenceHi: 1,
  monotonicLo: 2,
  monotonicHi: 3,
  wallLo: 4,
  wallHi: 5,
  kindSideExecStatus: 6,
  instrument: 7,
  orderCounterLo: 8,
  orderCounterHi: 9,
  priceLo: 10,
  priceHi: 11,
  quantity: 12,
  cumQuantity: 13,
  leavesQuantity: 14,
  reasonFlags: 15,
} as const;

/** Byte offset of each field, for DataView users and the layout documentation. */
export const JournalOffset = {
  sequence: 0,
  monotonicNs: 8,
  wallNs: 16,
  kind: 24,
  side: 25,
  execType: 26,
  ordStatus: 27,
  instrument: 28,
  orderCounter: 32,
  price: 40,
  quantity: 48,
  cumQuantity: 52,
  origOrderCounter: 52,
  leavesQuantity: 56,
  reason: 60,
  flags: 62,
} as const;
