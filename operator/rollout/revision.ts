// A revision of a feed is what its pods run: a hash of the pod templates of its Deployments
// (image, args, resources, env, annotations — the ConfigMap's content among them, through
// the config-hash annotation). A revision that became ready is kept as a ControllerRevision
// (apps/v1, as StatefulSets and DaemonSets keep theirs), owned by the MarketFeed so that it
// goes with it, holding every object the operator applied for that revision: what a
// rollback restores. Each pod template carries a label with the hash of that template, so
// that the pods of a revision can be told from those of another (live health judges a
// revision on its own pods); a template's label changes only with the template, so a change
// to one Deployment replaces no pod of the other.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { LABEL_COMPONENT, LABEL_FEED, LABEL_MANAGED_BY, labelValue, MANAGED_BY } from '../../cdk8s/feed/feed-names.ts';
import type { ResourceType } from '../kube/resource-types.ts';
import { canonicalJson } from '../reconcile/drift.ts';

export const CONTROLLER_REVISION: ResourceType = { group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true };
export const LABEL_REVISION = 'marketfeed.dev/revision';
/** On every pod template (so on every pod) of a feed's Deployments: the hash of that template. */
export const LABEL_POD_TEMPLATE = 'marketfeed.dev/pod-template';
/** Hex digits of a revision: 40 bits, as many as a pod-template-hash carries. */
const REVISION_HEX = 10;
const NAME_MAX = 253;

interface DeploymentLike {
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
}

function isDeployment(object: KubeObject): boolean {
  return object.apiVersion === 'apps/v1' && object.kind === 'Deployment';
}

/** Revisions of the reconciler's cached syntheses (the same array until the spec changes). */
const revisions = new WeakMap<readonly KubeObject[], string>();

/** The revision of a set of desired objects: the hash of their Deployments' pod templates, by name. */
export function podTemplateRevision(objects: readonly KubeObject[]): string {
  let revision = revisions.get(objects);
  if (revision === undefined) {
    revision = hashPodTemplates(objects);
    revisions.set(objects, revision);
  }
  return revision;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, REVISION_HEX);
}

/** A Deployment whose pod template is labelled with the hash of the template (without that label); other objects as they are. */
export function withPodTemplateLabel(object: KubeObject): KubeObject {
  const spec = (object as DeploymentLike).spec;
  if (!isDeployment(object) || spec?.template === undefined) return object;
  const { [LABEL_POD_TEMPLATE]: _previous, ...labels } = spec.template.metadata?.labels ?? {};
  const template = { ...spec.template, metadata: { ...spec.template.metadata, labels } };
  const labelled = { ...template, metadata: { ...template.metadata, labels: { ...labels, [LABEL_POD_TEMPLATE]: hashOf(template) } } };
  return { ...object, spec: { ...spec, template: labelled } };
}

/** The pods a revision runs: per Deployment, the component its pods are labelled with, their template label and how many. */
export interface RevisionPods {
  component: string;
  templateHash: string;
  replicas: number;
}

export function revisionPods(objects: readonly KubeObject[]): RevisionPods[] {
  return objects.filter(isDeployment).map((object) => {
    const spec = (object as DeploymentLike).spec;
    const labels = spec?.template?.metadata?.labels ?? {};
    return { component: labels[LABEL_COMPONENT] ?? '', templateHash: labels[LABEL_POD_TEMPLATE] ?? '', replicas: spec?.replicas ?? 1 };
  });
}

function hashPodTemplates(objects: readonly KubeObject[]): string {
  const templates = objects
    .filter(isDeployment)
    .map((object) => ({ name: object.metadata.name, template: (object as DeploymentLike).spec?.template ?? null }))
    // By code unit, not localeCompare: the same order for these DNS names, and no ICU collator loaded (~2.5 MB of RSS).
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return hashOf(templates);
}

/** `<feed>-<revision>`, the feed name shortened to fit a name (StatefulSet's scheme). */
export function controllerRevisionName(feedName: string, revision: string): string {
  return `${feedName.slice(0, NAME_MAX - revision.length - 1)}-${revision}`;
}

export interface RevisionData {
  /** The objects applied for the revision (ownerReferences and hash annotations included). */
  objects: KubeObject[];
}

/** The ControllerRevision that keeps `objects`; `number` is the spec generation that produced them. */
export function controllerRevision(feedName: string, namespace: string, revision: string, number: number, objects: KubeObject[]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(feedName, revision),
      namespace,
      labels: { [LABEL_FEED]: labelValue(feedName), [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_REVISION]: revision },
      ownerReferences: objects[0]?.metadata.ownerReferences ?? [],
    },
    data: { objects } satisfies RevisionData,
    revision: number,
  };
}

/** The objects a ControllerRevision keeps, or undefined when it holds something else. */
export function revisionObjects(stored: KubeObject): KubeObject[] | undefined {
  const objects = (stored.data as Partial<RevisionData> | undefined)?.objects;
  return Array.isArray(objects) ? objects : undefined;
}

/**
 * The last good revision's objects as they are applied now: its pod templates (and every
 * other field), but the replicas the current spec asks for, so that scaling and pausing still
 * work while a feed is rolled back.
 */
export function withCurrentReplicas(restored: readonly KubeObject[], desired: readonly KubeObject[]): KubeObject[] {
  return restored.map((object) => {
    if (!isDeployment(object)) return object;
    const current = desired.find((candidate) => isDeployment(candidate) && candidate.metadata.name === object.metadata.name) as DeploymentLike | undefined;
    const replicas = current?.spec?.replicas;
    if (replicas === undefined) return object;
    return { ...object, spec: { ...(object as DeploymentLike).spec, replicas } };
  });
}
