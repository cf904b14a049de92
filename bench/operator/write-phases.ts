// The operator bench's write accounting: what the operator wrote in one phase (convergence,
// an idle spell, a restart followed by an idle spell), counted from the test API server's
// request log, and how to tell when a restarted operator has looked at every feed.
import type { RequestRecord, TestApiServer } from '../../test/kube/test-api-server.ts';

const WRITE_VERBS: readonly string[] = ['create', 'update', 'patch', 'apply', 'delete', 'deletecollection'];

export interface PhaseWrites {
  /** Successful writes of any kind except Events (applies, status writes, deletions). */
  writes: number;
  /** Events created (core or events.k8s.io). */
  events: number;
  /** One line per kind of write, for the notes: `apply deployments.apps ×400`. */
  detail: string[];
}

function isEvent(record: RequestRecord): boolean {
  return record.resource === 'events' || record.resource === 'events.events.k8s.io';
}

/** Writes and Events the server answered successfully since request `fromSeq` (`server.requests.mark()`). */
export function writesSince(server: TestApiServer, fromSeq: number): PhaseWrites {
  const records = server.requests.since(fromSeq).filter((record) => WRITE_VERBS.includes(record.verb) && record.status < 300);
  const kinds = new Map<string, number>();
  for (const record of records) {
    const key = `${record.verb} ${record.resource ?? ''}${record.subresource === undefined ? '' : `/${record.subresource}`}`;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  }
  return {
    writes: records.filter((record) => !isEvent(record)).length,
    events: records.filter(isEvent).length,
    detail: [...kinds].map(([key, count]) => `${key} ×${count}`),
  };
}

/** All reconciles an operator has finished, from its Prometheus metrics endpoint (undefined while it does not answer). */
export async function reconcilesDone(metricsUrl: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) })).text();
    let total = 0;
    for (const line of text.split('\n')) {
      const match = /^marketfeed_operator_reconcile_total\{[^}]*\} (\d+(?:\.\d+)?)$/.exec(line);
      if (match !== null) total += Number(match[1]);
    }
    return total;
  } catch {
    return undefined;
  }
}
