// What apiextensions-apiserver checks when a CustomResourceDefinition is written, for the parts
// a CRD generator can get wrong, judged for the oldest Kubernetes the project supports (1.25):
// the schema is structural; every validation rule compiles in the 1.25 CEL environment and
// uses only the fields 1.25 knows (no fieldPath, reason, messageExpression, optionalOldSelf);
// each rule's estimated cost times its cardinality stays under 10^7 and all of them under
// 10^8; and every `default` is valid as written, by the schema and by the CEL rules of its
// node and below (the server runs them on the raw default, not on a defaulted one).
import type { StatusCause } from './api-status.ts';
import { celRuleProblems, compileRule, RULE_FIELDS_BY_VERSION, SUPPORTED_FROM } from './cel-rules.ts';
import { costErrorMessage, PER_CRD_COST_LIMIT, PER_RULE_COST_LIMIT, ruleCosts } from './cel-cost.ts';
import { isPlainObject } from './json-values.ts';
import { openApiProblems, problemCause, structuralProblems, type OpenApiSchema } from './openapi-schema.ts';

function versionAtLeast(version: string, floor: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [floorMajor = 0, floorMinor = 0] = floor.split('.').map(Number);
  return major > floorMajor || (major === floorMajor && minor >= floorMinor);
}

interface SchemaNode {
  schema: OpenApiSchema;
  /** The server's path of the node, `spec.versions[0].schema.openAPIV3Schema.properties[spec]`. */
  path: string;
  /** JSON path of the values it describes (`.spec`), as ruleCosts names them. */
  jsonPath: string;
}

function nodes(schema: OpenApiSchema, path: string, jsonPath = ''): SchemaNode[] {
  const found: SchemaNode[] = [{ schema, path, jsonPath: jsonPath === '' ? '.' : jsonPath }];
  for (const [name, child] of Object.entries((schema.properties as Record<string, OpenApiSchema> | undefined) ?? {})) {
    found.push(...nodes(child, `${path}.properties[${name}]`, `${jsonPath}.${name}`));
  }
  if (isPlainObject(schema.items)) found.push(...nodes(schema.items, `${path}.items`, `${jsonPath}[*]`));
  if (isPlainObject(schema.additionalProperties)) found.push(...nodes(schema.additionalProperties, `${path}.additionalProperties`, `${jsonPath}[*]`));
  return found;
}

function ruleProblems(node: SchemaNode): StatusCause[] {
  const causes: StatusCause[] = [];
  const rules = node.schema['x-kubernetes-validations'];
  if (rules === undefined) return causes;
  if (!Array.isArray(rules)) return [{ type: 'FieldValueInvalid', field: `${node.path}.x-kubernetes-validations`, message: 'Invalid value: must be a list' }];
  rules.forEach((rule: unknown, index) => {
    const field = `${node.path}.x-kubernetes-validations[${index}]`;
    if (!isPlainObject(rule) || typeof rule.rule !== 'string') {
      causes.push({ type: 'FieldValueRequired', field: `${field}.rule`, message: 'Required value' });
      return;
    }
    for (const key of Object.keys(rule)) {
      const since = RULE_FIELDS_BY_VERSION[key];
      if (since === undefined) causes.push({ type: 'FieldValueForbidden', field: `${field}.${key}`, message: `Forbidden: unknown field "${key}"` });
      else if (!versionAtLeast(SUPPORTED_FROM, since)) {
        causes.push({ type: 'FieldValueForbidden', field: `${field}.${key}`, message: `Forbidden: ${key} needs Kubernetes ${since} or later; the supported range starts at ${SUPPORTED_FROM}` });
      }
    }
    if (rule.message !== undefined && (typeof rule.message !== 'string' || rule.message.trim() === '')) {
      causes.push({ type: 'FieldValueRequired', field: `${field}.message`, message: 'Required value: message must be non-empty if specified' });
    } else if (typeof rule.message === 'string' && /\n/.test(rule.message)) {
      causes.push({ type: 'FieldValueInvalid', field: `${field}.message`, message: `Invalid value: ${JSON.stringify(rule.message)}: message must not contain line breaks` });
    }
    const compiled = compileRule(rule.rule);
    if ('error' in compiled) causes.push({ type: 'FieldValueInvalid', field: `${field}.rule`, message: `Invalid value: ${JSON.stringify(rule.rule)}: ${compiled.error}` });
  });
  return causes;
}

function defaultProblems(node: SchemaNode): StatusCause[] {
  if (node.schema.default === undefined || node.path.endsWith('.additionalProperties')) return [];
  const field = `${node.path}.default`;
  const schemaCauses = openApiProblems(node.schema, node.schema.default, field).map(problemCause);
  if (schemaCauses.length > 0) return schemaCauses;
  return celRuleProblems(node.schema, node.schema.default, field);
}

function costProblems(schema: OpenApiSchema, root: string, byJsonPath: Map<string, string>): StatusCause[] {
  const causes: StatusCause[] = [];
  let costs;
  try {
    costs = ruleCosts(schema);
  } catch (error) {
    return [{ type: 'FieldValueInvalid', field: root, message: `Invalid value: ${(error as Error).message}` }];
  }
  let total = 0;
  for (const cost of costs) {
    total += cost.total;
    if (cost.total > PER_RULE_COST_LIMIT) {
      causes.push({ type: 'FieldValueForbidden', field: `${byJsonPath.get(cost.path) ?? root}.x-kubernetes-validations[${cost.index}].rule`, message: `Forbidden: ${costErrorMessage('estimated rule cost', cost.total, PER_RULE_COST_LIMIT)}` });
    }
  }
  if (total > PER_CRD_COST_LIMIT) {
    causes.push({ type: 'FieldValueForbidden', field: root, message: `Forbidden: ${costErrorMessage('x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema', total, PER_CRD_COST_LIMIT)}` });
  }
  return causes;
}

/** Everything the server would refuse in a CRD object, as StatusCauses ([] when it is accepted). */
export function crdProblems(crd: object & { spec?: unknown }): StatusCause[] {
  const spec = crd.spec;
  if (!isPlainObject(spec) || !Array.isArray(spec.versions)) return [{ type: 'FieldValueRequired', field: 'spec.versions', message: 'Required value' }];
  const causes: StatusCause[] = [];
  const schemas = spec.versions.map((version: unknown) => (isPlainObject(version) && isPlainObject(version.schema) ? version.schema.openAPIV3Schema : undefined));
  // The server holds one schema shared by every version at spec.validation, and names it so.
  const shared = schemas.every((schema) => JSON.stringify(schema) === JSON.stringify(schemas[0]));
  schemas.forEach((schema: unknown, index) => {
    if (shared && index > 0) return;
    const root = shared ? 'spec.validation.openAPIV3Schema' : `spec.versions[${index}].schema.openAPIV3Schema`;
    if (!isPlainObject(schema)) {
      causes.push({ type: 'FieldValueRequired', field: root, message: 'Required value: schemas are required' });
      return;
    }
    for (const problem of structuralProblems(schema)) causes.push({ type: 'FieldValueForbidden', field: root, message: `Forbidden: not structural: ${problem}` });
    const all = nodes(schema, root);
    const compileCauses = all.flatMap(ruleProblems);
    causes.push(...compileCauses);
    if (!compileCauses.some((cause) => cause.field?.endsWith('.rule') === true)) causes.push(...costProblems(schema, root, new Map(all.map((node) => [node.jsonPath, node.path]))));
    for (const node of all) causes.push(...defaultProblems(node));
  });
  return causes;
}
