// Every request the server answered, for assertions: what was asked (method, path, query,
// content type, field manager), what it was (verb, resource, namespace, name, subresource),
// how it ended (status code), and for writes whether it changed anything: `changed` writes
// stored something, `unchanged` writes (a repeated apply, an identical update) did not.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'apply' | 'delete' | 'deletecollection' | 'discovery' | 'unknown';

export interface RequestRecord {
  /** Order of arrival, from 1. */
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  fieldManager: string | undefined;
  userAgent: string | undefined;
  verb: Verb;
  /** `deployments.apps`, `configmaps`, ... (undefined for discovery) */
  resource: string | undefined;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  status: number;
  /** For successful writes: whether the store changed. */
  outcome: 'changed' | 'unchanged' | undefined;
  /** The answer was an injected fault. */
  injected: boolean;
  durationMs: number;
}

const WRITE_VERBS: readonly Verb[] = ['create', 'update', 'patch', 'apply', 'delete', 'deletecollection'];

export type RecordFilter = Partial<Pick<RequestRecord, 'method' | 'verb' | 'resource' | 'namespace' | 'name' | 'subresource' | 'fieldManager' | 'outcome' | 'status'>>;

function matches(record: RequestRecord, filter: RecordFilter): boolean {
  return Object.entries(filter).every(([key, value]) => value === undefined || record[key as keyof RequestRecord] === value);
}

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  add(record: RequestRecord): void {
    this.records.push(record);
  }

  /** Every record (in order of completion), or those matching `filter`. */
  all(filter: RecordFilter = {}): RequestRecord[] {
    return this.records.filter((r) => matches(r, filter));
  }

  count(filter: RecordFilter = {}): number {
    return this.all(filter).length;
  }

  /** Successful mutating requests that changed the store. */
  writes(filter: RecordFilter = {}): RequestRecord[] {
    return this.all({ ...filter, outcome: 'changed' }).filter((r) => WRITE_VERBS.includes(r.verb));
  }

  /** Successful mutating requests that changed nothing (e.g. an apply of what is already there). */
  noopWrites(filter: RecordFilter = {}): RequestRecord[] {
    return this.all({ ...filter, outcome: 'unchanged' });
  }

  /** Records matching `filter` of requests that arrived after `seq` (what happened since a `mark()`). */
  since(seq: number, filter: RecordFilter = {}): RequestRecord[] {
    return this.all(filter).filter((r) => r.seq > seq);
  }

  /** The seq of the latest request, to pass to `since` later. */
  mark(): number {
    return this.seq;
  }

  clear(): void {
    this.records.length = 0;
  }
}
