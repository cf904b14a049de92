// Does a live object still match what we would apply? The operator writes only when the
// answer is no ("no write at all when nothing changed"). The desired objects come here in
// the server's normal form (server-normal-form.ts: no zero values the server drops,
// canonical quantities), so what we apply is what we read back. Two checks:
// - every field we set is in the live object with the same value (others may add fields,
//   the server adds defaults; we ignore those), with quantities compared by value ("1Gi"
//   = "1024Mi") and an empty list/map equal to an absent one (the server drops them);
// - the hash of what we applied last, kept in an annotation, equals the hash of what we
//   would apply now: that catches fields we stopped setting, which the first check cannot
//   see, and that server-side apply will remove.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { cpuQuantity } from '../../cdk8s/api/marketfeed-types.ts';

export const APPLIED_HASH_ANNOTATION = 'marketfeed.dev/applied-hash';

/** Keys of values that are resource quantities (compared by value). */
const QUANTITY_PARENTS = new Set(['limits', 'requests']);
const QUANTITY_KEYS = new Set(['sizeLimit']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

/** JSON with object keys sorted: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  writeCanonical(value, parts);
  return parts.join('');
}

function writeCanonical(value: unknown, parts: string[]): void {
  if (Array.isArray(value)) {
    parts.push('[');
    value.forEach((item, index) => {
      if (index > 0) parts.push(',');
      writeCanonical(item, parts);
    });
    parts.push(']');
  } else if (isPlainObject(value)) {
    parts.push('{');
    let first = true;
    for (const key of Object.keys(value).sort()) {
      if (value[key] === undefined) continue;
      parts.push(first ? '' : ',', JSON.stringify(key), ':');
      first = false;
      writeCanonical(value[key], parts);
    }
    parts.push('}');
  } else {
    parts.push(JSON.stringify(value) ?? 'null');
  }
}

/** Deep equality of JSON values (key order ignored), without building strings. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a).filter((key) => a[key] !== undefined);
    if (keys.length !== Object.keys(b).filter((key) => b[key] !== undefined).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
  }
  return false;
}

/** The hash of an object as we apply it, without the hash annotation itself. */
export function appliedHash(object: KubeObject): string {
  const annotations = { ...object.metadata.annotations };
  delete annotations[APPLIED_HASH_ANNOTATION];
  const copy = { ...object, metadata: { ...object.metadata, annotations } };
  return createHash('sha256').update(canonicalJson(copy)).digest('hex').slice(0, 16);
}

/** The object with its hash annotation set: what the operator applies. */
export function withAppliedHash(object: KubeObject): KubeObject {
  const hash = appliedHash(object);
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash } } };
}

function sameScalar(desired: unknown, live: unknown, quantity: boolean): boolean {
  if (desired === live) return true;
  if (quantity && (typeof desired === 'string' || typeof desired === 'number') && (typeof live === 'string' || typeof live === 'number')) {
    const a = cpuQuantity(desired);
    return a !== undefined && a === cpuQuantity(live);
  }
  return false;
}

/**
 * True when `live` has every field of `desired` with an equal value (extra live fields
 * are fine). Lists must have the same length, element by element.
 */
export function covers(desired: unknown, live: unknown, key = '', parentKey = ''): boolean {
  if (isEmpty(desired) && isEmpty(live)) return true;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && live.length === desired.length && desired.every((item, index) => covers(item, live[index], key, parentKey));
  }
  if (isPlainObject(desired)) {
    return isPlainObject(live) && Object.keys(desired).every((child) => covers(desired[child], Object.hasOwn(live, child) ? live[child] : undefined, child, key));
  }
  return sameScalar(desired, live, QUANTITY_PARENTS.has(parentKey) || QUANTITY_KEYS.has(key));
}

/**
 * Whether `desired` (already carrying its hash annotation) must be applied over `live`.
 * apiVersion and kind are left out: list responses do not carry them per item.
 */
export function needsApply(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (live === undefined) return true;
  if (live.metadata.deletionTimestamp !== undefined) return true;
  const { apiVersion: _apiVersion, kind: _kind, ...fields } = desired;
  const { apiVersion: _liveApiVersion, kind: _liveKind, ...liveFields } = live;
  return !covers(fields, liveFields);
}
