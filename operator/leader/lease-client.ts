// Where the leader-election Lease lives, behind a three-call interface (get, create,
// compare-and-swap update) so that the election logic is tested against an in-memory
// store and runs against coordination.k8s.io/v1 Leases in a cluster.
import type { KubeClient } from '../kube/kube-client.ts';
import { ApiError, isConflict } from '../kube/kube-client.ts';
import { LEASE } from '../kube/resource-types.ts';

export interface LeaseRecord {
  /** Who holds the lease; undefined when nobody does (released). */
  holderIdentity: string | undefined;
  leaseDurationSeconds: number;
  /** RFC 3339 with microseconds (MicroTime). */
  acquireTime: string | undefined;
  renewTime: string | undefined;
  leaseTransitions: number;
}

export interface ObservedLease {
  record: LeaseRecord;
  /** Opaque version for the compare-and-swap update. */
  resourceVersion: string;
}

/** Another writer got there first (the lease exists, or changed since it was read). */
export class LeaseConflictError extends Error {
  override readonly name = 'LeaseConflictError';
}

export interface LeaseClient {
  readonly description: string;
  get(): Promise<ObservedLease | undefined>;
  /** Creates the lease; LeaseConflictError when it exists already. */
  create(record: LeaseRecord): Promise<ObservedLease>;
  /** Replaces the record if the lease is still at resourceVersion; LeaseConflictError otherwise. */
  update(record: LeaseRecord, resourceVersion: string): Promise<ObservedLease>;
}

interface LeaseObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number | null;
  };
}

function observed(lease: LeaseObject): ObservedLease {
  const spec = lease.spec ?? {};
  return {
    record: {
      holderIdentity: spec.holderIdentity === null || spec.holderIdentity === '' ? undefined : spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: spec.acquireTime ?? undefined,
      renewTime: spec.renewTime ?? undefined,
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
    resourceVersion: lease.metadata.resourceVersion ?? '',
  };
}

/** MicroTime, as Kubernetes writes it: 2006-01-02T15:04:05.000000Z. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The Lease object `namespace/name` of coordination.k8s.io/v1. */
export class KubeLeaseClient implements LeaseClient {
  readonly description: string;
  private readonly client: KubeClient;
  private readonly namespace: string;
  private readonly name: string;
  private readonly fieldManager: string;

  constructor(client: KubeClient, namespace: string, name: string, fieldManager: string) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.fieldManager = fieldManager;
    this.description = `lease ${namespace}/${name}`;
  }

  async get(): Promise<ObservedLease | undefined> {
    const lease = await this.client.get<LeaseObject>(LEASE, this.namespace, this.name);
    return lease === undefined ? undefined : observed(lease);
  }

  async create(record: LeaseRecord): Promise<ObservedLease> {
    const body = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        ...(record.holderIdentity === undefined ? {} : { holderIdentity: record.holderIdentity }),
        leaseDurationSeconds: record.leaseDurationSeconds,
        ...(record.acquireTime === undefined ? {} : { acquireTime: record.acquireTime }),
        ...(record.renewTime === undefined ? {} : { renewTime: record.renewTime }),
        leaseTransitions: record.leaseTransitions,
      },
    };
    try {
      return observed(await this.client.create<LeaseObject>(LEASE, this.namespace, body, this.fieldManager));
    } catch (error) {
      if (isConflict(error)) throw new LeaseConflictError(`${this.description} exists already`);
      throw error;
    }
  }

  async update(record: LeaseRecord, resourceVersion: string): Promise<ObservedLease> {
    // A merge patch that carries metadata.resourceVersion is a compare-and-swap: the API
    // server answers 409 Conflict when the object moved on. null removes a field.
    const patch = {
      metadata: { resourceVersion },
      spec: {
        holderIdentity: record.holderIdentity ?? null,
        leaseDurationSeconds: record.leaseDurationSeconds,
        acquireTime: record.acquireTime ?? null,
        renewTime: record.renewTime ?? null,
        leaseTransitions: record.leaseTransitions,
      },
    };
    try {
      return observed(await this.client.mergePatch<LeaseObject>(LEASE, this.namespace, this.name, patch, undefined, this.fieldManager));
    } catch (error) {
      if (isConflict(error) || (error instanceof ApiError && error.status === 404)) throw new LeaseConflictError(`${this.description} changed: ${(error as Error).message}`);
      throw error;
    }
  }
}
