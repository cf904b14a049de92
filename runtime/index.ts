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

// Trading core: FIX tag=value codec and data dictionaries.
export { FixParser, type FixParserOptions } from './fix/fix-parser.ts';
export { FixMessageView } from './fix/fix-message-view.ts';
export { FixFramer, type FixFramerOptions } from './fix/fix-framer.ts';
export { FixEncoder, type FixEncoderOptions } from './fix/fix-encoder.ts';
export { FixError, type FixErrorCode } from './fix/fix-error.ts';
export { loadFixDictionary, parseFixDictionary, type FixDictionary, type FixFieldDef, type FixGroupDef, type FixMessageDef } from './fix/fix-dictionary.ts';
export { decodeFixMessage, type DecodedMessage, type DecodedField, type DecodedGroup, type DecodedValue } from './fix/fix-group-decoder.ts';
export { FixValidator, SESSION_REJECT_REASON, type FixValidatorOptions } from './fix/fix-validator.ts';
export { formatFixMessage } from './fix/fix-format.ts';
export { fixChecksum, type FixDelimiter } from './fix/fix-bytes.ts';
// FIX session message stores and schedule.
export { MemoryMessageStore, type FixMessageStore } from './fix/session/message-store.ts';
export {
  FileMessageStore,
  CorruptMessageStoreError,
  MessageStoreIoError,
  StoreInUseError,
  sessionDirectoryName,
  type FileMessageStoreOptions,
  type FsyncPolicy,
  type SessionIdentity,
} from './fix/session/file-message-store.ts';
export { SessionSchedule, type SessionScheduleOptions } from './fix/session/session-schedule.ts';
export { FixSession, type FixApplication, type FixSessionOptions, type FixSessionSchedule, type FixTransport } from './fix/session/fix-session.ts';
export { FixAcceptor, type FixAcceptorOptions } from './fix/session/fix-acceptor.ts';
export { FixInitiator, type FixInitiatorOptions } from './fix/session/fix-initiator.ts';
export { systemClock, type FixSessionClock } from './fix/session/session-clock.ts';

// Trading core: the limit order book and LOBSTER order-level data.
export { LimitOrderBook, depthLevels, type Side, type BookOptions, type DepthLevels, type OrderView } from './book/limit-order-book.ts';
export { BookError, type BookResult, type BookRejection } from './book/book-result.ts';
export {
  LobsterReplay,
  LobsterFormatError,
  parseLobsterMessage,
  parseLobsterBookRow,
  type LobsterMessage,
  type LobsterBookRow,
  type LobsterOutcome,
} from './book/lobster.ts';

// Feed handler, capture files and replay.
export { ReplayInputError, type ReplaySource } from './replay/replay-source.ts';
export { CaptureReader } from './replay/capture-reader.ts';
export { CaptureWriter, type CaptureWriterOptions } from './replay/capture-writer.ts';
export { CaptureFormatError, CAPTURE_EXTENSION, type CaptureHeader, type CaptureEnd } from './replay/capture-file.ts';
export { openReplaySource, detectReplayInput, type ReplayInputOptions, type ReplayInputKind } from './replay/open-replay-source.ts';
export { LobsterFeedHandler, type InstrumentOptions } from './replay/lobster-feed-handler.ts';
export { openLobsterSource, LobsterSource, LOBSTER_PRICE_SCALE, lobsterTradingDate, lobsterOrderbookPathFor, type LobsterSourceOptions } from './replay/lobster-source.ts';
export { LobsterMessageReader, type LobsterMessageReaderOptions } from './replay/lobster-message-reader.ts';
export { OrderEventType, emptyOrderEvent, type OrderEvent } from './replay/order-event.ts';
