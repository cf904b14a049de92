// socketTransport reuses its batch buffer only while the socket has taken every byte: with a
// peer that reads slowly, batches wait in the socket, and each must arrive as it was written
// (a batch buffer reused too early would overwrite bytes still waiting to be sent).
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { socketTransport } from '../../../runtime/fix/session/socket-transport.ts';

describe('socketTransport', () => {
  it('delivers every batch intact and in order while a slow peer lets them queue in the socket', async () => {
    const received: Buffer[] = [];
    let serverSide: net.Socket | undefined;
    const server = net.createServer((socket) => {
      serverSide = socket;
      socket.pause();
      socket.on('data', (chunk: Buffer) => received.push(chunk));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', resolve));
    let overflowed = false;
    const transport = socketTransport(client, { maxQueuedBytes: 1 << 30 }, () => (overflowed = true));
    // 256 batches of 48 KiB, one per turn of the event loop, each filled with its own byte: far
    // more than the kernel's buffers hold while the peer does not read, so most wait in the socket.
    const batches = 256;
    const size = 48 * 1024;
    const message = Buffer.alloc(size);
    let queuedAtSomePoint = false;
    for (let i = 0; i < batches; i++) {
      message.fill(i & 0xff);
      transport.write(message);
      await nextTurn();
      if (client.writableLength > 0) queuedAtSomePoint = true;
    }
    expect(queuedAtSomePoint).toBe(true);
    serverSide!.resume();
    while (received.reduce((sum, chunk) => sum + chunk.length, 0) < batches * size) await nextTurn();
    const all = Buffer.concat(received);
    const wrong: number[] = [];
    for (let i = 0; i < batches; i++) {
      const batch = all.subarray(i * size, (i + 1) * size);
      if (batch.some((byte) => byte !== (i & 0xff))) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(all.length).toBe(batches * size);
    expect(overflowed).toBe(false);
    client.destroy();
    serverSide!.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
