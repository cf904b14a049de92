import { describe, expect, it } from 'vitest';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';

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
});
