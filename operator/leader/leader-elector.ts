// Leader election on a Lease, the client-go way: a candidate takes the lease when nobody
// holds it or when the holder's record has not changed for leaseDuration (measured on OUR
// clock from when we saw it change, so clock skew between nodes does not matter); the
// leader renews every renewInterval and gives up leadership if it could not renew for
// renewDeadline (< leaseDuration, so it stops before anyone else may take over). Every write
// is a compare-and-swap on the lease's resourceVersion, so two candidates never both win.
// stop() releases the lease (clears holderIdentity) so another replica takes over at once.
import type { Logger } from 'pino';
import { LeaseConflictError, microTime, type LeaseClient, type LeaseRecord, type ObservedLease } from './lease-client.ts';

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  /** How often the leader renews. */
  renewIntervalMs: number;
  /** The leader steps down when it has not renewed for this long. */
  renewDeadlineMs: number;
  /** How often a candidate (or a leader whose renewal failed) tries again. */
  retryPeriodMs: number;
}

export const DEFAULT_LEADER_ELECTION_TIMING: LeaderElectionTiming = {
  leaseDurationMs: 15_000,
  renewIntervalMs: 5_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

export interface LeaderElectorOptions {
  client: LeaseClient;
  identity: string;
  timing?: Partial<LeaderElectionTiming>;
  logger: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /** A monotonic clock in ms (performance.now by default). */
  clock?: () => number;
  /** The wall clock for renewTime/acquireTime (new Date() by default). */
  now?: () => Date;
}

export class LeaderElector {
  private readonly options: LeaderElectorOptions;
  private readonly timing: LeaderElectionTiming;
  private readonly clock: () => number;
  private readonly now: () => Date;
  private leading = false;
  private stopped = false;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastRenewMs = 0;
  /** The last lease seen and when (our clock) it was first seen in that state. */
  private observedLease: ObservedLease | undefined;
  private observedAtMs = 0;
  private leaderSeen: string | undefined;

  constructor(options: LeaderElectorOptions) {
    this.options = options;
    this.timing = { ...DEFAULT_LEADER_ELECTION_TIMING, ...options.timing };
    if (this.timing.renewDeadlineMs >= this.timing.leaseDurationMs) throw new Error('leader election: renewDeadline must be shorter than leaseDuration');
    this.clock = options.clock ?? (() => performance.now());
    this.now = options.now ?? (() => new Date());
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get identity(): string {
    return this.options.identity;
  }

  /** The holder we last saw (possibly ourselves), for logs and metrics. */
  get currentLeader(): string | undefined {
    return this.leaderSeen;
  }

  start(): void {
    if (this.running !== undefined) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops campaigning; a leader steps down first (onStoppedLeading) and then releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    if (this.leading) {
      this.stepDown('stopping');
      await this.release();
    }
  }

  /** One attempt to take or renew the lease; true when we hold it afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { identity } = this.options;
    let current: ObservedLease | undefined;
    try {
      current = await this.options.client.get();
    } catch (error) {
      this.options.logger.warn({ err: error, lease: this.options.client.description }, 'leader election: cannot read the lease');
      return false;
    }
    const nowMs = this.clock();
    const nowTime = microTime(this.now());
    const leaseDurationSeconds = Math.max(1, Math.round(this.timing.leaseDurationMs / 1000));
    try {
      if (current === undefined) {
        this.observe(await this.options.client.create({ holderIdentity: identity, leaseDurationSeconds, acquireTime: nowTime, renewTime: nowTime, leaseTransitions: 0 }), nowMs);
        return true;
      }
      this.observe(current, nowMs);
      const holder = current.record.holderIdentity;
      if (holder !== undefined && holder !== identity) {
        if (this.leading) return false; // someone else holds it: the caller steps down
        const durationMs = (current.record.leaseDurationSeconds > 0 ? current.record.leaseDurationSeconds * 1000 : this.timing.leaseDurationMs);
        if (nowMs < this.observedAtMs + durationMs) return false;
        this.options.logger.info({ holder, lease: this.options.client.description }, 'leader election: the lease expired; taking it');
      }
      const record: LeaseRecord = {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: holder === identity ? (current.record.acquireTime ?? nowTime) : nowTime,
        renewTime: nowTime,
        leaseTransitions: holder === identity ? current.record.leaseTransitions : current.record.leaseTransitions + 1,
      };
      this.observe(await this.options.client.update(record, current.resourceVersion), nowMs);
      return true;
    } catch (error) {
      if (!(error instanceof LeaseConflictError)) this.options.logger.warn({ err: error, lease: this.options.client.description }, 'leader election: cannot write the lease');
      return false;
    }
  }

  private observe(lease: ObservedLease, nowMs: number): void {
    const previous = this.observedLease;
    const same =
      previous !== undefined &&
      previous.resourceVersion === lease.resourceVersion &&
      previous.record.holderIdentity === lease.record.holderIdentity &&
      previous.record.renewTime === lease.record.renewTime;
    if (!same) {
      this.observedLease = lease;
      this.observedAtMs = nowMs;
    }
    if (lease.record.holderIdentity !== this.leaderSeen) {
      this.leaderSeen = lease.record.holderIdentity;
      this.options.logger.info({ leader: this.leaderSeen ?? null, lease: this.options.client.description }, 'leader election: new leader');
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const held = await this.tryAcquireOrRenew();
      if (this.stopped) break;
      if (held) {
        this.lastRenewMs = this.clock();
        if (!this.leading) {
          this.leading = true;
          this.options.logger.info({ lease: this.options.client.description }, 'leader election: became the leader');
          this.options.onStartedLeading();
        }
        await this.sleep(this.timing.renewIntervalMs);
        continue;
      }
      if (this.leading) {
        const holder = this.observedLease?.record.holderIdentity;
        if (holder !== this.options.identity && holder !== undefined) this.stepDown(`the lease is held by ${holder}`);
        else if (this.clock() - this.lastRenewMs >= this.timing.renewDeadlineMs) this.stepDown('could not renew the lease in time');
      }
      await this.sleep(this.timing.retryPeriodMs * (1 + 0.2 * Math.random()));
    }
  }

  private stepDown(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.options.logger.warn({ reason, lease: this.options.client.description }, 'leader election: lost leadership');
    this.options.onStoppedLeading();
  }

  /** Clears holderIdentity if we still hold the lease, so a standby need not wait for it to expire. */
  private async release(): Promise<void> {
    const lease = this.observedLease;
    if (lease === undefined || lease.record.holderIdentity !== this.options.identity) return;
    try {
      const released = await this.options.client.update(
        { ...lease.record, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(this.now()) },
        lease.resourceVersion,
      );
      this.observedLease = released;
      this.options.logger.info({ lease: this.options.client.description }, 'leader election: released the lease');
    } catch (error) {
      this.options.logger.warn({ err: error, lease: this.options.client.description }, 'leader election: could not release the lease; it expires by itself');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
