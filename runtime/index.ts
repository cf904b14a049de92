// The marketfeed client library: what other TypeScript services import to read a feed
// (shared memory on the same host, TCP from anywhere) or to write one.
export { monotonicNs, wallClockNs, CachedNanoClock } from './clock/clock.ts';
export { MarketDataRecord, type RecordFields } from './record/market-data-record.ts';
export { RECORD_SIZE, PRICE_SCALE, RecordType, RecordFlag, Offset } from './record/record-layout.ts';
export { recordToJson, recordToJsonObject, parseRecordJson, RecordFormatError, type RecordJson } from './record/record-json.ts';
export { Segment, type CreateSegmentOptions, type SegmentLocation } from './shm/segment.ts';
export { SegmentError, type SegmentErrorCode } from './shm/segment-error.ts';
export { BroadcastTransmitter } from './ring/broadcast-transmitter.ts';
export { BroadcastReceiver, type RecordHandler, type StartPosition } from './ring/broadcast-receiver.ts';
export { GatedTransmitter } from './ring/gated-transmitter.ts';
export { GatedReceiver, NoConsumerSlotError } from './ring/gated-receiver.ts';
export type { RecordReceiver } from './ring/record-receiver.ts';
export type { RecordTransmitter } from './ring/record-transmitter.ts';
export { TcpFeedClient, type TcpFeedClientOptions, type TcpFeedClientEvents } from './tcp/tcp-feed-client.ts';
export type { FeedHello, FeedEncoding, Subscription } from './tcp/feed-protocol.ts';
export { QuoteGenerator } from './generator/quote-generator.ts';
export { LatencyRecorder, type LatencySummary } from './stats/latency-recorder.ts';
