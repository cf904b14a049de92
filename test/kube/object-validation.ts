// The checks the real server makes on every object that the operator could plausibly get
// wrong: names (DNS-1123 subdomain; DNS label for Services and Namespaces), label keys and
// values, and apiVersion/kind/namespace matching the URL. Schema validation (OpenAPI, CEL)
// of custom resources and CRDs is custom-resource-admission.ts.
import { ApiError, badRequest, invalid, type StatusCause } from './api-status.ts';
import { isPlainObject } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import { apiVersionOf, type ResourceType } from './resource-registry.ts';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_LABEL_KINDS = new Set(['/Service', '/Namespace']);

function nameProblems(type: ResourceType, name: string): string[] {
  if (DNS_LABEL_KINDS.has(`${type.group}/${type.kind}`)) {
    if (name.length > 63 || !DNS_LABEL.test(name)) return [`a DNS-1123 label must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 63 characters (got "${name}")`];
    return [];
  }
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) return [`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (got "${name}")`];
  return [];
}

function labelKeyProblems(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  const problems: string[] = [];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) problems.push(`prefix of "${key}" must be a DNS subdomain`);
  if (name.length > 63 || !LABEL_NAME.test(name)) problems.push(`name part of "${key}" must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and ending alphanumeric`);
  return problems;
}

/** 422 Invalid when the object's name or labels would be refused by a real server. */
export function validateObject(type: ResourceType, object: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = object.metadata.name;
  if (typeof name !== 'string' || name === '') causes.push({ type: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else for (const message of nameProblems(type, name)) causes.push({ type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": ${message}` });
  const labels = object.metadata.labels;
  if (labels !== undefined && labels !== null) {
    if (!isPlainObject(labels)) causes.push({ type: 'FieldValueInvalid', field: 'metadata.labels', message: 'must be a map of strings' });
    else
      for (const [key, value] of Object.entries(labels)) {
        for (const message of labelKeyProblems(key)) causes.push({ type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${key}": ${message}` });
        if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) causes.push({ type: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${String(value)}": a valid label value must be 63 characters or less, empty or alphanumeric with '-', '_' or '.' inside` });
      }
  }
  const annotations = object.metadata.annotations;
  if (annotations !== undefined && annotations !== null && isPlainObject(annotations)) {
    for (const [key, value] of Object.entries(annotations)) {
      if (typeof value !== 'string') causes.push({ type: 'FieldValueInvalid', field: `metadata.annotations`, message: `Invalid value: annotation "${key}" must be a string` });
    }
  }
  if (causes.length > 0) throw invalid(type.kind, type.group, typeof name === 'string' ? name : '', causes);
}

/** The body must be an object of this resource's apiVersion/kind (when it says) in the URL's namespace. */
export function checkBodyMatchesUrl(type: ResourceType, body: unknown, namespace: string | undefined, requireTypeMeta: boolean): KubeObject {
  if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
  const object = body as unknown as KubeObject;
  const apiVersion = apiVersionOf(type);
  if (requireTypeMeta && (typeof object.apiVersion !== 'string' || object.apiVersion === '')) throw badRequest('apiVersion must be set');
  if (requireTypeMeta && (typeof object.kind !== 'string' || object.kind === '')) throw badRequest('kind must be set');
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`);
  if (object.kind !== undefined && object.kind !== type.kind) throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${type.kind})`);
  if (!isPlainObject(object.metadata)) object.metadata = { name: '' };
  const bodyNamespace = object.metadata.namespace;
  if (type.namespaced) {
    if (bodyNamespace !== undefined && bodyNamespace !== '' && bodyNamespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    object.metadata.namespace = namespace;
  } else {
    delete object.metadata.namespace;
  }
  return object;
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}
