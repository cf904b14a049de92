import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';
import { logOn, sessionHarness } from './session-harness.ts';

const MIB = 1 << 20;
/** Message `seq` of `length` bytes, its content a function of both. */
const message = (seq: number, length: number): Buffer => Buffer.alloc(length, `${seq}:${length};`);

describe('MemoryMessageStore', () => {
  it('keeps copies of sent messages and returns a range in order, skipping gaps', () => {
    const store = new MemoryMessageStore(new Date(0));
    const buffer = Buffer.from('one');
    store.set(3, buffer);
    buffer.write('two');
    store.set(1, buffer);
    const seen: string[] = [];
    store.get(1, 5, (seq, message) => seen.push(`${seq}:${Buffer.from(message).toString()}`));
    expect(seen).toEqual(['1:two', '3:one']);
  });

  it('counts sequence numbers from 1, and reset forgets everything', () => {
    const store = new MemoryMessageStore(new Date(0));
    store.incrNextSenderMsgSeqNum();
    store.setNextTargetMsgSeqNum(7);
    store.set(1, Buffer.from('x'));
    expect([store.nextSenderMsgSeqNum, store.nextTargetMsgSeqNum]).toEqual([2, 7]);
    store.reset(new Date(1000));
    let count = 0;
    store.get(1, 10, () => count++);
    expect([store.nextSenderMsgSeqNum, store.nextTargetMsgSeqNum, count, store.creationTime.getTime()]).toEqual([1, 1, 0, 1000]);
  });

  it('refuses a sequence number that is not a positive integer', () => {
    const store = new MemoryMessageStore();
    expect(() => store.setNextSenderMsgSeqNum(0)).toThrow(/not a positive integer/);
    expect(() => store.set(1.5, Buffer.from('x'))).toThrow(/not a positive integer/);
  });

  it('keeps at most retainBytes: the newest messages, a contiguous run up to the last, byte for byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 100, size: 'max' }), (retainMib, lengths) => {
        const store = new MemoryMessageStore(new Date(0), { retainBytes: retainMib * MIB });
        lengths.forEach((length, index) => store.set(index + 1, message(index + 1, length)));
        const kept: number[] = [];
        let keptBytes = 0;
        store.get(1, lengths.length, (seq, bytes) => {
          expect(Buffer.from(bytes).equals(message(seq, lengths[seq - 1]))).toBe(true);
          kept.push(seq);
          keptBytes += bytes.length;
        });
        expect(kept.at(-1)).toBe(lengths.length);
        expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => kept[0] + i));
        expect(keptBytes).toBeLessThanOrEqual(retainMib * MIB);
        // Whatever fits in all chunks but the one being filled is still there.
        const total = lengths.reduce((sum, length) => sum + length, 0);
        expect(keptBytes).toBeGreaterThanOrEqual(Math.min(total, (retainMib - 1) * MIB - 200_000));
      }),
      { numRuns: 60 },
    );
  });

  it('answers a ResendRequest for forgotten messages with a gap fill, then resends what it kept', () => {
    const h = sessionHarness({ store: new MemoryMessageStore(new Date(0), { retainBytes: 2 * MIB }) });
    logOn(h);
    const text = 'x'.repeat(1000);
    for (let i = 0; i < 3000; i++) h.session.send('D', (encoder) => encoder.string(11, `o${i}`).char(21, '1').string(55, 'X').char(54, '1').utcTimestamp(60, h.clock.wall).char(40, '1').string(58, text));
    h.sent.length = 0;
    h.deliver('2', 2, [
      [7, '2'],
      [16, '0'],
    ]);
    const types = h.types();
    const firstKept = Number(h.value(0, 36));
    expect([types[0], h.value(0, 34), h.value(0, 123)]).toEqual(['4', '2', 'Y']);
    expect(firstKept).toBeGreaterThan(1000);
    expect(types.slice(1)).toEqual(Array.from({ length: 3001 - firstKept + 1 }, () => 'D'));
    expect([h.value(1, 34), h.value(1, 43), h.value(-1, 34), h.value(-1, 11)]).toEqual([String(firstKept), 'Y', '3001', 'o2999']);
  });
});
