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
