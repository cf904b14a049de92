// An in-memory LeaseClient with the API server's compare-and-swap semantics (create fails
// when the lease exists, update fails when the resourceVersion moved on), one event-loop
// turn per call so concurrent candidates interleave, and a switch to make calls fail.
import { LeaseConflictError, type LeaseClient, type LeaseRecord, type ObservedLease } from '../../../operator/leader/lease-client.ts';

export class InMemoryLeaseStore {
  lease: ObservedLease | undefined;
  private version = 0;
  writes: Array<{ by: string; record: LeaseRecord }> = [];

  clientFor(identity: string): InMemoryLeaseClient {
    return new InMemoryLeaseClient(this, identity);
  }

  /** @internal */
  put(record: LeaseRecord, by: string): ObservedLease {
    this.lease = { record: { ...record }, resourceVersion: String(++this.version) };
    this.writes.push({ by, record: { ...record } });
    return structuredClone(this.lease);
  }
}

export class InMemoryLeaseClient implements LeaseClient {
  readonly description = 'lease test/in-memory';
  private readonly store: InMemoryLeaseStore;
  private readonly identity: string;
  /** When true every call rejects, as if the API server were unreachable. */
  failing = false;

  constructor(store: InMemoryLeaseStore, identity: string) {
    this.store = store;
    this.identity = identity;
  }

  private async turn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing) throw new Error('connection refused (test)');
  }

  async get(): Promise<ObservedLease | undefined> {
    await this.turn();
    return this.store.lease === undefined ? undefined : structuredClone(this.store.lease);
  }

  async create(record: LeaseRecord): Promise<ObservedLease> {
    await this.turn();
    if (this.store.lease !== undefined) throw new LeaseConflictError('exists');
    return this.store.put(record, this.identity);
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<ObservedLease> {
    await this.turn();
    if (this.store.lease === undefined || this.store.lease.resourceVersion !== resourceVersion) throw new LeaseConflictError('changed');
    return this.store.put(record, this.identity);
  }
}
