// Bad input on a session: garbage, a stream cut at every byte, a BodyLength that lies, a
// flood before Logon, a peer that stops reading. Each gets FIX's answer (garbled messages
// ignored, a connection that never logs on closed, a peer that does not read cut off) and
// none disturbs another session of the same acceptor or holds unbounded memory.
import { type Socket, connect } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FixEncoder } from '../../../runtime/fix/fix-encoder.ts';
import { FixAcceptor } from '../../../runtime/fix/session/fix-acceptor.ts';
import { FixSession } from '../../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
import { SessionFramer } from '../../../runtime/fix/session/session-framer.ts';
import { FIX44, fieldsOf, logOn, sessionHarness, until } from './session-harness.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const encoder = new FixEncoder({ beginString: 'FIX.4.4' });
function message(msgType: string, seq: number, sender: string, fields: [number, string][] = []): Buffer {
  encoder.begin(msgType).int(34, seq).string(49, sender).utcTimestamp(52, Date.now()).string(56, 'EXCH');
  for (const [tag, value] of fields) encoder.string(tag, value);
  return Buffer.from(encoder.finish().subarray(encoder.start, encoder.end));
}
const logon = (sender: string): Buffer => message('A', 1, sender, [
  [98, '0'],
  [108, '30'],
]);

function frameAll(chunks: Buffer[]): { messages: string[]; garbage: number } {
  const messages: string[] = [];
  let garbage = 0;
  const framer = new SessionFramer({ onMessage: (buffer, start, end) => messages.push(buffer.toString('latin1', start, end)), onGarbage: (_, bytes) => (garbage += bytes) });
  for (const chunk of chunks) framer.push(chunk);
  return { messages, garbage };
}

describe('SessionFramer', () => {
  const stream = Buffer.concat([Buffer.from('junk\x01'), logon('A'), message('0', 2, 'A'), Buffer.from('8=FIX.4.4\x019=5\x0135=0\x0110=000\x01'), message('1', 3, 'A', [[112, 'x']])]);

  it('frames the same messages and skips the same garbage however the stream is cut, at every byte or anywhere', () => {
    const whole = frameAll([stream]);
    expect(whole.messages).toHaveLength(4);
    const everyByte = frameAll([...stream].map((byte) => Buffer.from([byte])));
    expect(everyByte).toEqual(whole);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 10 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks = [...points, stream.length].map((point, i) => stream.subarray(i === 0 ? 0 : points[i - 1], point));
        expect(frameAll(chunks)).toEqual(whole);
      }),
    );
  });

  it('takes only the bytes a read filled from a reused read buffer, small reads and large (framedReads)', () => {
    const bytes = Buffer.concat(Array.from({ length: 6 }, () => stream));
    const whole = frameAll([bytes]);
    const messages: string[] = [];
    let garbage = 0;
    const framer = new SessionFramer({ onMessage: (buffer, start, end) => messages.push(buffer.toString('latin1', start, end)), onGarbage: (_, count) => (garbage += count) });
    // One read buffer, refilled for each read, with stale bytes (message starts among them) after what the read filled.
    const readBuffer = Buffer.alloc(4096, '8=FIX.4.4\x019=5\x0135=0\x0110=000\x01', 'latin1');
    const reads = [0, 7, 40, 300, bytes.length];
    for (let i = 1; i < reads.length; i++) {
      bytes.copy(readBuffer, 0, reads[i - 1], reads[i]);
      framer.push(readBuffer, reads[i] - reads[i - 1]);
    }
    expect({ messages, garbage }).toEqual(whole);
    expect(bytes.length - 300).toBeGreaterThan(1024);
  });

  it('cuts a message whose BodyLength is too long at the next CheckSum, taking the next message with it, as the peer’s engine does', () => {
    const first = message('0', 2, 'A');
    const text = first.toString('latin1');
    const lengthEnd = text.indexOf('\x01', text.indexOf('\x019=') + 1);
    const lying = Buffer.from(`${text.slice(0, text.indexOf('\x019=') + 3)}70${text.slice(lengthEnd)}`, 'latin1');
    const { messages } = frameAll([lying, message('0', 3, 'A'), message('0', 4, 'A')]);
    expect(messages).toHaveLength(2);
    expect(messages[1]).toContain('\x0134=4\x01');
  });

  it('holds a bounded number of bytes whatever a flood without message starts or with a huge BodyLength', () => {
    let garbage = 0;
    const framer = new SessionFramer({ onMessage: () => {}, onGarbage: (_, bytes) => (garbage += bytes) }, 4096);
    for (let i = 0; i < 1000; i++) framer.push(Buffer.alloc(1024, 0x41));
    expect(framer.buffered).toBeLessThanOrEqual(1);
    framer.push(Buffer.from('8=FIX.4.4\x019=999999999\x0135=0\x01'));
    for (let i = 0; i < 100; i++) framer.push(Buffer.alloc(1024, 0x42));
    expect(framer.buffered).toBeLessThanOrEqual(4096 + 64);
    expect(garbage).toBeGreaterThan(1000 * 1024);
  });
});

describe('FixSession with garbled input', () => {
  it('ignores a garbled message after Logon (no answer, MsgSeqNum unchanged) and disconnects on garbage before Logon', () => {
    const h = sessionHarness();
    logOn(h);
    const bad = Buffer.from('8=FIX.4.4\x019=20\x0135=0\x0134=2\x0149=TW\x0110=000\x01');
    h.session.receive(bad, 0, bad.length);
    expect(h.sent).toEqual([]);
    expect(h.session.store.nextTargetMsgSeqNum).toBe(2);
    expect(h.closed()).toBe(false);
    const fresh = sessionHarness();
    fresh.session.receive(bad, 0, bad.length);
    expect(fresh.closed()).toBe(true);
  });
});

/** A raw client: what it receives, framed. */
function client(port: number, allowHalfOpen = false): { socket: Socket; received: Buffer[]; closed: () => boolean } {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen });
  const received: Buffer[] = [];
  let closed = false;
  const framer = new SessionFramer({ onMessage: (buffer, start, end) => received.push(Buffer.from(buffer.subarray(start, end))), onGarbage: () => {} });
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  cleanups.push(() => void socket.destroy());
  return { socket, received, closed: () => closed };
}

async function acceptorFor(senders: string[], options: { maxQueuedBytes?: number; logonTimeoutMs?: number } = {}): Promise<{ port: number; sessions: FixSession[] }> {
  const sessions = senders.map(
    (sender) =>
      new FixSession({ beginString: 'FIX.4.4', senderCompID: 'EXCH', targetCompID: sender, dictionary: FIX44, store: new MemoryMessageStore(), application: { msgTypes: new Set(), onApplicationMessage: () => {} }, role: 'acceptor', resetOnDisconnect: true }),
  );
  const acceptor = new FixAcceptor({ sessions, port: 0, host: '127.0.0.1', ...options });
  const { port } = await acceptor.listen();
  cleanups.push(async () => void (await acceptor.close(0)));
  return { port, sessions };
}

/** Logs `sender` on over a raw client and checks that a TestRequest is answered. */
async function healthy(port: number, sender: string): Promise<void> {
  const good = client(port);
  good.socket.write(logon(sender));
  await until(() => good.received.length === 1, `${sender}'s Logon answer`);
  good.socket.write(message('1', 2, sender, [[112, 'ping']]));
  await until(() => good.received.length === 2, `${sender}'s Heartbeat`);
  expect(fieldsOf(good.received[1])).toContainEqual([112, 'ping']);
}

describe('FixAcceptor under bad input (TCP)', () => {
  it('closes a connection that floods garbage before Logon, holding bounded memory, while another session logs on and works', async () => {
    const { port } = await acceptorFor(['GOOD', 'BAD'], { logonTimeoutMs: 500 });
    const flood = client(port);
    const junk = Buffer.alloc(64 * 1024, 0x5a);
    for (let i = 0; i < 64 && !flood.closed(); i++) flood.socket.write(junk);
    await healthy(port, 'GOOD');
    await until(flood.closed, 'the flooding connection to be closed');
    expect(flood.received).toEqual([]);
  });

  it('closes a connection whose first message is garbled or names no session, and a second connection of a logged-on session', async () => {
    const { port, sessions } = await acceptorFor(['GOOD']);
    const garbled = client(port);
    garbled.socket.write(Buffer.from('8=FIX.4.4\x019=5\x0135=A\x0110=000\x01'));
    const stranger = client(port);
    stranger.socket.write(logon('NOBODY'));
    await until(() => garbled.closed() && stranger.closed(), 'both connections closed');
    const first = client(port);
    first.socket.write(logon('GOOD'));
    await until(() => first.received.length === 1, 'the Logon answer');
    const duplicate = client(port);
    duplicate.socket.write(logon('GOOD'));
    await until(duplicate.closed, 'the duplicate connection closed');
    expect(sessions[0].isLoggedOn).toBe(true);
    first.socket.write(message('1', 2, 'GOOD', [[112, 'still']]));
    await until(() => first.received.length === 2, 'the first connection still answered');
  });

  it('a connection the session has let go (Logout answered) can neither end nor talk into the session’s next connection', async () => {
    const { port, sessions } = await acceptorFor(['GOOD']);
    const old = client(port, true);
    old.socket.write(logon('GOOD'));
    await until(() => old.received.length === 1, 'the Logon answer');
    // The old peer asks to log out, gets the answer, and keeps its end open while the next connection logs on.
    old.socket.write(message('5', 2, 'GOOD'));
    await until(() => old.received.length === 2, 'the Logout answer');
    const next = client(port);
    next.socket.write(logon('GOOD'));
    await until(() => next.received.length === 1, 'the second Logon answer');
    old.socket.write(message('1', 3, 'GOOD', [[112, 'from the old connection']]));
    old.socket.end();
    await until(old.closed, 'the old connection closed');
    expect(sessions[0].isLoggedOn).toBe(true);
    next.socket.write(message('1', 2, 'GOOD', [[112, 'new']]));
    await until(() => next.received.length === 2, 'the Heartbeat on the new connection');
    expect(fieldsOf(next.received[1])).toContainEqual([112, 'new']);
    expect(next.received).toHaveLength(2);
  });

  it('cuts off a peer that stops reading once its unread output passes maxQueuedBytes; the other session goes on', async () => {
    const { port, sessions } = await acceptorFor(['SLOW', 'GOOD'], { maxQueuedBytes: 256 * 1024 });
    const slow = client(port);
    slow.socket.write(logon('SLOW'));
    await until(() => slow.received.length === 1, 'the Logon answer');
    slow.socket.pause();
    // Each TestRequest makes the acceptor send a Heartbeat as large; the slow peer reads none of them.
    const id = 'x'.repeat(8000);
    let seq = 2;
    while (sessions[0].isConnected && seq < 5000) {
      slow.socket.write(message('1', seq++, 'SLOW', [[112, id]]));
      if (seq % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await until(() => !sessions[0].isConnected, 'the slow session to be cut off');
    await healthy(port, 'GOOD');
  });
});
