// The verbs on one resource type, independent of HTTP: get, list, create, update (PUT),
// patch (merge, JSON, strategic-as-merge), apply, delete, deletecollection, on the main
// resource and its `/status` and `/scale` subresources. Each write computes the whole new
// object, then hands it to the store, which decides whether anything changed.
import { randomBytes } from 'node:crypto';
import { ApiError, alreadyExists, badRequest, invalid, notFound, staleConflict, successStatus } from './api-status.ts';
import type { FieldScope } from './field-sets.ts';
import { getAt, isPlainObject, jsonClone, setAt } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import { admitCustomResource } from './custom-resource-admission.ts';
import { checkBodyMatchesUrl, methodNotAllowed, validateObject } from './object-validation.ts';
import type { ObjectStore } from './object-store.ts';
import { applyJsonPatch, applyMergePatch } from './patches.ts';
import { apiVersionOf, type ResourceType } from './resource-registry.ts';
import type { ObjectPredicate } from './selectors.ts';
import { conflictMessage, recordUpdate, serverSideApply } from './server-side-apply.ts';
import type { StoredForm } from './stored-form.ts';

export interface Target {
  type: ResourceType;
  /** undefined for cluster-scoped resources and cluster-wide lists. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: '' | 'status' | 'scale';
}

export interface WriteOptions {
  manager: string;
  dryRun: boolean;
}

export interface OperationResult {
  status: number;
  body: unknown;
  outcome?: 'changed' | 'unchanged';
}

export type PatchKind = 'merge' | 'json' | 'strategic' | 'apply';

export interface DeleteOptions {
  propagationPolicy: 'Background' | 'Foreground' | 'Orphan';
  preconditions: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
  manager: string;
}

const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'];

/** A managedFields time: RFC 3339, whole seconds. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function scopeOf(target: Target): FieldScope {
  return { subresource: target.subresource === 'status' ? 'status' : '', statusSubresource: target.type.statusSubresource };
}

function requireName(target: Target): string {
  if (target.name === undefined) throw methodNotAllowed('a name is required');
  return target.name;
}

export class ResourceOperations {
  private readonly store: ObjectStore;
  private readonly storedForm: StoredForm;

  constructor(store: ObjectStore, storedForm: StoredForm) {
    this.store = store;
    this.storedForm = storedForm;
  }

  private existing(target: Target): KubeObject {
    const name = requireName(target);
    const object = this.store.get(target.type, target.namespace, name);
    if (object === undefined) throw notFound(target.type.plural, target.type.group, target.type.kind, name);
    return object;
  }

  private checkScope(target: Target): void {
    if (target.type.namespaced && target.namespace === undefined) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${target.type.plural} must be addressed in a namespace)`);
    if (target.subresource === 'status' && !target.type.statusSubresource) throw new ApiError(404, 'NotFound', `${target.type.plural} has no status subresource`);
    if (target.subresource === 'scale' && target.type.scale === undefined) throw new ApiError(404, 'NotFound', `${target.type.plural} has no scale subresource`);
  }

  get(target: Target): OperationResult {
    this.checkScope(target);
    const object = this.existing(target);
    return { status: 200, body: target.subresource === 'scale' ? this.scaleOf(target.type, object) : object };
  }

  list(target: Target, matches: ObjectPredicate): OperationResult {
    const items = this.store.list(target.type, target.namespace).filter(matches);
    const body = { apiVersion: apiVersionOf(target.type), kind: `${target.type.kind}List`, metadata: { resourceVersion: String(this.store.resourceVersion) }, items };
    return { status: 200, body };
  }

  create(target: Target, body: unknown, options: WriteOptions): OperationResult {
    if (target.name !== undefined || target.subresource !== '') throw methodNotAllowed('POST is only allowed on a collection');
    this.checkScope(target);
    const { type } = target;
    const object = jsonClone(checkBodyMatchesUrl(type, body, target.namespace, false));
    for (const field of SERVER_METADATA) delete object.metadata[field];
    if ((object.metadata.name === undefined || object.metadata.name === '') && typeof object.metadata.generateName === 'string') {
      object.metadata.name = `${object.metadata.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    }
    validateObject(type, object);
    if (this.store.get(type, target.namespace, object.metadata.name) !== undefined) throw alreadyExists(type.plural, type.group, object.metadata.name);
    if (type.statusSubresource) delete object.status;
    this.prepareForCreate(type, object);
    this.storedForm.apply(type, object);
    admitCustomResource(type, object);
    recordUpdate(undefined, object, options.manager, scopeOf(target), apiVersionOf(type), now());
    if (options.dryRun) return { status: 201, body: object, outcome: 'unchanged' };
    return { status: 201, body: this.store.write(type, undefined, object).object, outcome: 'changed' };
  }

  /** What a real server sets on create for the few kinds whose controllers the tests need. */
  private prepareForCreate(type: ResourceType, object: KubeObject): void {
    if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition' && isPlainObject(object.spec)) {
      const versions = Array.isArray(object.spec.versions) ? object.spec.versions.filter(isPlainObject) : [];
      const storage = versions.find((v) => v.storage === true)?.name;
      object.status = {
        acceptedNames: object.spec.names,
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: now() },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: now() },
        ],
        storedVersions: storage === undefined ? [] : [storage],
      };
    }
  }

  update(target: Target, body: unknown, options: WriteOptions): OperationResult {
    this.checkScope(target);
    const previous = this.existing(target);
    if (target.subresource === 'scale') return this.writeScale(target, previous, body, options);
    const object = checkBodyMatchesUrl(target.type, body, target.namespace, false);
    if (object.metadata.name !== undefined && object.metadata.name !== target.name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${String(target.name)})`);
    object.metadata.name = previous.metadata.name;
    return this.finishUpdate(target, previous, object, options);
  }

  /** Common end of update and (non-apply) patch: preconditions, subresource rules, ownership, store. */
  private finishUpdate(target: Target, previous: KubeObject, proposed: KubeObject, options: WriteOptions): OperationResult {
    const { type } = target;
    const requested = proposed.metadata.resourceVersion;
    if (requested !== undefined && requested !== '' && requested !== previous.metadata.resourceVersion) throw staleConflict(type.plural, type.group, previous.metadata.name);
    let candidate: KubeObject;
    if (target.subresource === 'status') {
      candidate = jsonClone(previous);
      if (proposed.status === undefined) delete candidate.status;
      else candidate.status = jsonClone(proposed.status);
    } else {
      candidate = jsonClone(proposed);
      candidate.apiVersion = previous.apiVersion;
      candidate.kind = previous.kind;
      for (const field of SERVER_METADATA) delete candidate.metadata[field];
      candidate.metadata.name = previous.metadata.name;
      candidate.metadata.namespace = previous.metadata.namespace;
      candidate.metadata.generation = previous.metadata.generation;
      if (type.statusSubresource) {
        if (previous.status === undefined) delete candidate.status;
        else candidate.status = jsonClone(previous.status);
      }
      validateObject(type, candidate);
      this.storedForm.apply(type, candidate, previous);
    }
    admitCustomResource(type, candidate);
    recordUpdate(previous, candidate, options.manager, scopeOf(target), apiVersionOf(type), now());
    return this.store_(type, previous, candidate, options, 200);
  }

  private store_(type: ResourceType, previous: KubeObject | undefined, candidate: KubeObject, options: WriteOptions, status: number): OperationResult {
    if (options.dryRun) return { status, body: candidate, outcome: 'unchanged' };
    const result = this.store.write(type, previous, candidate);
    return { status, body: result.object, outcome: result.changed ? 'changed' : 'unchanged' };
  }

  patch(target: Target, kind: PatchKind, body: unknown, options: WriteOptions & { force: boolean; fieldManagerGiven: boolean }): OperationResult {
    this.checkScope(target);
    const { type } = target;
    if (kind === 'strategic' && type.custom) {
      throw new ApiError(415, 'UnsupportedMediaType', 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    if (kind !== 'apply' && options.force) throw invalid('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' }]);
    if (kind === 'apply') return this.apply(target, body, options);
    const previous = this.existing(target);
    if (target.subresource === 'scale') {
      const scale = this.scaleOf(type, previous);
      return this.writeScale(target, previous, kind === 'json' ? applyJsonPatch(scale, body) : applyMergePatch(scale, body), options);
    }
    if (kind !== 'json' && !isPlainObject(body)) throw badRequest('a merge patch must be a JSON object');
    const patched = kind === 'json' ? applyJsonPatch(previous, body) : applyMergePatch(previous, body);
    if (!isPlainObject(patched) || !isPlainObject(patched.metadata)) throw new ApiError(422, 'Invalid', 'the patch removed metadata');
    const proposed = patched as unknown as KubeObject;
    if (proposed.metadata.name !== previous.metadata.name || proposed.metadata.namespace !== previous.metadata.namespace) {
      throw invalid(type.kind, type.group, previous.metadata.name, [{ type: 'FieldValueInvalid', field: 'metadata.name', message: 'field is immutable' }]);
    }
    if (proposed.metadata.uid !== previous.metadata.uid) throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${String(proposed.metadata.uid)}, UID in object meta: ${String(previous.metadata.uid)}`);
    return this.finishUpdate(target, previous, proposed, options);
  }

  private apply(target: Target, body: unknown, options: WriteOptions & { force: boolean; fieldManagerGiven: boolean }): OperationResult {
    const { type } = target;
    const name = requireName(target);
    if (!options.fieldManagerGiven) throw invalid('PatchOptions', 'meta.k8s.io', '', [{ type: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
    if (target.subresource === 'scale') throw new ApiError(415, 'UnsupportedMediaType', 'apply is not supported on the scale subresource of this server');
    const applied = checkBodyMatchesUrl(type, body, target.namespace, true);
    if (applied.metadata.name !== undefined && applied.metadata.name !== '' && applied.metadata.name !== name) throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    applied.metadata.name = name;
    const previous = this.store.get(type, target.namespace, name);
    if (previous === undefined && target.subresource === 'status') throw notFound(type.plural, type.group, type.kind, name);
    const requested = applied.metadata.resourceVersion;
    if (requested !== undefined && requested !== '' && requested !== previous?.metadata.resourceVersion) {
      if (previous === undefined) throw notFound(type.plural, type.group, type.kind, name);
      throw staleConflict(type.plural, type.group, name);
    }
    const outcome = serverSideApply({ live: previous, applied, manager: options.manager, force: options.force, scope: scopeOf(target), apiVersion: apiVersionOf(type), now: now() });
    if (!outcome.ok) {
      const causes = outcome.conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: c.path.map((k) => `.${k}`).join('') }));
      throw new ApiError(409, 'Conflict', conflictMessage(outcome.conflicts), { name, group: type.group, kind: type.plural, causes });
    }
    const candidate = outcome.object;
    candidate.metadata.name = name;
    if (type.namespaced) candidate.metadata.namespace = target.namespace;
    if (previous === undefined) {
      for (const field of SERVER_METADATA) if (field !== 'managedFields') delete candidate.metadata[field];
      if (type.statusSubresource) delete candidate.status;
      this.prepareForCreate(type, candidate);
    }
    if (target.subresource !== 'status') {
      validateObject(type, candidate);
      this.storedForm.apply(type, candidate, previous);
    }
    admitCustomResource(type, candidate);
    return this.store_(type, previous, candidate, options, previous === undefined ? 201 : 200);
  }

  private scaleOf(type: ResourceType, object: KubeObject): object {
    const scale = type.scale;
    if (scale === undefined) throw new ApiError(404, 'NotFound', `${type.plural} has no scale subresource`);
    const selector = scale.labelSelectorPath === undefined ? undefined : getAt(object, scale.labelSelectorPath);
    const status: Record<string, unknown> = { replicas: Number(getAt(object, scale.statusReplicasPath) ?? 0) };
    if (isPlainObject(selector) && isPlainObject(selector.matchLabels)) {
      status.selector = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${String(v)}`).join(',');
    } else if (typeof selector === 'string') {
      status.selector = selector;
    }
    const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
    return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name, namespace, uid, resourceVersion, creationTimestamp }, spec: { replicas: Number(getAt(object, scale.specReplicasPath) ?? 0) }, status };
  }

  private writeScale(target: Target, previous: KubeObject, body: unknown, options: WriteOptions): OperationResult {
    const { type } = target;
    const scale = type.scale;
    if (scale === undefined || !isPlainObject(body)) throw badRequest('a Scale object is required');
    const spec = isPlainObject(body.spec) ? body.spec : {};
    const replicas = spec.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', previous.metadata.name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', message: 'must be a non-negative integer' }]);
    }
    const metadata = isPlainObject(body.metadata) ? body.metadata : {};
    const requested = metadata.resourceVersion;
    if (typeof requested === 'string' && requested !== '' && requested !== previous.metadata.resourceVersion) throw staleConflict(type.plural, type.group, previous.metadata.name);
    const candidate = jsonClone(previous);
    setAt(candidate, scale.specReplicasPath, replicas);
    admitCustomResource(type, candidate);
    recordUpdate(previous, candidate, options.manager, { subresource: '', statusSubresource: type.statusSubresource }, apiVersionOf(type), now());
    const result = this.store_(type, previous, candidate, options, 200);
    return { ...result, body: this.scaleOf(type, result.body as KubeObject) };
  }

  delete(target: Target, options: DeleteOptions): OperationResult {
    this.checkScope(target);
    if (target.subresource !== '') throw methodNotAllowed(`DELETE is not allowed on ${target.subresource}`);
    const { type } = target;
    const previous = this.existing(target);
    const { uid, resourceVersion } = options.preconditions;
    if (uid !== undefined && uid !== previous.metadata.uid) {
      throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${String(previous.metadata.uid)}`, { name: previous.metadata.name, group: type.group, kind: type.plural });
    }
    if (resourceVersion !== undefined && resourceVersion !== previous.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in meta: ${String(previous.metadata.resourceVersion)}`, { name: previous.metadata.name, group: type.group, kind: type.plural });
    }
    const details = { name: previous.metadata.name, group: type.group, kind: type.plural, uid: previous.metadata.uid };
    if (options.dryRun) return { status: 200, body: successStatus(details), outcome: 'unchanged' };
    if (options.propagationPolicy === 'Orphan') this.orphanDependents(previous, options.manager);
    this.store.remove(type, previous.metadata.namespace, previous.metadata.name);
    return { status: 200, body: successStatus(details), outcome: 'changed' };
  }

  /** `propagationPolicy: Orphan`: dependents lose their ownerReference to `owner` instead of being collected. */
  private orphanDependents(owner: KubeObject, manager: string): void {
    const uid = owner.metadata.uid;
    for (const { type, object } of this.store.entries()) {
      const refs = object.metadata.ownerReferences ?? [];
      if (!refs.some((ref) => ref.uid === uid)) continue;
      const candidate = jsonClone(object);
      const remaining = refs.filter((ref) => ref.uid !== uid);
      if (remaining.length === 0) delete candidate.metadata.ownerReferences;
      else candidate.metadata.ownerReferences = remaining;
      recordUpdate(object, candidate, manager, { subresource: '', statusSubresource: type.statusSubresource }, apiVersionOf(type), now());
      this.store.write(type, object, candidate);
    }
  }

  deleteCollection(target: Target, matches: ObjectPredicate, options: DeleteOptions): OperationResult {
    if (target.subresource !== '') throw methodNotAllowed(`DELETE is not allowed on ${target.subresource}`);
    const { type } = target;
    const doomed = this.store.list(type, target.namespace).filter(matches);
    if (!options.dryRun) {
      for (const object of doomed) {
        if (options.propagationPolicy === 'Orphan') this.orphanDependents(object, options.manager);
        this.store.remove(type, object.metadata.namespace, object.metadata.name);
      }
    }
    const body = { apiVersion: apiVersionOf(type), kind: `${type.kind}List`, metadata: { resourceVersion: String(this.store.resourceVersion) }, items: doomed };
    return { status: 200, body, outcome: doomed.length > 0 && !options.dryRun ? 'changed' : 'unchanged' };
  }
}
