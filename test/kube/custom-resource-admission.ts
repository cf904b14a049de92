// Schema admission as the real server does it on every write: a CustomResourceDefinition must
// be one the server accepts (crd-validation.ts), and a custom resource of a CRD-served type is
// pruned of unknown fields, defaulted, then validated against the openAPIV3Schema and its CEL
// rules; failures are 422 Invalid in the server's words, e.g.
// `MarketFeed.marketfeed.dev "x" is invalid: spec: Invalid value: "object": <message>`.
import { invalid, type StatusCause } from './api-status.ts';
import { celRuleProblems } from './cel-rules.ts';
import { crdProblems } from './crd-validation.ts';
import { isPlainObject } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import { applyOpenApiDefaults, openApiProblems, problemCause, pruneUnknownFields, type OpenApiSchema } from './openapi-schema.ts';
import type { ResourceType } from './resource-registry.ts';

/** Root fields the schema does not govern (ObjectMeta and TypeMeta are the server's own). */
const TYPE_AND_OBJECT_META = new Set(['apiVersion', 'kind', 'metadata']);

function schemaCauses(schema: OpenApiSchema, object: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const properties = (schema.properties as Record<string, OpenApiSchema> | undefined) ?? {};
  for (const [name, child] of Object.entries(properties)) {
    if (TYPE_AND_OBJECT_META.has(name)) continue;
    const value = object[name];
    if (value === undefined) continue;
    for (const problem of openApiProblems(child, value, name)) causes.push(problemCause(problem));
  }
  return causes;
}

/** Prunes and defaults `object` in place, then throws 422 if the schema or a CEL rule refuses it. */
export function admitCustomResource(type: ResourceType, object: KubeObject): void {
  if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') {
    const causes = crdProblems(object);
    if (causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name, causes);
    return;
  }
  const schema = type.schema;
  if (schema === undefined) return;
  const properties = (schema.properties as Record<string, OpenApiSchema> | undefined) ?? {};
  const record = object as unknown as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (TYPE_AND_OBJECT_META.has(name)) continue;
    const child = properties[name];
    if (child === undefined) delete record[name];
    else pruneUnknownFields(child, record[name]);
  }
  const defaulted = applyOpenApiDefaults({ ...schema, properties: Object.fromEntries(Object.entries(properties).filter(([name]) => !TYPE_AND_OBJECT_META.has(name))) }, record);
  if (isPlainObject(defaulted)) Object.assign(record, defaulted);
  const causes = schemaCauses(schema, object);
  if (causes.length === 0) {
    for (const [name, child] of Object.entries(properties)) {
      if (!TYPE_AND_OBJECT_META.has(name)) causes.push(...celRuleProblems(child, record[name], name));
    }
  }
  if (causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name, causes);
}
