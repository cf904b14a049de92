// TcpFeedClient against an in-process server that writes exact bytes.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketDataRecord } from '../../runtime/record/market-data-record.ts';
import { RECORD_SIZE, RecordType } from '../../runtime/record/record-layout.ts';
import { encodeFeedHello, encodeHeartbeat } from '../../runtime/tcp/feed-greetings.ts';
import { FrameType, PROTOCOL_VERSION, encodeFrame } from '../../runtime/tcp/feed-protocol.ts';
import { TcpFeedClient } from '../../runtime/tcp/tcp-feed-client.ts';

let server: net.Server | undefined;
afterEach(() => server?.close());

/** A server that answers every handshake with `bytes`, in one write. */
async function serve(bytes: Buffer): Promise<number> {
  server = net.createServer((socket) => {
    socket.once('data', () => socket.write(bytes));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function recordsFrame(sequences: number[]): Buffer {
  const payload = Buffer.alloc(sequences.length * RECORD_SIZE);
  sequences.forEach((sequence, i) => {
    const record = new MarketDataRecord();
    record.setQuote(1, 2, 3, RecordType.quote, 0, 4, 5, 6, 7);
    record.sequence = sequence;
    payload.set(new Uint8Array(record.words.buffer), i * RECORD_SIZE);
  });
  return encodeFrame(FrameType.records, sequences.length, payload);
}

describe('TcpFeedClient', () => {
  it('follows nothing after close(): a heartbeat later in the same chunk does not count the records not delivered as lost', async () => {
    const hello = encodeFeedHello({ protocol: PROTOCOL_VERSION, feed: 'f', epoch: 1, encoding: 'binary', instruments: [3], bootId: 'b', wallMinusMonotonicNs: 0, nextSequence: 10, nextSubscriptionSequence: 4 });
    const port = await serve(Buffer.concat([hello as Buffer, recordsFrame([10, 12, 15]), encodeHeartbeat('binary', 0, 16, 7) as Buffer]));
    const got: Array<[number, number]> = [];
    const client = new TcpFeedClient({
      host: '127.0.0.1',
      port,
      encoding: 'binary',
      instruments: [3],
      onRecord: (record, subscriptionSequence) => {
        got.push([record.sequence, subscriptionSequence]);
        client.close();
      },
    });
    const closed = new Promise<void>((resolve) => client.once('hello', () => setTimeout(resolve, 100)));
    client.start();
    await closed;
    expect(got).toEqual([[10, 4]]);
    expect({ gaps: client.sequences.gaps, lost: client.sequences.lostRecords, last: client.sequences.lastSequence }).toEqual({ gaps: 0, lost: 0, last: 10 });
  });

  it('numbers records by subscription sequence and counts what a heartbeat says it missed', async () => {
    const hello = encodeFeedHello({ protocol: PROTOCOL_VERSION, feed: 'f', epoch: 1, encoding: 'binary', instruments: [3], bootId: 'b', wallMinusMonotonicNs: 0, nextSequence: 10, nextSubscriptionSequence: 4 });
    // Three records of the subscription (feed sequences 10, 12, 15), then a heartbeat saying the next is 9: 2 lost.
    const port = await serve(Buffer.concat([hello as Buffer, recordsFrame([10, 12, 15]), encodeHeartbeat('binary', 0, 20, 9) as Buffer]));
    const got: Array<[number, number]> = [];
    const gaps: Array<[number, number]> = [];
    const client = new TcpFeedClient({ host: '127.0.0.1', port, encoding: 'binary', instruments: [3], onRecord: (record, s) => got.push([record.sequence, s]) });
    client.on('gap', (lost, next) => gaps.push([lost, next]));
    const beaten = new Promise<void>((resolve) => client.once('gap', () => resolve()));
    client.start();
    await beaten;
    client.close();
    expect(got).toEqual([
      [10, 4],
      [12, 5],
      [15, 6],
    ]);
    expect(gaps).toEqual([[2, 9]]);
    expect({ gaps: client.sequences.gaps, lost: client.sequences.lostRecords }).toEqual({ gaps: 1, lost: 2 });
  });
});
