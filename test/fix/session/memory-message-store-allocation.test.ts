// Keeping a sent message in a MemoryMessageStore (what every FixSession send does) creates no
// object per message: the bytes go into the store's arena and its index. Judged as a marginal
// figure (a run of 2N messages minus a run of N, over N), the least of a few attempts, as the
// other allocation tests do. Bytes, never time.
import { describe, expect, it } from 'vitest';
import { marginalAllocation } from '../../../bench/lib/heap-allocation.ts';
import { MemoryMessageStore } from '../../../runtime/fix/session/message-store.ts';

describe('MemoryMessageStore allocation', () => {
  it('keeps a sent message in less than a byte of heap per message', () => {
    const store = new MemoryMessageStore(new Date(0));
    const message = Buffer.from('8=FIX.4.4\x019=40\x0135=D\x0134=1\x0149=CLIENT\x0152=20261203-12:00:00.000\x0156=EXCH\x0110=000\x01', 'latin1');
    const keep = (count: number): void => {
      store.reset(new Date(0));
      for (let i = 0; i < count; i++) {
        store.set(store.nextSenderMsgSeqNum, message);
        store.incrNextSenderMsgSeqNum();
      }
    };
    keep(50_000);
    let least = Infinity;
    for (let attempt = 0; attempt < 10 && least >= 1; attempt++) least = Math.min(least, marginalAllocation(keep, 50_000).bytesPerUnit);
    expect(least).toBeLessThan(1);
    // What was kept is still there, byte for byte.
    const seen: string[] = [];
    store.get(99_999, 100_001, (seq, bytes) => seen.push(`${seq}:${Buffer.from(bytes).equals(message)}`));
    expect(seen).toEqual(['99999:true', '100000:true']);
  });
});
