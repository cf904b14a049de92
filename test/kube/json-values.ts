// Plain-JSON helpers the server's object logic is built from: deep equality, deep copy, and
// reading/writing/deleting a value at a path of map keys. Arrays are values, never walked
// into by paths (the server treats every list as atomic).

export type JsonPath = readonly string[];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    if (aKeys.length !== bKeys.length) return false;
    return aKeys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy through JSON: drops undefined, the way the wire would. */
export function jsonClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function getAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets `value` at `path`, creating maps on the way (replacing non-maps in the way). */
export function setAt(root: Record<string, unknown>, path: JsonPath, value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/**
 * Deletes the value at `path`; then removes maps left empty by the deletion, up to but not
 * including the top-level field (`metadata`, `spec` stay even when empty).
 */
export function deleteAt(root: Record<string, unknown>, path: JsonPath): void {
  const chain: Record<string, unknown>[] = [root];
  for (const key of path.slice(0, -1)) {
    const next = chain[chain.length - 1][key];
    if (!isPlainObject(next)) return;
    chain.push(next);
  }
  delete chain[chain.length - 1][path[path.length - 1]];
  for (let depth = chain.length - 1; depth >= 2; depth--) {
    if (Object.keys(chain[depth]).length > 0) break;
    delete chain[depth - 1][path[depth - 1]];
  }
}

/** `["spec","replicas"]` → `.spec.replicas` (how Kubernetes prints field paths). */
export function formatPath(path: JsonPath): string {
  return path.map((key) => `.${key}`).join('');
}

/** `.spec.replicas` → `["spec","replicas"]` (the simple JSONPath of CRD scale paths). */
export function parseDottedPath(dotted: string): string[] {
  return dotted.replace(/^\./, '').split('.').filter((key) => key.length > 0);
}
