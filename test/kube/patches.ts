// The two patch formats the server accepts besides apply: JSON merge patch (RFC 7386; also
// used, list-replacing, for strategic merge patch on built-in kinds) and JSON patch (RFC 6902).
import { ApiError, badRequest } from './api-status.ts';
import { deepEqual, isPlainObject, jsonClone } from './json-values.ts';

/** RFC 7386: maps merge recursively, `null` deletes, anything else (lists too) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return jsonClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parentOf(root: unknown, tokens: string[]): { parent: unknown; key: string } {
  let node = root;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isPlainObject(node)) node = node[token];
    else node = undefined;
    if (node === undefined) throw unprocessable(`doc is missing path: /${tokens.join('/')}`);
  }
  return { parent: node, key: tokens[tokens.length - 1] };
}

function read(root: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return root;
  const { parent, key } = parentOf(root, tokens);
  const value: unknown = Array.isArray(parent) ? (parent as unknown[])[Number(key)] : isPlainObject(parent) ? parent[key] : undefined;
  if (value === undefined) throw unprocessable(`doc is missing path: ${path}`);
  return value;
}

function remove(root: unknown, path: string): void {
  const { parent, key } = parentOf(root, pointer(path));
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) throw unprocessable(`doc is missing path: ${path}`);
    parent.splice(index, 1);
  } else if (isPlainObject(parent) && Object.hasOwn(parent, key)) {
    delete parent[key];
  } else {
    throw unprocessable(`doc is missing path: ${path}`);
  }
}

function add(root: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(root, tokens);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw unprocessable(`invalid array index: ${path}`);
    parent.splice(index, 0, value);
  } else if (isPlainObject(parent)) {
    parent[key] = value;
  } else {
    throw unprocessable(`doc is missing path: ${path}`);
  }
  return root;
}

/** RFC 6902 on a copy of `target`: add, remove, replace, move, copy, test. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badRequest('a JSON patch must be a list of operations');
  let doc = jsonClone(target);
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badRequest('invalid JSON patch operation');
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, jsonClone(raw.value));
        break;
      case 'remove':
        remove(doc, raw.path);
        break;
      case 'replace':
        read(doc, raw.path);
        if (raw.path === '') doc = jsonClone(raw.value);
        else {
          remove(doc, raw.path);
          doc = add(doc, raw.path, jsonClone(raw.value));
        }
        break;
      case 'move': {
        const value = read(doc, String(raw.from));
        remove(doc, String(raw.from));
        doc = add(doc, raw.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, raw.path, jsonClone(read(doc, String(raw.from))));
        break;
      case 'test':
        if (!deepEqual(read(doc, raw.path), raw.value)) throw unprocessable(`testing value ${raw.path} failed`);
        break;
      default:
        throw badRequest(`unknown JSON patch operation: ${raw.op}`);
    }
  }
  return doc;
}
