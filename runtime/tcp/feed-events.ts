import type { MarketDataRecord } from '../record/market-data-record.ts';
import type { FeedHello } from './feed-protocol.ts';

/** What a feed decoder finds in the byte stream, whatever the encoding. */
export interface FeedEvents {
  /** A record; the flyweight is valid until the callback returns. */
  onRecord(record: MarketDataRecord): void;
  onHello(hello: FeedHello): void;
  onHeartbeat(wallMinusMonotonicNs: number, nextSequence: number, nextSubscriptionSequence: number): void;
  /** The server could not send `lost` records; the next record's subscription sequence follows. */
  onGap(lost: number, nextSubscriptionSequence: number): void;
  /** The server's reason for closing. */
  onServerError(reason: string): void;
  /** A frame or line that could not be decoded and was skipped. */
  onMalformed(reason: string): void;
}

export interface FeedDecoder {
  /** Decodes a chunk, whatever its split; throws ProtocolError when the stream cannot be resynchronised. */
  push(chunk: Buffer): void;
}
