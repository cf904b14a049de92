// What the operator's caches keep of an object: everything but the fields it never reads.
// A real API server adds `metadata.managedFields` to every object (one entry per field
// manager: the operator's applies, kube-controller-manager's status, kubectl's edits; often
// a third of the object), and `kubectl apply` keeps a whole copy of the object in the
// last-applied-configuration annotation. The informers hold every feed, every object a
// feed owns and every feed pod for the life of the process, so these are dropped as each
// object arrives (from a list or a watch event), as controller-runtime's default cache
// transform does for managedFields. Nothing reads them: drift detection compares the
// fields the operator sets (drift.ts) and its own applied-hash annotation.
import { Watch, type KubernetesObject } from '@kubernetes/client-node';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

interface CachedMetadata {
  managedFields?: unknown;
  annotations?: Record<string, string>;
}

/** The object without managedFields and kubectl's last-applied annotation (a shallow copy; the input is left as it is). */
export function withoutUnreadFields<T extends { metadata?: object }>(object: T): T {
  const metadata = object.metadata as CachedMetadata | undefined;
  if (metadata === undefined || (metadata.managedFields === undefined && metadata.annotations?.[LAST_APPLIED_ANNOTATION] === undefined)) return object;
  const { managedFields: _managedFields, ...kept } = metadata;
  if (kept.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...annotations } = kept.annotations;
    kept.annotations = annotations;
  }
  return { ...object, metadata: kept };
}

type WatchCallback = (phase: string, object: KubernetesObject, watchObject?: unknown) => void;

/** client-node's Watch, handing each event's object on without its unread fields (ERROR events carry a Status: left as is). */
export class UnreadFieldsDroppingWatch extends Watch {
  override watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: (error: unknown) => void): Promise<AbortController> {
    return super.watch(path, queryParams, (phase: string, object: KubernetesObject, watchObject: unknown) => callback(phase, phase === 'ERROR' ? object : withoutUnreadFields(object), watchObject), done);
  }
}
