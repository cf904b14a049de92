// Field ownership as server-side apply tracks it: a set of leaf paths per manager, stored in
// `metadata.managedFields[].fieldsV1` in the real format (`{"f:spec":{"f:replicas":{}}}`).
// A leaf is a scalar, a list (every list is atomic here: owned and replaced as a whole, no
// `k:`/`v:` keys) or an empty map. Two paths overlap when one is a prefix of the other.
import { isPlainObject, type JsonPath } from './json-values.ts';
import type { JsonObject, KubeObject, ManagedFieldsEntry } from './kube-object.ts';

/** The metadata a client owns; everything else in metadata is the server's. */
export const USER_METADATA_FIELDS = ['labels', 'annotations', 'ownerReferences', 'finalizers'] as const;

/** Which part of an object a request addresses: the main resource or its `/status`. */
export interface FieldScope {
  subresource: '' | 'status';
  /** The resource has a status subresource, so the main resource does not own `.status`. */
  statusSubresource: boolean;
}

export class PathSet {
  private readonly paths = new Map<string, JsonPath>();

  constructor(paths: Iterable<JsonPath> = []) {
    for (const path of paths) this.add(path);
  }

  static key(path: JsonPath): string {
    return JSON.stringify(path);
  }

  add(path: JsonPath): void {
    this.paths.set(PathSet.key(path), path);
  }

  has(path: JsonPath): boolean {
    return this.paths.has(PathSet.key(path));
  }

  delete(path: JsonPath): void {
    this.paths.delete(PathSet.key(path));
  }

  get size(): number {
    return this.paths.size;
  }

  [Symbol.iterator](): Iterator<JsonPath> {
    return this.paths.values();
  }

  /** Paths of this set that overlap `path` (equal, ancestor or descendant). */
  overlapping(path: JsonPath): JsonPath[] {
    return [...this.paths.values()].filter((p) => overlaps(p, path));
  }

  equals(other: PathSet): boolean {
    if (other.size !== this.size) return false;
    for (const path of this) if (!other.has(path)) return false;
    return true;
  }
}

export function overlaps(a: JsonPath, b: JsonPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function collectLeaves(value: unknown, prefix: string[], into: PathSet): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      collectLeaves(child, [...prefix, key], into);
    }
  } else {
    into.add(prefix);
  }
}

/** The leaf paths of `object` that a client can own in `scope`. */
export function leafPaths(object: KubeObject | Record<string, unknown>, scope: FieldScope): PathSet {
  const paths = new PathSet();
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || key === 'apiVersion' || key === 'kind') continue;
    if (scope.subresource === 'status') {
      if (key === 'status') collectLeaves(value, ['status'], paths);
      continue;
    }
    if (key === 'status' && scope.statusSubresource) continue;
    if (key === 'metadata') {
      if (!isPlainObject(value)) continue;
      for (const field of USER_METADATA_FIELDS) {
        if (value[field] !== undefined) collectLeaves(value[field], ['metadata', field], paths);
      }
      continue;
    }
    collectLeaves(value, [key], paths);
  }
  return paths;
}

export function toFieldsV1(paths: PathSet): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const key of path) {
      const field = `f:${key}`;
      if (!isPlainObject(node[field])) node[field] = {};
      node = node[field];
    }
  }
  return root;
}

/** Reads a fieldsV1 tree; `k:`/`v:`/`i:` and `.` members make their parent a leaf. */
export function fromFieldsV1(fieldsV1: unknown): PathSet {
  const paths = new PathSet();
  const walk = (node: unknown, prefix: string[]): void => {
    const children = isPlainObject(node) ? Object.keys(node).filter((k) => k.startsWith('f:')) : [];
    const other = isPlainObject(node) ? Object.keys(node).some((k) => !k.startsWith('f:')) : false;
    if ((children.length === 0 || other) && prefix.length > 0) paths.add(prefix);
    for (const child of children) walk((node as Record<string, unknown>)[child], [...prefix, child.slice(2)]);
  };
  walk(fieldsV1, []);
  return paths;
}

/** One managedFields entry, with its fields as a PathSet for the algorithms. */
export interface Ownership {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource: string;
  fields: PathSet;
}

export function readOwnerships(object: KubeObject | undefined): Ownership[] {
  return (object?.metadata.managedFields ?? []).map((entry) => ({
    manager: entry.manager,
    operation: entry.operation,
    apiVersion: entry.apiVersion,
    time: entry.time,
    subresource: entry.subresource ?? '',
    fields: fromFieldsV1(entry.fieldsV1),
  }));
}

export function writeOwnerships(ownerships: Ownership[]): ManagedFieldsEntry[] {
  return ownerships
    .filter((o) => o.fields.size > 0)
    .map((o) => {
      const entry: ManagedFieldsEntry = { manager: o.manager, operation: o.operation, apiVersion: o.apiVersion, time: o.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(o.fields) };
      if (o.subresource !== '') entry.subresource = o.subresource;
      return entry;
    });
}

export function findOwnership(ownerships: Ownership[], manager: string, operation: 'Apply' | 'Update', subresource: string): Ownership | undefined {
  return ownerships.find((o) => o.manager === manager && o.operation === operation && o.subresource === subresource);
}
