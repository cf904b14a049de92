// Structural OpenAPI v3 schemas (a CRD's openAPIV3Schema) as the API server applies them to
// custom resources: pruning of unknown fields, defaulting, and validation of types,
// properties, required, items, enum, numeric, length and size bounds, patterns, maps and
// int-or-string. CEL rules are in cel-rules.ts; the structural checks of a schema itself here.
import type { StatusCause } from './api-status.ts';

export type OpenApiSchema = { [key: string]: unknown };

/** A value as the server prints it in "Invalid value: …" (Go's %v of a JSON value, roughly). */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(Array.isArray(value) ? 'array' : 'object');
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/**
 * Everything `value` breaks in `schema`, one `<path>: <detail>` each, in the words of the API
 * server (kube-openapi's validator as apiextensions reports it), e.g.
 * `spec.rate: Invalid value: -1: spec.rate in body should be greater than or equal to 0`.
 */
export function openApiProblems(schema: OpenApiSchema, value: unknown, path = ''): string[] {
  const problems: string[] = [];
  const here = path === '' ? '.' : path;
  const typeInvalid = (type: string): string[] => [`${here}: Invalid value: ${JSON.stringify(jsonType(value))}: ${here} in body must be of type ${type}: ${JSON.stringify(jsonType(value))}`];
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!(typeof value === 'string' || Number.isInteger(value))) return typeInvalid('integer,string');
    return problems;
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return typeInvalid('object');
      const record = value as Record<string, unknown>;
      const properties = schema.properties as Record<string, OpenApiSchema> | undefined;
      const count = Object.keys(record).length;
      if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) problems.push(`${here}: Too many: ${count}: must have at most ${schema.maxProperties} items`);
      for (const name of (schema.required as string[] | undefined) ?? []) {
        if (!(name in record)) problems.push(`${path}.${name}: Required value`);
      }
      for (const [name, child] of Object.entries(record)) {
        const childSchema = properties?.[name] ?? (schema.additionalProperties as OpenApiSchema | undefined);
        if (childSchema === undefined) {
          if (properties !== undefined) problems.push(`${path}.${name}: unknown field (would be pruned)`);
          continue;
        }
        problems.push(...openApiProblems(childSchema, child, `${path}.${name}`));
      }
      return problems;
    }
    case 'array': {
      if (!Array.isArray(value)) return typeInvalid('array');
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${here}: Invalid value: ${value.length}: ${here} in body should have at least ${schema.minItems} items`);
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${here}: Too many: ${value.length}: must have at most ${schema.maxItems} items`);
      value.forEach((item, index) => problems.push(...openApiProblems(schema.items as OpenApiSchema, item, `${path}[${index}]`)));
      const duplicate = value.findIndex((item, index) => value.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) !== index);
      if (schema['x-kubernetes-list-type'] === 'set' && duplicate !== -1) problems.push(`${path}[${duplicate}]: Duplicate value: ${shown(value[duplicate])}`);
      const keys = schema['x-kubernetes-list-map-keys'] as string[] | undefined;
      if (keys !== undefined) {
        const seen = value.map((item) => JSON.stringify(keys.map((key) => (item as Record<string, unknown>)[key])));
        const repeated = seen.findIndex((key, index) => seen.indexOf(key) !== index);
        if (repeated !== -1) problems.push(`${path}[${repeated}]: Duplicate value: map[string]interface {}{${keys.map((key) => `"${key}":${shown((value[repeated] as Record<string, unknown>)[key])}`).join(', ')}}`);
      }
      return problems;
    }
    case 'string':
      if (typeof value !== 'string') return typeInvalid('string');
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${here}: Invalid value: ${shown(value)}: ${here} in body should be at least ${schema.minLength} chars long`);
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${here}: Too long: may not be longer than ${schema.maxLength}`);
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${here}: Invalid value: ${shown(value)}: ${here} in body should match '${schema.pattern}'`);
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return typeInvalid(schema.type);
      if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${here}: Invalid value: ${value}: ${here} in body should be greater than or equal to ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${here}: Invalid value: ${value}: ${here} in body should be less than or equal to ${schema.maximum}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return typeInvalid('boolean');
      break;
    default:
      problems.push(`${here}: schema without a type (not structural)`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${here}: Unsupported value: ${shown(value)}: supported values: ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`);
  return problems;
}

/** `spec.rate: Invalid value: …` as a StatusCause (field, message). */
export function problemCause(problem: string): StatusCause {
  const colon = problem.indexOf(': ');
  const message = problem.slice(colon + 2);
  const reason = /^(Invalid value|Unsupported value|Required value|Too long|Too many|Duplicate value)/.exec(message)?.[1] ?? 'Invalid value';
  const types: Record<string, string> = { 'Unsupported value': 'FieldValueNotSupported', 'Required value': 'FieldValueRequired', 'Too long': 'FieldValueTooLong', 'Too many': 'FieldValueTooMany', 'Duplicate value': 'FieldValueDuplicate' };
  return { type: types[reason] ?? 'FieldValueInvalid', field: problem.slice(0, colon), message };
}

/** Drops, in place, the fields a schema does not declare (what the server does before storing). */
export function pruneUnknownFields(schema: OpenApiSchema, value: unknown): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    if (typeof schema.items === 'object' && schema.items !== null) for (const item of value) pruneUnknownFields(schema.items as OpenApiSchema, item);
    return;
  }
  const record = value as Record<string, unknown>;
  const properties = schema.properties as Record<string, OpenApiSchema> | undefined;
  const additional = typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null ? (schema.additionalProperties as OpenApiSchema) : undefined;
  for (const [name, child] of Object.entries(record)) {
    const childSchema = properties?.[name] ?? additional;
    if (childSchema === undefined) delete record[name];
    else pruneUnknownFields(childSchema, child);
  }
}

/** Fills `default`s the way the API server does (depth-first, objects that are present). */
export function applyOpenApiDefaults(schema: OpenApiSchema, value: unknown): unknown {
  if (schema.type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = { ...(value as Record<string, unknown>) };
    for (const [name, child] of Object.entries((schema.properties as Record<string, OpenApiSchema> | undefined) ?? {})) {
      if (record[name] === undefined && child.default !== undefined) record[name] = structuredClone(child.default);
      if (record[name] !== undefined) record[name] = applyOpenApiDefaults(child, record[name]);
    }
    return record;
  }
  if (schema.type === 'array' && Array.isArray(value)) return value.map((item) => applyOpenApiDefaults(schema.items as OpenApiSchema, item));
  return value;
}

/** Every problem that makes a schema non-structural (the rules of apiextensions.k8s.io/v1). */
export function structuralProblems(schema: OpenApiSchema, path = ''): string[] {
  const problems: string[] = [];
  const here = path === '' ? '.' : path;
  for (const key of ['anyOf', 'oneOf', 'allOf', 'not', '$ref', '$id', '$schema', 'const', 'patternProperties', 'definitions']) {
    if (key in schema) problems.push(`${here}: has ${key}`);
  }
  if (schema['x-kubernetes-int-or-string'] !== true && schema['x-kubernetes-preserve-unknown-fields'] !== true && typeof schema.type !== 'string') {
    problems.push(`${here}: no type`);
  }
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) problems.push(`${here}: properties and additionalProperties together`);
  if (schema.uniqueItems === true) problems.push(`${here}: uniqueItems (use x-kubernetes-list-type: set)`);
  if (schema.type === 'array' && schema.items === undefined) problems.push(`${here}: array without items`);
  for (const [name, child] of Object.entries((schema.properties as Record<string, OpenApiSchema> | undefined) ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${name}`));
  }
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
    problems.push(...structuralProblems(schema.additionalProperties as OpenApiSchema, `${path}.*`));
  }
  if (schema.items !== undefined) problems.push(...structuralProblems(schema.items as OpenApiSchema, `${path}[]`));
  return problems;
}
