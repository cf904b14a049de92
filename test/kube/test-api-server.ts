// A Kubernetes API server for tests, in-process over plain node:http, that the real
// @kubernetes/client-node talks to. It implements the REST semantics the operator relies on
// (see README.md in this directory for exactly which, and which not): typed and custom
// resources, update with resourceVersion conflicts, merge/JSON patch, server-side apply with
// field managers, status and scale subresources, watches with 410 Gone, ownerReference
// garbage collection, plus fault injection and a request log for assertions.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { ClusterControllers } from './cluster-controllers.ts';
import { Defaulter } from './defaulting.ts';
import { Faults } from './faults.ts';
import { HttpRouter } from './http-router.ts';
import { isPlainObject, jsonClone } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import { ObjectStore } from './object-store.ts';
import { applyMergePatch } from './patches.ts';
import { RequestLog } from './request-log.ts';
import { builtinResourceTypes, marketFeedResourceType, ResourceRegistry, type ResourceType } from './resource-registry.ts';
import { now, ResourceOperations } from './resource-operations.ts';
import { recordUpdate } from './server-side-apply.ts';
import { StoredForm } from './stored-form.ts';
import { WatchHub, type WatchInfo } from './watch-hub.ts';

export type { KubeObject } from './kube-object.ts';
export type { RequestRecord, RecordFilter, Verb } from './request-log.ts';
export type { FailOptions, DelayOptions, RequestMatch } from './faults.ts';
export type { ResourceType } from './resource-registry.ts';
export type { WatchInfo } from './watch-hub.ts';

export interface TestApiServerOptions {
  /** Port to listen on (default 0: any free port) on 127.0.0.1. */
  port?: number;
  /** How many change events watches can replay (default 10 000); older versions get 410 Gone. */
  historyLimit?: number;
  /** Fill in the defaults a real server adds (Service clusterIP, Deployment strategy...); default true. */
  defaulting?: boolean;
  /**
   * Store built-in objects as the Go structs give them back (zero values of omitempty
   * fields dropped, quantities canonical; go-normalisation.ts); default: as `defaulting`.
   */
  goRoundTrip?: boolean;
  /** Delete objects whose owners are all gone, and the contents of deleted namespaces; default true. */
  garbageCollection?: boolean;
  /** Delay of the background garbage collector after a deletion, ms (default 0: next tick). */
  gcDelayMs?: number;
  /** Interval of BOOKMARK events on watches that ask for them (`allowWatchBookmarks=true`), ms; default 1000, 0 = never. */
  bookmarkIntervalMs?: number;
  /** Serve marketfeed.dev/v1alpha1 marketfeeds before any CRD is created (default true). */
  marketFeedResource?: boolean;
  /** Namespaces that exist at start (default: default, kube-system, kube-public). */
  namespaces?: string[];
  /** Extra resource types to serve. */
  resources?: ResourceType[];
  /**
   * The bearer token every request must carry (as a real server authenticates a
   * ServiceAccount or user token); others get 401 Unauthorized. Default: any request passes.
   * kubeConfig() carries it (else `test-token`).
   */
  requireToken?: string;
}

/** Direct access to the server's state for test setup and assertions; bypasses HTTP and the request log. */
export interface TestStore {
  /** A copy of the stored object, or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** Copies of the stored objects of a kind, in one namespace or all. */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /**
   * Creates or wholly replaces an object (status included, no subresource rules, no
   * resourceVersion check; managedFields kept unless given). Watches see it; the request log
   * does not. Returns the stored copy.
   */
  put(object: KubeObject): KubeObject;
  /** Merge-patches `.status` (e.g. readiness a controller would report). Returns the stored copy. */
  patchStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: Record<string, unknown>): KubeObject;
  /** Deletes an object (the garbage collector then takes its dependents). Returns whether it existed. */
  delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** Reports a Deployment as rolled out with `readyReplicas` (default spec.replicas) ready pods. */
  markDeploymentReady(namespace: string, name: string, readyReplicas?: number): KubeObject;
  /** Runs the garbage collector now; returns how many objects it deleted. */
  collectGarbage(): number;
  /** The current (latest) resourceVersion. */
  readonly resourceVersion: number;
  /** Changes stored so far by any route (HTTP writes, `put`, deletions, garbage collection). */
  readonly changes: number;
}

export interface TestApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** A KubeConfig (context `test`, namespace `default`, bearer token `requireToken` or `test-token`) pointing at this server. */
  kubeConfig(): KubeConfig;
  store: TestStore;
  /** Every request answered, with verb, outcome (changed/unchanged) and status. */
  requests: RequestLog;
  faults: Faults;
  /** The open watch streams. */
  watches(): WatchInfo[];
  /** Resolves when at least `count` watches are open (rejects after `timeoutMs`, default 5000). */
  waitForWatches(count: number, timeoutMs?: number): Promise<void>;
  /** Watches answered with 410 Gone so far. */
  goneWatches(): number;
  /** Ends every watch and connection, stops the server. */
  close(): Promise<void>;
}

function typeFor(registry: ResourceRegistry, apiVersion: string, kind: string): ResourceType {
  const type = registry.byKind(apiVersion, kind);
  if (type === undefined) throw new Error(`test API server does not serve ${apiVersion} ${kind}`);
  return type;
}

export async function startTestApiServer(options: TestApiServerOptions = {}): Promise<TestApiServer> {
  const types = [...builtinResourceTypes(), ...(options.marketFeedResource === false ? [] : [marketFeedResourceType()]), ...(options.resources ?? [])];
  const registry = new ResourceRegistry(types);
  const store = new ObjectStore(options.historyLimit ?? 10_000);
  const watchHub = new WatchHub(store, options.bookmarkIntervalMs ?? 1000);
  const controllers = new ClusterControllers(store, registry, { garbageCollection: options.garbageCollection ?? true, gcDelayMs: options.gcDelayMs ?? 0 });
  const storedForm = new StoredForm(options.defaulting === false ? undefined : new Defaulter(), options.goRoundTrip ?? options.defaulting !== false);
  const operations = new ResourceOperations(store, storedForm);
  const faults = new Faults(store, watchHub);
  const log = new RequestLog();
  const router = new HttpRouter({ registry, operations, watches: watchHub, faults, log });

  const namespaceType = typeFor(registry, 'v1', 'Namespace');
  for (const name of options.namespaces ?? ['default', 'kube-system', 'kube-public']) {
    store.write(namespaceType, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }

  const server: Server = createServer((request, response) => {
    if (options.requireToken !== undefined && request.headers.authorization !== `Bearer ${options.requireToken}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
      return;
    }
    void router.handle(request, response);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const testStore: TestStore = {
    get(apiVersion, kind, namespace, name) {
      const type = typeFor(registry, apiVersion, kind);
      return jsonClone(store.get(type, namespace, name));
    },
    list(apiVersion, kind, namespace) {
      return jsonClone(store.list(typeFor(registry, apiVersion, kind), namespace));
    },
    put(object) {
      const type = typeFor(registry, object.apiVersion, object.kind);
      const candidate = jsonClone(object);
      if (type.namespaced) candidate.metadata.namespace ??= 'default';
      const previous = store.get(type, candidate.metadata.namespace, candidate.metadata.name);
      if (candidate.metadata.managedFields === undefined && previous?.metadata.managedFields !== undefined) candidate.metadata.managedFields = previous.metadata.managedFields;
      if (previous !== undefined && previous.metadata.generation !== undefined) candidate.metadata.generation = previous.metadata.generation;
      storedForm.apply(type, candidate, previous);
      return jsonClone(store.write(type, previous, candidate).object);
    },
    patchStatus(apiVersion, kind, namespace, name, status) {
      const type = typeFor(registry, apiVersion, kind);
      const previous = store.get(type, namespace, name);
      if (previous === undefined) throw new Error(`${kind} ${namespace ?? ''}/${name} does not exist`);
      const candidate = jsonClone(previous);
      candidate.status = applyMergePatch(previous.status, status);
      return jsonClone(store.write(type, previous, candidate).object);
    },
    delete(apiVersion, kind, namespace, name) {
      return store.remove(typeFor(registry, apiVersion, kind), namespace, name) !== undefined;
    },
    markDeploymentReady(namespace, name, readyReplicas) {
      const deployment = store.get(typeFor(registry, 'apps/v1', 'Deployment'), namespace, name);
      if (deployment === undefined) throw new Error(`Deployment ${namespace}/${name} does not exist`);
      const spec = isPlainObject(deployment.spec) ? deployment.spec : {};
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      const ready = readyReplicas ?? replicas;
      const available = ready >= replicas;
      const status = {
        observedGeneration: deployment.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        unavailableReplicas: replicas - ready > 0 ? replicas - ready : null,
        conditions: [
          { type: 'Available', status: available ? 'True' : 'False', reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: `${ready} of ${replicas} replicas ready` },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'rolled out' },
        ],
      };
      const type = typeFor(registry, 'apps/v1', 'Deployment');
      const candidate = jsonClone(deployment);
      candidate.status = applyMergePatch(deployment.status, status);
      // As the deployment controller writes it: an update of the status subresource, whose fields kube-controller-manager then owns (managedFields).
      recordUpdate(deployment, candidate, 'kube-controller-manager', { subresource: 'status', statusSubresource: true }, 'apps/v1', now());
      return jsonClone(store.write(type, deployment, candidate).object);
    },
    collectGarbage() {
      return controllers.sweep();
    },
    get resourceVersion() {
      return store.resourceVersion;
    },
    get changes() {
      return store.changes;
    },
  };

  return {
    url,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'test', server: url, skipTLSVerify: true }],
        users: [{ name: 'test', token: options.requireToken ?? 'test-token' }],
        contexts: [{ name: 'test', cluster: 'test', user: 'test', namespace: 'default' }],
        currentContext: 'test',
      });
      return kc;
    },
    store: testStore,
    requests: log,
    faults,
    watches: () => watchHub.list(),
    async waitForWatches(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (watchHub.count < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${count} watches; ${watchHub.count} open`);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([watchHub.changed(), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
        clearTimeout(timer);
      }
    },
    goneWatches: () => watchHub.goneCount,
    async close() {
      controllers.close();
      watchHub.dropAll('end');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
