// Structural OpenAPI v3 schemas (a CRD's openAPIV3Schema) as the API server applies them to
// custom resources: pruning of unknown fields, defaulting, and validation of types,
// properties, required, items, enum, numeric, length and size bounds, patterns, maps and
// int-or-string. CEL rules are in cel-rules.ts; the structural checks of a schema itself here.
export type OpenApiSchema = { [key: string]: unknown };

export function openApiProblems(schema: OpenApiSchema, value: unknown, path = ''): string[] {
  const problems: string[] = [];
  const here = path === '' ? '.' : path;
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!(typeof value === 'string' || Number.isInteger(value))) problems.push(`${here}: must be an integer or a string`);
    return problems;
  }
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${here}: must be an object`];
      const record = value as Record<string, unknown>;
      const properties = schema.properties as Record<string, OpenApiSchema> | undefined;
      if (typeof schema.maxProperties === 'number' && Object.keys(record).length > schema.maxProperties) problems.push(`${here}: more than ${schema.maxProperties} properties`);
      for (const name of (schema.required as string[] | undefined) ?? []) {
        if (!(name in record)) problems.push(`${path}.${name}: is required`);
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
      if (!Array.isArray(value)) return [`${here}: must be an array`];
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${here}: fewer than ${schema.minItems} items`);
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) problems.push(`${here}: more than ${schema.maxItems} items`);
      value.forEach((item, index) => problems.push(...openApiProblems(schema.items as OpenApiSchema, item, `${path}[${index}]`)));
      if (schema['x-kubernetes-list-type'] === 'set' && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) {
        problems.push(`${here}: duplicate items in a set`);
      }
      const keys = schema['x-kubernetes-list-map-keys'] as string[] | undefined;
      if (keys !== undefined) {
        const seen = value.map((item) => JSON.stringify(keys.map((key) => (item as Record<string, unknown>)[key])));
        if (new Set(seen).size !== seen.length) problems.push(`${here}: duplicate map keys ${keys.join(',')}`);
      }
      return problems;
    }
    case 'string':
      if (typeof value !== 'string') return [`${here}: must be a string`];
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${here}: shorter than ${schema.minLength}`);
      if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${here}: longer than ${schema.maxLength}`);
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${here}: does not match ${schema.pattern}`);
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [`${here}: must be ${schema.type === 'integer' ? 'an integer' : 'a number'}`];
      if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${here}: below ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${here}: above ${schema.maximum}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${here}: must be a boolean`];
      break;
    default:
      problems.push(`${here}: schema without a type (not structural)`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) problems.push(`${here}: not one of ${schema.enum.join(', ')}`);
  return problems;
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
