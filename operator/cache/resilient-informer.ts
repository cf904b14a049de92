// A client-node informer (list + watch with resourceVersion, re-list on 410 Gone) that
// does not stay dead. client-node's ListWatch reconnects by itself after a clean end of
// the watch stream or a client-side timeout, but on any other error (a 5xx, a reset
// connection, a failed list) it emits 'error' and stops: here every such stop is followed
// by a restart after an exponential backoff with jitter, counted for the watch_restarts
// metric. A restart resumes from the last resourceVersion it saw (re-listing if that
// expired), so the cache is never dropped. `synced` turns true after the first complete
// list, which is what the operator's readiness waits for.
import type { Informer, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { backoffDelayMs, type BackoffOptions } from '../queue/backoff.ts';

export const INFORMER_RESTART_BACKOFF: BackoffOptions = { baseMs: 200, maxMs: 30_000, jitter: 0.5 };

export type InformerEvent = 'add' | 'update' | 'delete';

/** client-node's informer, whatever object type it was made for. */
export type ClientInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

export interface ResilientInformerOptions {
  /** What it watches, for logs (e.g. "Deployment"). */
  name: string;
  informer: ClientInformer;
  logger: Logger;
  backoff?: BackoffOptions;
  /** Called once per restart after an error. */
  onRestart?: (error: unknown) => void;
}

/** The objects are the API server's JSON (lists and watch events are not deserialized), hence KubeObject. */
export class ResilientInformer {
  readonly name: string;
  private readonly informer: ClientInformer;
  private readonly logger: Logger;
  private readonly backoff: BackoffOptions;
  private readonly onRestart: (error: unknown) => void;
  private stopped = true;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Bumped on every start: an error belongs to the start it happened in. */
  private generation = 0;
  private failedGeneration = -1;
  private isSynced = false;
  private readonly syncWaiters: Array<() => void> = [];

  constructor(options: ResilientInformerOptions) {
    this.name = options.name;
    this.informer = options.informer;
    this.logger = options.logger;
    this.backoff = options.backoff ?? INFORMER_RESTART_BACKOFF;
    this.onRestart = options.onRestart ?? (() => {});
    this.informer.on('error', (error: unknown) => this.failed(error));
  }

  get synced(): boolean {
    return this.isSynced;
  }

  on(event: InformerEvent, callback: (object: KubeObject) => void): void {
    this.informer.on(event, callback as (object: KubernetesObject) => void);
  }

  get(name: string, namespace?: string): KubeObject | undefined {
    return this.informer.get(name, namespace) as KubeObject | undefined;
  }

  list(namespace?: string): readonly KubeObject[] {
    return this.informer.list(namespace) as readonly KubeObject[];
  }

  /** Starts listing and watching; resolves after the first attempt (synced or not: it keeps trying). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.attempt();
  }

  whenSynced(): Promise<void> {
    if (this.isSynced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    // Aborting the watch makes client-node report an AbortError; failed() ignores it once stopped.
    await this.informer.stop();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    try {
      await this.informer.start();
    } catch (error) {
      this.failed(error);
      return;
    }
    // start() resolves once the list is done and the watch is connected, unless it failed on the way.
    if (this.stopped || this.failedGeneration === generation) return;
    if (this.failures > 0) this.logger.info({ informer: this.name, failures: this.failures }, 'informer: watching again');
    this.failures = 0;
    if (!this.isSynced) {
      this.isSynced = true;
      this.logger.debug({ informer: this.name, objects: this.informer.list().length }, 'informer: synced');
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private failed(error: unknown): void {
    if (this.stopped || this.failedGeneration === this.generation) return;
    this.failedGeneration = this.generation;
    this.failures++;
    const delayMs = backoffDelayMs(this.backoff, this.failures);
    this.logger.warn({ informer: this.name, err: error, failures: this.failures, retryInMs: Math.round(delayMs) }, 'informer: list/watch failed; restarting');
    this.onRestart(error);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.attempt();
    }, delayMs);
  }
}
