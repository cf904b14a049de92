// The work queue's promises, checked as properties: keys are deduplicated, a key is never
// handed to two workers at once, a key added while in process is processed once more
// after, nothing added is lost, shutdown lets in-flight keys finish, and backoff delays
// stay within their bounds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, backoffDelayMs, PerKeyBackoff } from '../../operator/queue/backoff.ts';
import { WorkQueue } from '../../operator/queue/work-queue.ts';

const keyArb = fc.constantFrom('ns/a', 'ns/b', 'ns/c', 'other/a', 'other/d');

type Op = { op: 'add'; key: string } | { op: 'get' } | { op: 'done'; index: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  keyArb.map((key) => ({ op: 'add' as const, key })),
  fc.constant({ op: 'get' as const }),
  fc.nat(10).map((index) => ({ op: 'done' as const, index })),
);

describe('WorkQueue', () => {
  it('queues a key once however often it is added', () => {
    fc.assert(
      fc.property(fc.array(keyArb), (keys) => {
        const queue = new WorkQueue();
        for (const key of keys) queue.add(key);
        expect(queue.depth).toBe(new Set(keys).size);
      }),
    );
  });

  it('hands out keys in the order they were first added', async () => {
    const queue = new WorkQueue();
    for (const key of ['b', 'a', 'b', 'c', 'a']) queue.add(key);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['b', 'a', 'c']);
  });

  it('never hands out a key in process, reprocesses a key added meanwhile once, loses nothing (model)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 80 }), async (ops) => {
        const queue = new WorkQueue();
        const inProcess: string[] = [];
        // A key is "owed" a processing when it was added after its current processing started (or while idle).
        const owed = new Set<string>();
        const take = async (): Promise<void> => {
          const key = await queue.get();
          expect(key).toBeDefined();
          expect(inProcess).not.toContain(key);
          expect(owed.has(key!)).toBe(true);
          owed.delete(key!);
          inProcess.push(key!);
        };
        for (const op of ops) {
          if (op.op === 'add') {
            queue.add(op.key);
            owed.add(op.key);
          } else if (op.op === 'get') {
            if (queue.depth > 0) await take();
          } else if (inProcess.length > 0) {
            const [key] = inProcess.splice(op.index % inProcess.length, 1);
            queue.done(key);
          }
          // Depth counts the keys owed and not in process; a dirty key waits for done().
          expect(queue.depth).toBe([...owed].filter((key) => !inProcess.includes(key)).length);
        }
        // Drain: finish everything, then process what is still owed; each owed key comes out once.
        for (const key of inProcess.splice(0)) queue.done(key);
        while (queue.depth > 0) {
          await take();
          queue.done(inProcess.pop()!);
        }
        expect(owed.size).toBe(0);
        expect(queue.inFlight).toBe(0);
      }),
    );
  });

  it('with concurrent async workers, never processes one key twice at once and processes every key after its last add', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(keyArb, fc.nat(3)), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(3), { minLength: 1, maxLength: 20 }),
        async (adds, workers, workTicks) => {
          const queue = new WorkQueue();
          const active = new Set<string>();
          const lastAdd = new Map<string, number>();
          const lastStart = new Map<string, number>();
          let clock = 0;
          let violations = 0;
          let n = 0;
          const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
          const worker = async (): Promise<void> => {
            for (;;) {
              const key = await queue.get();
              if (key === undefined) return;
              if (active.has(key)) violations++;
              active.add(key);
              lastStart.set(key, ++clock);
              for (let i = 0; i < workTicks[n++ % workTicks.length]; i++) await tick();
              active.delete(key);
              queue.done(key);
            }
          };
          const running = Array.from({ length: workers }, () => worker());
          for (const [key, pause] of adds) {
            queue.add(key);
            lastAdd.set(key, ++clock);
            for (let i = 0; i < pause; i++) await tick();
          }
          while (queue.depth > 0 || queue.inFlight > 0) await tick();
          queue.shutDown();
          await Promise.all(running);
          expect(violations).toBe(0);
          for (const [key, added] of lastAdd) expect(lastStart.get(key)).toBeGreaterThan(added);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shutDown hands out nothing more, and whenIdle waits for the keys in process', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    const key = await queue.get();
    const waiting = new WorkQueue();
    const pending = waiting.get();
    queue.shutDown();
    waiting.shutDown();
    expect(await pending).toBeUndefined();
    expect(await queue.get()).toBeUndefined();
    let idle = false;
    const whenIdle = queue.whenIdle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    queue.done(key!);
    await whenIdle;
    expect(idle).toBe(true);
    queue.add('c');
    expect(queue.depth).toBe(0);
  });

  it('addRateLimited retries after a delay that grows per failure; forget starts over', async () => {
    const queue = new WorkQueue({ baseMs: 5, maxMs: 40, jitter: 0, random: () => 0 });
    expect(queue.addRateLimited('a')).toBe(5);
    expect(queue.addRateLimited('a')).toBe(10);
    expect(queue.addRateLimited('a')).toBe(20);
    expect(queue.addRateLimited('a')).toBe(40);
    expect(queue.addRateLimited('a')).toBe(40);
    expect(queue.depth).toBe(0);
    expect(await queue.get()).toBe('a'); // the first (earliest) delay fires; later ones were merged into it
    queue.done('a');
    queue.forget('a');
    expect(queue.failuresOf('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBe(5);
    queue.shutDown();
  });
});

describe('backoff', () => {
  it('stays within [ceiling·(1-jitter), ceiling], the ceiling grows and never passes the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (baseMs, maxMs, jitter, failures, r) => {
          const options = { baseMs, maxMs, jitter, random: () => r };
          const ceiling = backoffCeilingMs(options, failures);
          const delay = backoffDelayMs(options, failures);
          expect(ceiling).toBeLessThanOrEqual(maxMs);
          expect(ceiling).toBeLessThanOrEqual(Math.max(baseMs, maxMs));
          expect(Number.isFinite(ceiling)).toBe(true);
          expect(backoffCeilingMs(options, failures + 1)).toBeGreaterThanOrEqual(ceiling);
          expect(delay).toBeLessThanOrEqual(ceiling);
          expect(delay).toBeGreaterThanOrEqual(ceiling * (1 - jitter) - 1e-9);
          if (failures === 1) expect(ceiling).toBe(Math.min(baseMs, maxMs));
        },
      ),
    );
  });

  it('counts failures per key', () => {
    const backoff = new PerKeyBackoff({ baseMs: 100, maxMs: 60_000, jitter: 0.5, random: () => 0.5 });
    expect(backoff.next('a')).toBe(75);
    expect(backoff.next('a')).toBe(150);
    expect(backoff.next('b')).toBe(75);
    backoff.forget('a');
    expect(backoff.next('a')).toBe(75);
  });
});
