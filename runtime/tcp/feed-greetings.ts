// The non-record messages the server sends, in the subscriber's encoding.
import { FrameType, encodeFrame, encodeNumbersFrame, gapLine, heartbeatLine, type FeedEncoding, type FeedHello } from './feed-protocol.ts';

export function encodeFeedHello(hello: FeedHello): Buffer | string {
  const json = JSON.stringify(hello);
  return hello.encoding === 'binary' ? encodeFrame(FrameType.hello, 0, Buffer.from(json, 'utf8')) : `{"hello":${json}}\n`;
}

export function encodeHeartbeat(encoding: FeedEncoding, wallMinusMonotonicNs: number, nextSequence: number, nextSubscriptionSequence: number): Buffer | string {
  return encoding === 'binary'
    ? encodeNumbersFrame(FrameType.heartbeat, wallMinusMonotonicNs, nextSequence, nextSubscriptionSequence)
    : heartbeatLine(wallMinusMonotonicNs, nextSequence, nextSubscriptionSequence);
}

/** Records the server could not send (its reader was lapped by the ring's writer). */
export function encodeGap(encoding: FeedEncoding, lost: number, nextSubscriptionSequence: number): Buffer | string {
  return encoding === 'binary' ? encodeNumbersFrame(FrameType.gap, lost, nextSubscriptionSequence) : gapLine(lost, nextSubscriptionSequence);
}

/** Why the server closes a streaming subscriber: an error frame, or an error line as the server's refusals are. */
export function encodeFeedError(encoding: FeedEncoding, reason: string): Buffer | string {
  const line = JSON.stringify({ error: reason });
  return encoding === 'binary' ? encodeFrame(FrameType.error, 0, Buffer.from(line, 'utf8')) : `${line}\n`;
}
