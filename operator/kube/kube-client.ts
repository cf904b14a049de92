// A small JSON client for the Kubernetes REST API over client-node's KubeConfig (auth, TLS,
// in-cluster or kubeconfig) and its fetch-based HTTP library. The operator needs plain JSON
// both ways (the cache compares what it lists and watches with what cdk8s synthesizes) and
// content types the generated clients do not pick per call: server-side apply
// (application/apply-patch+yaml), merge patches on the status subresource. Every write is
// reported through onWrite, for the operator's api_writes_total counter.
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { collectionPath, objectPath, type ResourceType } from './resource-types.ts';

export type WriteVerb = 'apply' | 'create' | 'patch' | 'delete';

export interface KubeList<T> {
  metadata: { resourceVersion?: string };
  items: T[];
}

/** An HTTP error answer of the API server, with its Status reason when it gave one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly reason: string | undefined;

  constructor(method: string, path: string, status: number, reason: string | undefined, message: string) {
    super(`${method} ${path}: ${status}${reason === undefined ? '' : ` ${reason}`}: ${message}`);
    this.status = status;
    this.reason = reason;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * client-node's KubeConfig builds a new undici Agent (a new connection pool) for every
 * request it authenticates; used as is, every request opens a connection of its own and
 * the idle pools pile up (hundreds of MB under load). This client keeps one and reuses it,
 * renewing it now and then so that rotated client certificates are picked up.
 */
const DISPATCHER_MAX_AGE_MS = 10 * 60_000;

export interface KubeClientOptions {
  kubeConfig: KubeConfig;
  /** Sent as User-Agent on every request: lets the server's audit (and tests) tell operator replicas apart. */
  userAgent?: string;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  onWrite?: (verb: WriteVerb, kind: string) => void;
}

export interface RequestOptions {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

export class KubeClient {
  private readonly kubeConfig: KubeConfig;
  private readonly userAgent: string | undefined;
  private readonly timeoutMs: number;
  private readonly onWrite: (verb: WriteVerb, kind: string) => void;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private dispatcher: Dispatcher | undefined;
  private dispatcherSinceMs = 0;

  constructor(options: KubeClientOptions) {
    this.kubeConfig = options.kubeConfig;
    this.userAgent = options.userAgent;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.onWrite = options.onWrite ?? (() => {});
  }

  async get<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.request<T>({ method: HttpMethod.GET, path: objectPath(type, namespace, name) });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  list<T = KubeObject>(type: ResourceType, namespace: string | undefined, labelSelector?: string): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({ method: HttpMethod.GET, path: collectionPath(type, namespace), query: { labelSelector } });
  }

  create<T = KubeObject>(type: ResourceType, namespace: string | undefined, body: unknown, fieldManager?: string): Promise<T> {
    this.onWrite('create', type.kind);
    return this.request<T>({ method: HttpMethod.POST, path: collectionPath(type, namespace), query: { fieldManager }, body });
  }

  /** Server-side apply of the whole object (its apiVersion, kind, metadata.name and namespace say where). */
  apply<T = KubeObject>(type: ResourceType, object: KubeObject, fieldManager: string, force = true): Promise<T> {
    this.onWrite('apply', type.kind);
    return this.request<T>({
      method: HttpMethod.PATCH,
      path: objectPath(type, object.metadata.namespace, object.metadata.name),
      query: { fieldManager, force: force ? 'true' : undefined },
      body: object,
      // JSON is YAML: the API server parses the body as YAML for this content type.
      contentType: 'application/apply-patch+yaml',
    });
  }

  /** JSON merge patch (RFC 7386), of the object or of a subresource such as status. */
  mergePatch<T = KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, subresource?: string, fieldManager?: string): Promise<T> {
    this.onWrite('patch', subresource === undefined ? type.kind : `${type.kind}/${subresource}`);
    return this.request<T>({
      method: HttpMethod.PATCH,
      path: objectPath(type, namespace, name, subresource),
      query: { fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** Deletes with background propagation; false when the object was already gone. */
  async delete(type: ResourceType, namespace: string | undefined, name: string): Promise<boolean> {
    this.onWrite('delete', type.kind);
    try {
      await this.request({ method: HttpMethod.DELETE, path: objectPath(type, namespace, name), query: { propagationPolicy: 'Background' } });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async request<T>(options: RequestOptions): Promise<T> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + options.path);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const context = new RequestContext(url.toString(), options.method);
    context.setHeaderParam('Accept', 'application/json');
    if (this.userAgent !== undefined) context.setHeaderParam('User-Agent', this.userAgent);
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(JSON.stringify(options.body));
    }
    context.setSignal(AbortSignal.timeout(this.timeoutMs));
    await this.kubeConfig.applySecurityAuthentication(context);
    this.reuseDispatcher(context);
    const response = await this.http.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return (text === '' ? undefined : JSON.parse(text)) as T;
    let reason: string | undefined;
    let message = text.slice(0, 500);
    try {
      const status = JSON.parse(text) as { reason?: string; message?: string };
      reason = status.reason;
      message = status.message ?? message;
    } catch {
      // not a Status object: keep the text
    }
    throw new ApiError(options.method, options.path, response.httpStatusCode, reason, message);
  }

  private reuseDispatcher(context: RequestContext): void {
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    const nowMs = performance.now();
    if (this.dispatcher === undefined || nowMs - this.dispatcherSinceMs > DISPATCHER_MAX_AGE_MS) {
      const old = this.dispatcher;
      this.dispatcher = fresh;
      this.dispatcherSinceMs = nowMs;
      // close() lets requests in flight finish first.
      old?.close().catch(() => {});
      return;
    }
    context.setDispatcher(this.dispatcher);
  }

  /** Closes the connection pool (after requests in flight). */
  async close(): Promise<void> {
    const dispatcher = this.dispatcher;
    this.dispatcher = undefined;
    await dispatcher?.close().catch(() => {});
  }
}
