// The informer wrapper's restart logic against a scripted stand-in for client-node's
// ListWatch: an error (during start or later) leads to exactly one restart after a
// backoff, counted; the first successful start marks it synced; errors after stop() —
// client-node reports the abort of its own watch as one — are ignored.
import type { KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ResilientInformer, type ClientInformer } from '../../operator/cache/resilient-informer.ts';
import { waitFor } from './helpers/wait.ts';

type Outcome = 'ok' | 'error' | 'throw';

class ScriptedInformer implements ClientInformer {
  starts = 0;
  stops = 0;
  readonly outcomes: Outcome[];
  private readonly errorCallbacks: Array<(error?: unknown) => void> = [];
  constructor(outcomes: Outcome[]) {
    this.outcomes = outcomes;
  }
  on(verb: string, callback: (arg: never) => void): void {
    if (verb === 'error') this.errorCallbacks.push(callback as (error?: unknown) => void);
  }
  off(): void {}
  start(): Promise<void> {
    this.starts++;
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome === 'throw') return Promise.reject(new Error('no current cluster'));
    if (outcome === 'error') this.emitError(Object.assign(new Error('Internal Server Error'), { statusCode: 500 }));
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.stops++;
    this.emitError(new DOMException('aborted', 'AbortError'));
    return Promise.resolve();
  }
  emitError(error: unknown): void {
    for (const callback of this.errorCallbacks) callback(error);
  }
  get(): KubernetesObject | undefined {
    return undefined;
  }
  list(): readonly KubernetesObject[] {
    return [];
  }
}

const logger = pino({ level: 'silent' });
const backoff = { baseMs: 1, maxMs: 20, jitter: 0.5 };

describe('ResilientInformer', () => {
  it('restarts after errors during start (emitted or thrown) until it syncs, counting each restart once', async () => {
    const fake = new ScriptedInformer(['error', 'throw', 'error', 'ok']);
    let restarts = 0;
    const informer = new ResilientInformer({ name: 'Test', informer: fake, logger, backoff, onRestart: () => restarts++ });
    await informer.start();
    expect(informer.synced).toBe(false);
    await informer.whenSynced();
    expect(informer.synced).toBe(true);
    expect(fake.starts).toBe(4);
    expect(restarts).toBe(3);
    await informer.stop();
  });

  it('restarts after a later watch error, once per error even if reported twice', async () => {
    const fake = new ScriptedInformer(['ok']);
    let restarts = 0;
    const informer = new ResilientInformer({ name: 'Test', informer: fake, logger, backoff, onRestart: () => restarts++ });
    await informer.start();
    expect(informer.synced).toBe(true);
    fake.emitError(new Error('socket hang up'));
    fake.emitError(new Error('socket hang up'));
    await waitFor(() => fake.starts === 2);
    expect(restarts).toBe(1);
    fake.emitError(new Error('terminated'));
    await waitFor(() => fake.starts === 3);
    expect(restarts).toBe(2);
    await informer.stop();
  });

  it('ignores errors after stop and cancels a pending restart', async () => {
    const fake = new ScriptedInformer(['ok']);
    let restarts = 0;
    const informer = new ResilientInformer({ name: 'Test', informer: fake, logger, backoff: { baseMs: 50, maxMs: 50, jitter: 0 }, onRestart: () => restarts++ });
    await informer.start();
    fake.emitError(new Error('reset'));
    expect(restarts).toBe(1);
    await informer.stop();
    fake.emitError(new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(fake.starts).toBe(1);
    expect(restarts).toBe(1);
  });
});
