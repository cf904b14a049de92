// The static cost estimate apiextensions-apiserver makes of each CEL validation rule when a
// CRD is written, after cel-go's estimator (checker/cost.go): identifiers and field selections
// cost 1, constants 0, a list literal 10, a call 1 plus its arguments, `in` a list as many as
// the list can hold, string comparisons and `matches` by the lengths involved (factors 0.1 and
// 0.25), a comprehension its range size times its loop body. Sizes come from the schema's
// maxLength/maxItems/maxProperties; without them the server assumes what fits in a 3 MiB
// request, which is what makes unbounded rules explode. A rule's cost is multiplied by how
// many times it can run (the product of maxItems/maxProperties of the lists and maps above it).
// The server refuses a rule over 10^7 and a CRD whose rules total over 10^8.
import { parse } from '@bufbuild/cel';
import { isPlainObject } from './json-values.ts';
import type { OpenApiSchema } from './openapi-schema.ts';

export const PER_RULE_COST_LIMIT = 10_000_000;
export const PER_CRD_COST_LIMIT = 100_000_000;
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
const STRING_TRAVERSAL_FACTOR = 0.1;
const REGEX_LENGTH_FACTOR = 0.25;
const LIST_CREATE_COST = 10;
const MAP_CREATE_COST = 30;

type Expr = ReturnType<typeof parse>['expr'];

interface Estimate {
  cost: number;
  /** The schema node the expression evaluates to, when it is a part of `self`. */
  schema?: OpenApiSchema;
  /** Length of a literal string or list (1 for a scalar literal). */
  size?: number;
  stringLiteral?: boolean;
}

function minSerializedBytes(schema: OpenApiSchema | undefined): number {
  return schema?.type === 'string' || schema?.type === 'object' || schema?.type === 'array' ? 2 : 1;
}

/** The most elements, characters or entries a schema node can have in one request. */
export function maxSize(schema: OpenApiSchema | undefined): number {
  if (schema === undefined) return MAX_REQUEST_BYTES;
  // The older servers of the supported range size an int-or-string as the longest string a
  // request holds, whatever its maxLength (newer ones honour maxLength).
  if (schema['x-kubernetes-int-or-string'] === true) return MAX_REQUEST_BYTES - 2;
  if (typeof schema.maxLength === 'number') return schema.maxLength;
  if (typeof schema.maxItems === 'number') return schema.maxItems;
  if (typeof schema.maxProperties === 'number') return schema.maxProperties;
  if (schema.type === 'array') return Math.floor((MAX_REQUEST_BYTES - 2) / (minSerializedBytes(schema.items as OpenApiSchema | undefined) + 1));
  if (schema.type === 'object' && isPlainObject(schema.additionalProperties)) {
    return Math.floor((MAX_REQUEST_BYTES - 2) / (minSerializedBytes(schema.additionalProperties) + 4));
  }
  return MAX_REQUEST_BYTES - 2;
}

/**
 * The size cel-go gives an operand: a literal's length (1 for a scalar), the schema's bound
 * for a part of `self` (0 for scalars and objects), and none at all, Infinity, for the
 * result of a call: Kubernetes 1.24 (cel-go <= 0.12.4; fixed in 0.12.5) so estimates
 * `has(a) != has(b)` at 2^64 and refuses it.
 */
function sizeOf(estimate: Estimate): number {
  if (estimate.size !== undefined) return estimate.size;
  const schema = estimate.schema;
  if (schema === undefined) return Number.POSITIVE_INFINITY;
  const collection = schema.type === 'string' || schema.type === 'array' || (schema.type === 'object' && isPlainObject(schema.additionalProperties));
  return collection || schema['x-kubernetes-int-or-string'] === true ? maxSize(schema) : 0;
}

function childSchema(schema: OpenApiSchema | undefined, field: string): OpenApiSchema | undefined {
  const properties = schema?.properties as Record<string, OpenApiSchema> | undefined;
  if (properties?.[field] !== undefined) return properties[field];
  return isPlainObject(schema?.additionalProperties) ? schema.additionalProperties : undefined;
}

function isString(estimate: Estimate | undefined): boolean {
  return estimate?.stringLiteral === true || estimate?.schema?.type === 'string';
}

/** Cost of comparing two operands by walking them: a tenth of the smaller size (cel-go's equality and string order). */
function walkCost(left: Estimate, right: Estimate): number {
  return Math.ceil(STRING_TRAVERSAL_FACTOR * Math.min(sizeOf(left), sizeOf(right)));
}

/** A product where nothing times an unknown size is nothing (not NaN). */
function times(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

const ORDERINGS = new Set(['_<_', '_<=_', '_>_', '_>=_']);
const ONE_COST_FUNCTIONS = new Set([
  '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '_*_', '_/_', '_%_', '!_', '-_', '_[_]', '@not_strictly_false',
  'size', 'type', 'int', 'uint', 'double', 'bool', 'dyn',
]);
const TYPE_NAMES = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

class Coster {
  private readonly scopes = new Map<string, OpenApiSchema | undefined>();
  private readonly self: OpenApiSchema;

  constructor(self: OpenApiSchema) {
    this.self = self;
  }

  cost(expr: Expr | undefined): Estimate {
    if (expr === undefined) return { cost: 0 };
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'constExpr': {
        const constant = kind.value.constantKind;
        return constant.case === 'stringValue' ? { cost: 0, size: constant.value.length, stringLiteral: true } : { cost: 0, size: 1 };
      }
      case 'identExpr': {
        const name = kind.value.name;
        if (name === 'self') return { cost: 1, schema: this.self };
        // Kubernetes sizes any other identifier (a type name such as `int`) as `self`.
        if (TYPE_NAMES.has(name) && !this.scopes.has(name)) return { cost: 1, schema: this.self };
        return { cost: 1, schema: this.scopes.get(name) };
      }
      case 'selectExpr': {
        const operand = this.cost(kind.value.operand);
        // has(self.x) is a bool with no size; self.x is the part of self the schema describes.
        if (kind.value.testOnly) return { cost: operand.cost + 1 };
        return { cost: operand.cost + 1, schema: childSchema(operand.schema, kind.value.field) };
      }
      case 'listExpr': {
        const elements = kind.value.elements.map((element) => this.cost(element));
        return { cost: LIST_CREATE_COST + elements.reduce((sum, element) => sum + element.cost, 0), size: elements.length };
      }
      case 'structExpr': {
        const entries = kind.value.entries.map((entry) => this.cost(entry.value).cost + (entry.keyKind.case === 'mapKey' ? this.cost(entry.keyKind.value).cost : 0));
        return { cost: MAP_CREATE_COST + entries.reduce((sum, cost) => sum + cost, 0), size: entries.length };
      }
      case 'callExpr':
        return this.call(kind.value.function, kind.value.target === undefined ? undefined : this.cost(kind.value.target), kind.value.args.map((arg) => this.cost(arg)));
      case 'comprehensionExpr': {
        const c = kind.value;
        const range = this.cost(c.iterRange);
        this.scopes.set(c.iterVar, range.schema?.type === 'array' ? (range.schema.items as OpenApiSchema) : undefined);
        const loop = this.cost(c.loopCondition).cost + this.cost(c.loopStep).cost;
        this.scopes.delete(c.iterVar);
        return { cost: range.cost + this.cost(c.accuInit).cost + this.cost(c.result).cost + times(sizeOf(range), loop) };
      }
      default:
        throw new Error(`cannot estimate the cost of a ${String(kind.case)} expression`);
    }
  }

  private call(name: string, target: Estimate | undefined, args: Estimate[]): Estimate {
    const argCost = (target?.cost ?? 0) + args.reduce((sum, arg) => sum + arg.cost, 0);
    const [first, second, third] = args;
    switch (name) {
      case '_&&_':
      case '_||_':
        return { cost: argCost };
      case '_?_:_':
        return { cost: (first?.cost ?? 0) + Math.max(second?.cost ?? 0, third?.cost ?? 0) };
      case '_==_':
      case '_!=_':
        return { cost: argCost + (first === undefined || second === undefined ? 1 : walkCost(first, second)) };
      case '@in':
        return { cost: argCost + (second === undefined || second.schema?.type === 'object' ? 1 : sizeOf(second)) };
      case 'matches': {
        const text = target ?? first;
        const pattern = target === undefined ? second : first;
        const traversal = Math.ceil(STRING_TRAVERSAL_FACTOR * (text === undefined ? 0 : sizeOf(text)));
        const regex = Math.ceil(REGEX_LENGTH_FACTOR * (pattern === undefined ? 0 : sizeOf(pattern)));
        return { cost: argCost + Math.max(1, times(traversal, regex)) };
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        const lengths = (target === undefined ? 0 : sizeOf(target)) + (first === undefined ? 0 : sizeOf(first));
        return { cost: argCost + Math.max(1, Math.ceil(STRING_TRAVERSAL_FACTOR * lengths)) };
      }
      default:
        if (!ONE_COST_FUNCTIONS.has(name)) throw new Error(`cannot estimate the cost of ${name}()`);
        if (ORDERINGS.has(name) && first !== undefined && second !== undefined && isString(first) && isString(second)) return { cost: argCost + walkCost(first, second) };
        return { cost: argCost + 1 };
    }
  }
}

/** The estimated cost of one evaluation of `rule` with `self` of the given schema. */
export function estimateRuleCost(rule: string, self: OpenApiSchema): number {
  return new Coster(self).cost(parse(rule).expr).cost;
}

export interface RuleCost {
  /** JSON path of the schema node (`.spec`). */
  path: string;
  index: number;
  rule: string;
  /** One evaluation. */
  cost: number;
  /** How many times the rule can run on one object. */
  cardinality: number;
  /** cost * cardinality: what the server compares with PER_RULE_COST_LIMIT. */
  total: number;
}

/** Every rule under `schema` with its estimated cost, as the server estimates it on CRD writes. */
export function ruleCosts(schema: OpenApiSchema, path = '', cardinality = 1): RuleCost[] {
  const costs: RuleCost[] = [];
  const rules = Array.isArray(schema['x-kubernetes-validations']) ? (schema['x-kubernetes-validations'] as { rule?: unknown }[]) : [];
  rules.forEach((entry, index) => {
    if (typeof entry.rule !== 'string') return;
    const cost = estimateRuleCost(entry.rule, schema);
    costs.push({ path: path === '' ? '.' : path, index, rule: entry.rule, cost, cardinality, total: cost * cardinality });
  });
  for (const [name, child] of Object.entries((schema.properties as Record<string, OpenApiSchema> | undefined) ?? {})) costs.push(...ruleCosts(child, `${path}.${name}`, cardinality));
  if (isPlainObject(schema.items)) costs.push(...ruleCosts(schema.items, `${path}[*]`, cardinality * maxSize(schema)));
  if (isPlainObject(schema.additionalProperties)) costs.push(...ruleCosts(schema.additionalProperties, `${path}[*]`, cardinality * maxSize(schema)));
  return costs;
}

/** The server's words for a cost over its limit. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const shown = factor > 100 ? 'more than 100x' : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return `${costName} exceeds budget by factor of ${shown} (try simplifying the rule(s), or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)`;
}

/** Strings, lists and maps without a bound (what makes rule costs unbounded), as JSON paths. */
export function unboundedNodes(schema: OpenApiSchema, path = ''): string[] {
  const found: string[] = [];
  const here = path === '' ? '.' : path;
  if (schema.type === 'string' && typeof schema.maxLength !== 'number') found.push(`${here} (string without maxLength)`);
  if (schema.type === 'array' && typeof schema.maxItems !== 'number') found.push(`${here} (list without maxItems)`);
  if (schema.type === 'object' && isPlainObject(schema.additionalProperties) && typeof schema.maxProperties !== 'number') found.push(`${here} (map without maxProperties)`);
  for (const [name, child] of Object.entries((schema.properties as Record<string, OpenApiSchema> | undefined) ?? {})) found.push(...unboundedNodes(child, `${path}.${name}`));
  if (isPlainObject(schema.items)) found.push(...unboundedNodes(schema.items, `${path}[*]`));
  if (isPlainObject(schema.additionalProperties)) found.push(...unboundedNodes(schema.additionalProperties, `${path}[*]`));
  return found;
}
