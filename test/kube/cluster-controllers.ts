// The little of the control plane the server imitates besides storage, all driven by store
// events: the garbage collector (an object whose every ownerReference points at a uid that no
// longer exists is deleted, in the background, `gcDelayMs` after the change that orphaned
// it; this cascades), namespace deletion (deleting a Namespace deletes what is in it, also in
// the background), and CRD registration (creating a CustomResourceDefinition serves its
// resources at once; deleting it removes them and their objects).
import type { KubeObject } from './kube-object.ts';
import type { ObjectStore, StoreEvent } from './object-store.ts';
import type { ResourceRegistry } from './resource-registry.ts';

function isCrd(event: StoreEvent): boolean {
  return event.resource.group === 'apiextensions.k8s.io' && event.resource.kind === 'CustomResourceDefinition';
}

function isNamespace(event: StoreEvent): boolean {
  return event.resource.group === '' && event.resource.kind === 'Namespace';
}

export class ClusterControllers {
  private readonly store: ObjectStore;
  private readonly registry: ResourceRegistry;
  private readonly gcDelayMs: number;
  private readonly enabled: boolean;
  private readonly deletedNamespaces = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Objects deleted by the garbage collector or namespace cleanup. */
  collected = 0;

  constructor(store: ObjectStore, registry: ResourceRegistry, options: { garbageCollection: boolean; gcDelayMs: number }) {
    this.store = store;
    this.registry = registry;
    this.enabled = options.garbageCollection;
    this.gcDelayMs = options.gcDelayMs;
    store.onEvent((event) => this.observe(event));
  }

  private observe(event: StoreEvent): void {
    if (isCrd(event)) {
      if (event.type === 'DELETED') this.removeCrd(event.object);
      else this.registry.registerCrd(event.object);
    }
    if (isNamespace(event) && event.type === 'DELETED') {
      this.deletedNamespaces.add(event.object.metadata.name);
      this.schedule();
    } else if (event.type === 'DELETED' || this.hasMissingOwner(event.object)) {
      this.schedule();
    }
  }

  private hasMissingOwner(object: KubeObject): boolean {
    const refs = object.metadata.ownerReferences ?? [];
    return refs.length > 0 && refs.every((ref) => !this.store.hasUid(ref.uid));
  }

  private removeCrd(crd: KubeObject): void {
    for (const type of this.registry.unregisterCrd(crd.metadata.name)) {
      for (const object of this.store.list(type)) this.store.remove(type, object.metadata.namespace, object.metadata.name);
    }
  }

  private schedule(): void {
    if (!this.enabled || this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep();
    }, this.gcDelayMs);
    this.timer.unref();
  }

  /** Deletes, until nothing more goes, every object whose owners are all gone and everything in deleted namespaces. */
  sweep(): number {
    let deleted = 0;
    const namespaces = new Set(this.deletedNamespaces);
    this.deletedNamespaces.clear();
    for (;;) {
      let progress = false;
      for (const { type, object } of this.store.entries()) {
        const inDeletedNamespace = type.namespaced && namespaces.has(object.metadata.namespace ?? '');
        if (!inDeletedNamespace && !this.hasMissingOwner(object)) continue;
        if (this.store.remove(type, object.metadata.namespace, object.metadata.name) !== undefined) {
          deleted++;
          progress = true;
        }
      }
      if (!progress) break;
    }
    this.collected += deleted;
    return deleted;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
