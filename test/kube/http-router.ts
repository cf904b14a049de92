// HTTP in, verbs out: parses the Kubernetes REST paths client-node builds (`/api/v1/...`,
// `/apis/{group}/{version}/...`, namespaced or not, with `/status` and `/scale`), the query
// parameters and the patch content types, runs the operation, and answers JSON (or a watch
// stream). Logs every request, and applies injected faults before handling.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest } from './api-status.ts';
import type { Faults } from './faults.ts';
import type { RequestLog, RequestRecord, Verb } from './request-log.ts';
import type { ResourceRegistry, ResourceType } from './resource-registry.ts';
import type { DeleteOptions, OperationResult, PatchKind, ResourceOperations, Target } from './resource-operations.ts';
import { parseFieldSelector, parseLabelSelector, type ObjectPredicate } from './selectors.ts';
import type { WatchHub } from './watch-hub.ts';
import { isPlainObject } from './json-values.ts';

type Route = { discovery: unknown } | { target: Target };

const PATCH_KINDS: Record<string, PatchKind> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function notFoundPath(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0].trim().toLowerCase();
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (contentType === 'application/apply-patch+yaml' || contentType === 'application/yaml') {
      try {
        return parseYaml(text) as unknown;
      } catch (error) {
        throw badRequest(`invalid YAML body: ${(error as Error).message}`);
      }
    }
    throw badRequest('the request body is not valid JSON');
  }
}

export interface RouterParts {
  registry: ResourceRegistry;
  operations: ResourceOperations;
  watches: WatchHub;
  faults: Faults;
  log: RequestLog;
}

export class HttpRouter {
  private readonly parts: RouterParts;

  constructor(parts: RouterParts) {
    this.parts = parts;
  }

  private route(pathname: string): Route {
    const segments = pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
    const { registry } = this.parts;
    let group: string;
    let version: string;
    let rest: string[];
    if (segments.length === 1 && ['healthz', 'readyz', 'livez'].includes(segments[0])) return { discovery: 'ok' };
    if (segments[0] === 'version' && segments.length === 1) return { discovery: { major: '1', minor: '34', gitVersion: 'v1.34.0-marketfeed-test', platform: 'linux/amd64' } };
    if (segments[0] === 'api') {
      if (segments.length === 1) return { discovery: registry.coreVersions() };
      group = '';
      version = segments[1];
      rest = segments.slice(2);
    } else if (segments[0] === 'apis') {
      if (segments.length === 1) return { discovery: registry.apiGroupList() };
      if (segments.length === 2) {
        const apiGroup = registry.apiGroup(segments[1]);
        if (apiGroup === undefined) throw notFoundPath();
        return { discovery: apiGroup };
      }
      group = segments[1];
      version = segments[2];
      rest = segments.slice(3);
    } else {
      throw notFoundPath();
    }
    if (rest.length === 0) {
      const list = registry.apiResourceList(group, version);
      if (list === undefined) throw notFoundPath();
      return { discovery: list };
    }
    let namespace: string | undefined;
    let type: ResourceType | undefined;
    let tail: string[];
    const namespacedType = rest[0] === 'namespaces' && rest.length >= 3 ? registry.byPlural(group, version, rest[2]) : undefined;
    if (namespacedType?.namespaced === true) {
      namespace = rest[1];
      type = namespacedType;
      tail = rest.slice(3);
    } else {
      type = registry.byPlural(group, version, rest[0]);
      tail = rest.slice(1);
    }
    if (type === undefined || tail.length > 2) throw notFoundPath();
    const subresource = tail[1] ?? '';
    if (subresource !== '' && subresource !== 'status' && subresource !== 'scale') throw notFoundPath();
    return { target: { type, namespace, name: tail[0], subresource } };
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const method = (request.method ?? 'GET').toUpperCase();
    const contentType = mediaType(request.headers['content-type']);
    const userAgent = request.headers['user-agent'];
    const watch = method === 'GET' && (query.watch === 'true' || query.watch === '1');
    const record: RequestRecord = {
      seq: this.parts.log.nextSeq(),
      method,
      path: url.pathname,
      query,
      contentType,
      fieldManager: query.fieldManager,
      userAgent,
      verb: 'unknown',
      resource: undefined,
      namespace: undefined,
      name: undefined,
      subresource: undefined,
      status: 0,
      outcome: undefined,
      injected: false,
      durationMs: 0,
    };
    const finish = (status: number): void => {
      record.status = status;
      record.durationMs = performance.now() - started;
      this.parts.log.add(record);
    };
    try {
      const raw = await readBody(request);
      const facts = { method, path: url.pathname, watch };
      const delay = this.parts.faults.delayFor(facts, 'before');
      if (delay > 0) await sleep(delay);
      const route = this.route(url.pathname);
      if ('discovery' in route) {
        record.verb = 'discovery';
      } else {
        const { target } = route;
        record.resource = target.type.group === '' ? target.type.plural : `${target.type.plural}.${target.type.group}`;
        record.namespace = target.namespace;
        record.name = target.name;
        record.subresource = target.subresource === '' ? undefined : target.subresource;
        record.verb = verbOf(method, target, watch, contentType);
      }
      const injected = this.parts.faults.failureFor(facts, 'before');
      if (injected !== undefined) {
        record.injected = true;
        throw injected;
      }
      if ('discovery' in route) {
        if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on discovery`);
        finish(200);
        if (typeof route.discovery === 'string') {
          response.writeHead(200, { 'Content-Type': 'text/plain' });
          response.end(route.discovery);
        } else {
          sendJson(response, 200, route.discovery);
        }
        return;
      }
      if (watch) {
        this.openWatch(route.target, query, response, url.pathname);
        finish(200);
        return;
      }
      let result: OperationResult | undefined;
      let failed: unknown;
      try {
        result = this.dispatch(method, route.target, query, contentType, userAgent, raw);
      } catch (error) {
        failed = error;
      }
      // An 'after' fault replaces the answer of a request that was handled (and may have written).
      const injectedAfter = this.parts.faults.failureFor(facts, 'after');
      record.outcome = result?.outcome;
      if (injectedAfter !== undefined) {
        record.injected = true;
        throw injectedAfter;
      }
      if (result === undefined) throw failed;
      const delayAfter = this.parts.faults.delayFor(facts, 'after');
      if (delayAfter > 0) await sleep(delayAfter);
      finish(result.status);
      sendJson(response, result.status, result.body);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', `test API server failed: ${(error as Error).stack ?? String(error)}`);
      finish(apiError.code);
      if (!response.headersSent) sendJson(response, apiError.code, apiError.toStatus(), apiError.headers);
      else response.destroy();
    }
  }

  private openWatch(target: Target, query: Record<string, string>, response: ServerResponse, path: string): void {
    if (target.name !== undefined || target.subresource !== '') throw new ApiError(405, 'MethodNotAllowed', 'watch is only allowed on a collection');
    const matches = selectorsOf(query);
    const rv = query.resourceVersion === undefined || query.resourceVersion === '' ? undefined : Number(query.resourceVersion);
    if (rv !== undefined && !Number.isInteger(rv)) throw badRequest(`invalid resourceVersion: ${query.resourceVersion}`);
    if (rv !== undefined && rv !== 0 && this.parts.faults.takeGone()) {
      this.parts.watches.gone(response, rv);
      return;
    }
    const timeout = query.timeoutSeconds === undefined ? undefined : Number(query.timeoutSeconds);
    this.parts.watches.open(response, {
      type: target.type,
      namespace: target.namespace,
      matches,
      resourceVersion: rv,
      timeoutSeconds: timeout,
      bookmarks: query.allowWatchBookmarks === 'true',
      path,
    });
  }

  private dispatch(method: string, target: Target, query: Record<string, string>, contentType: string | undefined, userAgent: string | undefined, raw: Buffer): OperationResult {
    const { operations } = this.parts;
    const fieldManager = query.fieldManager;
    if (fieldManager !== undefined && fieldManager.length > 128) throw badRequest('fieldManager must be 128 characters or less');
    const manager = fieldManager ?? (userAgent === undefined ? 'unknown' : userAgent.split('/')[0]);
    const dryRun = query.dryRun === 'All';
    if (query.dryRun !== undefined && !dryRun) throw badRequest(`unsupported dryRun value: ${query.dryRun}`);
    const writeOptions = { manager, dryRun };
    switch (method) {
      case 'GET':
        return target.name === undefined ? operations.list(target, selectorsOf(query)) : operations.get(target);
      case 'POST':
        return operations.create(target, parseBody(raw, contentType), writeOptions);
      case 'PUT':
        return operations.update(target, parseBody(raw, contentType), writeOptions);
      case 'PATCH': {
        const kind = contentType === undefined ? undefined : PATCH_KINDS[contentType];
        if (kind === undefined) throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${Object.keys(PATCH_KINDS).join(', ')}`);
        if (query.force !== undefined && query.force !== 'true' && query.force !== 'false') throw badRequest(`invalid force: ${query.force}`);
        return operations.patch(target, kind, parseBody(raw, contentType), { ...writeOptions, force: query.force === 'true', fieldManagerGiven: fieldManager !== undefined && fieldManager !== '' });
      }
      case 'DELETE': {
        const options = deleteOptionsOf(parseBody(raw, contentType), query, manager);
        return target.name === undefined ? operations.deleteCollection(target, selectorsOf(query), options) : operations.delete(target, options);
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported`);
    }
  }
}

function selectorsOf(query: Record<string, string>): ObjectPredicate {
  const labels = parseLabelSelector(query.labelSelector);
  const fields = parseFieldSelector(query.fieldSelector);
  return (object) => labels(object) && fields(object);
}

function deleteOptionsOf(body: unknown, query: Record<string, string>, manager: string): DeleteOptions {
  const options = isPlainObject(body) ? body : {};
  const policy = query.propagationPolicy ?? (typeof options.propagationPolicy === 'string' ? options.propagationPolicy : undefined) ?? (query.orphanDependents === 'true' || options.orphanDependents === true ? 'Orphan' : 'Background');
  if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') throw badRequest(`invalid propagationPolicy: ${policy}`);
  const preconditions = isPlainObject(options.preconditions) ? options.preconditions : {};
  const dryRun = query.dryRun === 'All' || (Array.isArray(options.dryRun) && options.dryRun.includes('All'));
  return {
    propagationPolicy: policy,
    preconditions: {
      ...(typeof preconditions.uid === 'string' ? { uid: preconditions.uid } : {}),
      ...(typeof preconditions.resourceVersion === 'string' ? { resourceVersion: preconditions.resourceVersion } : {}),
    },
    dryRun,
    manager,
  };
}

function verbOf(method: string, target: Target, watch: boolean, contentType: string | undefined): Verb {
  switch (method) {
    case 'GET':
      if (watch) return 'watch';
      return target.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return contentType === 'application/apply-patch+yaml' ? 'apply' : 'patch';
    case 'DELETE':
      return target.name === undefined ? 'deletecollection' : 'delete';
    default:
      return 'unknown';
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  response.end(text);
}
