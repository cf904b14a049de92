// Server-side apply and the field ownership every other write records. Apply merges the
// applied configuration into the live object, refuses (409) to change a field another manager
// (another name, or the same name's non-apply "Update" entry) owns unless forced, removes fields this manager applied before and no longer applies (when
// nobody else owns them), and makes the applied fields this manager's "Apply" set. Any other
// write (create, update, patch) gives its manager an "Update" set with the fields it changed.
// Whether anything changed at all is decided later, by the store, on the resulting object.
import { deepEqual, deleteAt, formatPath, getAt, isPlainObject, jsonClone, type JsonPath } from './json-values.ts';
import { findOwnership, leafPaths, PathSet, readOwnerships, writeOwnerships, type FieldScope, type Ownership } from './field-sets.ts';
import type { KubeObject } from './kube-object.ts';

export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  path: JsonPath;
}

export interface ApplyRequest {
  /** The stored object; undefined when apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration, already limited to what the scope may change. */
  applied: KubeObject;
  manager: string;
  force: boolean;
  scope: FieldScope;
  apiVersion: string;
  now: string;
}

export type ApplyOutcome = { ok: true; object: KubeObject } | { ok: false; conflicts: ApplyConflict[] };

/** Copies the maps of `source` into `target` key by key; any non-map (or empty map) replaces. */
function mergeApplied(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) mergeApplied(current, value);
    else if (isPlainObject(value)) {
      const fresh: Record<string, unknown> = {};
      mergeApplied(fresh, value);
      target[key] = fresh;
    } else target[key] = jsonClone(value);
  }
}

/** The fields of `applied` a client may set through `scope` (drops server metadata, and status or non-status). */
export function scopedConfiguration(applied: KubeObject, scope: FieldScope): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (scope.subresource === 'status') {
    if (applied.status !== undefined) result.status = applied.status;
    return result;
  }
  for (const [key, value] of Object.entries(applied)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'metadata') continue;
    if (key === 'status' && scope.statusSubresource) continue;
    result[key] = value;
  }
  const metadata: Record<string, unknown> = {};
  for (const field of ['labels', 'annotations', 'ownerReferences', 'finalizers']) {
    if (applied.metadata[field] !== undefined && applied.metadata[field] !== null) metadata[field] = applied.metadata[field];
  }
  result.metadata = metadata;
  return result;
}

/** The same object apart from managedFields. */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (object: KubeObject): KubeObject => ({ ...object, metadata: { ...object.metadata, managedFields: undefined } });
  return deepEqual(strip(a), strip(b));
}

export function serverSideApply(request: ApplyRequest): ApplyOutcome {
  const { live, manager, scope } = request;
  const config = scopedConfiguration(request.applied, scope);
  const appliedPaths = leafPaths(config, scope);
  const subresource = scope.subresource;

  const base: KubeObject = live === undefined ? { apiVersion: request.applied.apiVersion, kind: request.applied.kind, metadata: { ...request.applied.metadata } } : jsonClone(live);
  const merged = base as unknown as Record<string, unknown>;
  mergeApplied(merged, config);

  const ownerships = readOwnerships(live);
  const mine = findOwnership(ownerships, manager, 'Apply', subresource);
  // A manager is (name, operation, subresource): this name's own "Update" entry is another
  // manager to apply, as on a real server (kubernetes/kubernetes#107417).
  const others = ownerships.filter((o) => o !== mine);

  const conflicts: ApplyConflict[] = [];
  const conflicting = new Map<Ownership, JsonPath[]>();
  for (const other of others) {
    for (const owned of other.fields) {
      const touched = appliedPaths.overlapping(owned).length > 0;
      if (!touched || deepEqual(getAt(merged, owned), getAt(live, owned))) continue;
      conflicts.push({ manager: other.manager, apiVersion: other.apiVersion, path: owned });
      conflicting.set(other, [...(conflicting.get(other) ?? []), owned]);
    }
  }
  conflicts.sort((a, b) => formatPath(a.path).localeCompare(formatPath(b.path)) || a.manager.localeCompare(b.manager));
  if (conflicts.length > 0 && !request.force) return { ok: false, conflicts };
  for (const [other, paths] of conflicting) for (const path of paths) other.fields.delete(path);

  // Fields this manager applied before and leaves out now go, unless someone else owns them.
  if (mine !== undefined) {
    for (const path of mine.fields) {
      if (appliedPaths.has(path)) continue;
      if (appliedPaths.overlapping(path).length > 0) continue;
      const ownedElsewhere = ownerships.some((o) => o !== mine && o.fields.overlapping(path).length > 0);
      if (!ownedElsewhere) deleteAt(merged, path);
    }
  }

  const nextMine: Ownership = { manager, operation: 'Apply', apiVersion: request.apiVersion, time: request.now, subresource, fields: appliedPaths };
  let next: Ownership[];
  if (mine !== undefined) {
    // The timestamp stays only when neither the fields nor the merged object changed, as in
    // the real field manager, which compares the merge result *before* the Go round trip:
    // an applied `minReadySeconds: 0` that the stored object lacks moves the time (a write
    // whenever a new second has begun; kubernetes/kubernetes#121404).
    if (mine.fields.equals(appliedPaths) && mine.apiVersion === request.apiVersion && live !== undefined && sameContent(base, live)) nextMine.time = mine.time;
    next = ownerships.map((o) => (o === mine ? nextMine : o));
  } else {
    next = [...ownerships, nextMine];
  }
  base.metadata.managedFields = writeOwnerships(next);
  return { ok: true, object: base };
}

/**
 * Ownership after a non-apply write by `manager`: it owns every field it changed (others lose
 * them), and removed fields are owned by nobody. Nothing changed → ownership unchanged.
 */
export function recordUpdate(previous: KubeObject | undefined, next: KubeObject, manager: string, scope: FieldScope, apiVersion: string, now: string): void {
  const before = previous === undefined ? new PathSet() : leafPaths(previous, scope);
  const after = leafPaths(next, scope);
  const changed: JsonPath[] = [];
  for (const path of after) if (!deepEqual(getAt(previous, path), getAt(next, path))) changed.push(path);
  const removed: JsonPath[] = [];
  for (const path of before) if (getAt(next, path) === undefined) removed.push(path);
  const ownerships = readOwnerships(previous);
  if (changed.length === 0 && removed.length === 0) {
    next.metadata.managedFields = previous?.metadata.managedFields;
    if (next.metadata.managedFields === undefined) delete next.metadata.managedFields;
    return;
  }
  for (const ownership of ownerships) {
    for (const path of [...changed, ...removed]) for (const owned of ownership.fields.overlapping(path)) ownership.fields.delete(owned);
  }
  let mine = findOwnership(ownerships, manager, 'Update', scope.subresource);
  if (mine === undefined) {
    mine = { manager, operation: 'Update', apiVersion, time: now, subresource: scope.subresource, fields: new PathSet() };
    ownerships.push(mine);
  }
  mine.time = now;
  mine.apiVersion = apiVersion;
  for (const path of changed) mine.fields.add(path);
  const entries = writeOwnerships(ownerships);
  if (entries.length > 0) next.metadata.managedFields = entries;
  else delete next.metadata.managedFields;
}

export function conflictMessage(conflicts: ApplyConflict[]): string {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${formatPath(c.path)}`);
  const plural = conflicts.length === 1 ? 'conflict' : 'conflicts';
  return `Apply failed with ${conflicts.length} ${plural}: ${lines.join('\n')}`;
}

