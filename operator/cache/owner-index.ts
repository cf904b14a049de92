// Which cached objects each owner (by uid) has, kept up to date from informer events, so
// that finding a feed's objects (to delete the ones its spec no longer asks for) does not
// scan every object in the namespace on every reconcile: with hundreds of feeds that scan
// was most of the operator's work and garbage.
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';

export interface ObjectRef {
  namespace: string;
  name: string;
}

export class OwnerIndex {
  /** owner uid → "namespace/name" → ref */
  private readonly byOwner = new Map<string, Map<string, ObjectRef>>();
  /** "namespace/name" → owner uids it is filed under */
  private readonly ownersOf = new Map<string, string[]>();

  /** An object was added or changed (its ownerReferences may have changed too). */
  upsert(object: KubeObject): void {
    const ref = { namespace: object.metadata.namespace ?? '', name: object.metadata.name };
    const key = `${ref.namespace}/${ref.name}`;
    const owners = [...new Set((object.metadata.ownerReferences ?? []).map((owner) => owner.uid))];
    this.unfile(key);
    if (owners.length === 0) return;
    this.ownersOf.set(key, owners);
    for (const uid of owners) {
      let refs = this.byOwner.get(uid);
      if (refs === undefined) this.byOwner.set(uid, (refs = new Map<string, ObjectRef>()));
      refs.set(key, ref);
    }
  }

  remove(object: KubeObject): void {
    this.unfile(`${object.metadata.namespace ?? ''}/${object.metadata.name}`);
  }

  /** The objects that name `uid` in an ownerReference. */
  ownedBy(uid: string): ObjectRef[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  private unfile(key: string): void {
    for (const uid of this.ownersOf.get(key) ?? []) {
      const refs = this.byOwner.get(uid);
      refs?.delete(key);
      if (refs?.size === 0) this.byOwner.delete(uid);
    }
    this.ownersOf.delete(key);
  }
}
