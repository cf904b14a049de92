// socketTransport gathers what a session writes into one socket write: the answers to a
// read's messages at the read's end (before the event loop turns), other writes at the end
// of the turn. It reuses its batch buffer only while the socket has taken every byte: with a
// peer that reads slowly, batches wait in the socket, and each must arrive as it was written
// (a batch buffer reused too early would overwrite bytes still waiting to be sent).
import net from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { socketTransport } from '../../../runtime/fix/session/socket-transport.ts';

/** A connected pair on loopback: `client` is the side under test. */
async function socketPair(): Promise<{ client: net.Socket; accepted: Promise<net.Socket>; close(): Promise<void> }> {
  let accept: (socket: net.Socket) => void = () => {};
  const accepted = new Promise<net.Socket>((resolve) => (accept = resolve));
  const server = net.createServer(accept);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return {
    client,
    accepted,
    async close() {
      client.destroy();
      (await accepted).destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('socketTransport', () => {
  it('sends the answers written during a read in one socket write when the read ends, and other writes at the end of the turn', async () => {
    const pair = await socketPair();
    const writes: string[] = [];
    const write = pair.client.write.bind(pair.client);
    pair.client.write = ((bytes: Uint8Array) => {
      writes.push(Buffer.from(bytes).toString('latin1'));
      return write(bytes);
    });
    const transport = socketTransport(pair.client, {}, () => {});
    transport.beginRead();
    transport.write(Buffer.from('one;'));
    transport.write(Buffer.from('two;'));
    expect(writes).toEqual([]);
    transport.endRead();
    // At once, not on a later tick.
    expect(writes).toEqual(['one;two;']);
    transport.write(Buffer.from('three;'));
    transport.write(Buffer.from('four;'));
    expect(writes).toHaveLength(1);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(writes).toEqual(['one;two;', 'three;four;']);
    await pair.close();
  });

  it('delivers every batch intact and in order while a slow peer lets them queue in the socket', async () => {
    const pair = await socketPair();
    const client = pair.client;
    const serverSide = await pair.accepted;
    serverSide.pause();
    const received: Buffer[] = [];
    serverSide.on('data', (chunk: Buffer) => received.push(chunk));
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
    serverSide.resume();
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
    await pair.close();
  });
});
