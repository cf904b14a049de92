// Leader election against an in-memory Lease: a fake clock drives the expiry rules
// (deterministic), a property checks that no candidate ever takes a lease that another
// renewed less than leaseDuration ago, and the running loop is checked for take-over after
// release and after a leader goes silent.
import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LeaderElector, type LeaderElectionTiming } from '../../operator/leader/leader-elector.ts';
import { InMemoryLeaseStore } from './helpers/in-memory-lease.ts';
import { waitFor } from './helpers/wait.ts';

const logger = pino({ level: 'silent' });
const SLOW: LeaderElectionTiming = { leaseDurationMs: 15_000, renewIntervalMs: 5_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const FAST: LeaderElectionTiming = { leaseDurationMs: 600, renewIntervalMs: 100, renewDeadlineMs: 400, retryPeriodMs: 50 };

function candidate(store: InMemoryLeaseStore, identity: string, clock: { ms: number } | undefined, timing = SLOW) {
  const client = store.clientFor(identity);
  const events: string[] = [];
  const elector = new LeaderElector({
    client,
    identity,
    timing,
    logger,
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
    ...(clock === undefined ? {} : { clock: () => clock.ms, now: () => new Date(1_700_000_000_000 + clock.ms) }),
  });
  return { client, elector, events };
}

describe('LeaderElector.tryAcquireOrRenew (fake clock)', () => {
  it('creates the lease when there is none, renews its own, and keeps others out until it expires', async () => {
    const store = new InMemoryLeaseStore();
    const clock = { ms: 0 };
    const a = candidate(store, 'a', clock);
    const b = candidate(store, 'b', clock);
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    expect(store.lease?.record).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(store.lease?.record.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    clock.ms = 5_000;
    expect(await a.elector.tryAcquireOrRenew()).toBe(true);
    clock.ms = 14_000;
    // b first saw the renewed record at 14 s: it counts the lease duration from there.
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    clock.ms = 28_999;
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    clock.ms = 29_000;
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
    expect(store.lease?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(await a.elector.tryAcquireOrRenew()).toBe(false);
  });

  it('takes a released lease at once', async () => {
    const store = new InMemoryLeaseStore();
    const clock = { ms: 0 };
    const a = candidate(store, 'a', clock, { ...FAST, renewIntervalMs: 60_000 });
    const b = candidate(store, 'b', clock);
    a.elector.start();
    await waitFor(() => a.elector.isLeader);
    expect(await b.elector.tryAcquireOrRenew()).toBe(false);
    await a.elector.stop();
    expect(a.events).toEqual(['started', 'stopped']);
    expect(store.lease?.record.holderIdentity).toBeUndefined();
    expect(await b.elector.tryAcquireOrRenew()).toBe(true);
  });

  it('lets exactly one of two simultaneous candidates win', async () => {
    for (const existing of [false, true]) {
      const store = new InMemoryLeaseStore();
      const clock = { ms: 0 };
      if (existing) store.put({ holderIdentity: undefined, leaseDurationSeconds: 15, acquireTime: undefined, renewTime: undefined, leaseTransitions: 3 }, 'old');
      const results = await Promise.all(['a', 'b', 'c'].map((id) => candidate(store, id, clock).elector.tryAcquireOrRenew()));
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it('never takes a lease that another candidate renewed less than leaseDuration ago (property)', async () => {
    const stepArb = fc.record({ who: fc.nat(2), advanceMs: fc.integer({ min: 0, max: 20_000 }), together: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (steps) => {
        const store = new InMemoryLeaseStore();
        const clock = { ms: 0 };
        const candidates = ['a', 'b', 'c'].map((id) => candidate(store, id, clock));
        // When each identity last succeeded (held the lease afterwards).
        const lastHeld = new Map<string, number>();
        const check = (id: string, held: boolean): void => {
          if (!held) return;
          for (const [other, at] of lastHeld) {
            if (other !== id) expect(clock.ms - at).toBeGreaterThanOrEqual(SLOW.leaseDurationMs);
          }
          lastHeld.set(id, clock.ms);
        };
        for (const step of steps) {
          clock.ms += step.advanceMs;
          if (step.together) {
            const ids = [step.who, (step.who + 1) % 3];
            const results = await Promise.all(ids.map((i) => candidates[i].elector.tryAcquireOrRenew()));
            expect(results.filter(Boolean).length).toBeLessThanOrEqual(1);
            ids.forEach((i, n) => check(candidates[i].elector.identity, results[n]));
          } else {
            const elector = candidates[step.who].elector;
            check(elector.identity, await elector.tryAcquireOrRenew());
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('LeaderElector loop (real timers, short durations)', () => {
  it('one of two replicas leads; when it stops, the other takes over', async () => {
    const store = new InMemoryLeaseStore();
    const a = candidate(store, 'a', undefined, FAST);
    const b = candidate(store, 'b', undefined, FAST);
    a.elector.start();
    await waitFor(() => a.elector.isLeader);
    b.elector.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(b.elector.isLeader).toBe(false);
    expect(a.elector.isLeader).toBe(true);
    await a.elector.stop();
    await waitFor(() => b.elector.isLeader);
    expect(a.events).toEqual(['started', 'stopped']);
    expect(b.events).toEqual(['started']);
    await b.elector.stop();
    expect(store.lease?.record.holderIdentity).toBeUndefined();
  });

  it('a leader that cannot reach the API steps down, and the other replica takes over after the lease expires', async () => {
    const store = new InMemoryLeaseStore();
    const a = candidate(store, 'a', undefined, FAST);
    const b = candidate(store, 'b', undefined, FAST);
    a.elector.start();
    await waitFor(() => a.elector.isLeader);
    b.elector.start();
    a.client.failing = true;
    await waitFor(() => !a.elector.isLeader);
    await waitFor(() => b.elector.isLeader);
    expect(a.events).toEqual(['started', 'stopped']);
    // Back online, a finds b holding the lease and stays a follower.
    a.client.failing = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.elector.isLeader).toBe(false);
    await Promise.all([a.elector.stop(), b.elector.stop()]);
  });

  it('a leader whose lease was taken steps down', async () => {
    const store = new InMemoryLeaseStore();
    const a = candidate(store, 'a', undefined, FAST);
    a.elector.start();
    await waitFor(() => a.elector.isLeader);
    store.put({ ...store.lease!.record, holderIdentity: 'intruder' }, 'intruder');
    await waitFor(() => !a.elector.isLeader);
    await a.elector.stop();
    expect(store.lease?.record.holderIdentity).toBe('intruder');
  });
});
