// Validates a synthesized object against the Kubernetes OpenAPI schema of its kind, using the
// kubernetes-models package (5.1: models generated from the Kubernetes 1.34 OpenAPI
// document; `.validate()` runs the schema of the model class for apiVersion/kind).
import * as models from 'kubernetes-models';
import type { KubeObject } from '../../../cdk8s/api/kube-object.ts';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

function groupKey(group: string): string {
  return group.replace(/\.([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The kubernetes-models class for apiVersion/kind; throws when the package has none. */
export function modelClassOf(apiVersion: string, kind: string): ModelClass {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const byGroup = models as unknown as Record<string, Record<string, unknown>>;
  const versions = group === '' ? { [version ?? '']: byGroup.v1 } : byGroup[groupKey(group ?? '')];
  const model = (versions?.[version ?? ''] as Record<string, unknown> | undefined)?.[kind];
  if (typeof model !== 'function') throw new Error(`kubernetes-models has no model for ${apiVersion} ${kind}`);
  return model as ModelClass;
}

/** Throws (with the schema's message) when `object` does not validate. */
export function validateKubernetesObject(object: KubeObject): void {
  const Model = modelClassOf(object.apiVersion, object.kind);
  new Model(object).validate();
}
