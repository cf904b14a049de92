// Sizes a socket's kernel buffers (SO_SNDBUF / SO_RCVBUF): Node's net has no API for it,
// so the addon calls setsockopt on the socket's file descriptor.
import type { Socket } from 'node:net';
import { native } from '../native/native-addon.ts';

/** 0 leaves a size unchanged. Returns false when the socket has no descriptor (yet). */
export function sizeSocketBuffers(socket: Socket, sendBytes: number, receiveBytes: number): boolean {
  if (sendBytes === 0 && receiveBytes === 0) return true;
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (fd === undefined || fd < 0) return false;
  native.setSocketBuffers(fd, sendBytes, receiveBytes);
  return true;
}
