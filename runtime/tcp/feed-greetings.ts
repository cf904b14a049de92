// The non-record messages the server sends, in the subscriber's encoding.
import { FrameType, encodeFrame, encodeHeartbeatFrame, heartbeatLine, type FeedEncoding, type FeedHello } from './feed-protocol.ts';

export function encodeFeedHello(hello: FeedHello): Buffer | string {
  const json = JSON.stringify(hello);
  return hello.encoding === 'binary' ? encodeFrame(FrameType.hello, 0, Buffer.from(json, 'utf8')) : `{"hello":${json}}\n`;
}

export function encodeHeartbeat(encoding: FeedEncoding, wallMinusMonotonicNs: number, nextSequence: number): Buffer | string {
  return encoding === 'binary' ? encodeHeartbeatFrame(wallMinusMonotonicNs, nextSequence) : heartbeatLine(wallMinusMonotonicNs, nextSequence);
}
