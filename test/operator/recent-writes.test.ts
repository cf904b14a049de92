// Read-your-writes: the answer to a write stands in for the informer's copy only while the
// informer still shows what it showed when the write was sent, and never hides a newer
// version, whatever order the write's answer and the watch events arrive in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentWrites } from '../../operator/cache/recent-writes.ts';

interface Versioned {
  metadata: { resourceVersion?: string };
  tag?: string;
}
const v = (rv: number, tag?: string): Versioned => ({ metadata: { resourceVersion: String(rv) }, ...(tag === undefined ? {} : { tag }) });

describe('RecentWrites', () => {
  it('stands in for the cache until the watch delivers the write', () => {
    const recent = new RecentWrites<Versioned>();
    recent.recordWrite('k', undefined, undefined, v(5, 'ours'));
    expect(recent.read('k', undefined)?.tag).toBe('ours');
    recent.observe('k', v(5), false);
    expect(recent.read('k', v(5, 'cache'))?.tag).toBe('cache');
    expect(recent.size).toBe(0);
  });

  it('keeps nothing when the cache moved on while the write was in flight', () => {
    const recent = new RecentWrites<Versioned>();
    // The watch delivered our version and a newer one before the answer arrived.
    recent.recordWrite('k', '3', '7', v(5, 'ours'));
    expect(recent.read('k', v(7, 'cache'))?.tag).toBe('cache');
  });

  it('a deletion seen by the informer ends the entry', () => {
    const recent = new RecentWrites<Versioned>();
    recent.recordWrite('k', '3', '3', v(5, 'ours'));
    recent.observe('k', v(3), true);
    expect(recent.read('k', undefined)).toBeUndefined();
  });

  it('never returns an older version than the informer holds (any interleaving)', () => {
    // Versions grow; the write's answer has version w; informer events deliver versions in order.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (sentAt, answeredAt, extra) => {
        const recent = new RecentWrites<Versioned>();
        const w = 10;
        // The informer sees versions 1..5 (before the write), then w, then w+1..w+extra.
        const timeline = [1, 2, 3, 4, 5, w, ...Array.from({ length: extra }, (_, i) => w + 1 + i)];
        const sendIndex = Math.min(sentAt, 4); // sent while the informer showed timeline[sendIndex]
        const answerIndex = Math.min(timeline.length - 1, sendIndex + answeredAt);
        let cached: Versioned | undefined = v(timeline[0]);
        for (let i = 1; i <= sendIndex; i++) cached = v(timeline[i]);
        const before = cached.metadata.resourceVersion;
        for (let i = sendIndex + 1; i <= answerIndex; i++) {
          cached = v(timeline[i]);
          recent.observe('k', cached, false);
        }
        recent.recordWrite('k', before, cached.metadata.resourceVersion, v(w));
        const seen = (): number => Number(recent.read('k', cached)?.metadata.resourceVersion);
        expect(seen()).toBeGreaterThanOrEqual(Number(cached.metadata.resourceVersion));
        for (let i = answerIndex + 1; i < timeline.length; i++) {
          cached = v(timeline[i]);
          recent.observe('k', cached, false);
          expect(seen()).toBeGreaterThanOrEqual(Number(cached.metadata.resourceVersion));
        }
      }),
    );
  });
});
