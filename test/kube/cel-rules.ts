// The `x-kubernetes-validations` CEL rules of a structural schema, compiled against the CEL
// environment of the oldest supported Kubernetes (1.25) and evaluated with @bufbuild/cel the
// way apiextensions-apiserver does: every rule on every node of the value, `self` = that
// node with integers as CEL ints and objects as maps, on the defaulted object. Failures and
// runtime errors are reported in the real server's words ("no such key: x evaluating rule: …").
import { celEnv, celError, isCelError, parse, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import type { StatusCause } from './api-status.ts';
import { isPlainObject } from './json-values.ts';
import type { OpenApiSchema } from './openapi-schema.ts';

export interface ValidationRule {
  rule: string;
  message?: string;
}

/** The fields a validation rule may carry on Kubernetes 1.25 (and the version that added the others). */
export const RULE_FIELDS_BY_VERSION: Record<string, string> = {
  rule: '1.25',
  message: '1.25',
  messageExpression: '1.27',
  reason: '1.28',
  fieldPath: '1.28',
  optionalOldSelf: '1.30',
};
export const SUPPORTED_FROM = '1.25';

type Expr = ReturnType<typeof parse>['expr'];

/** Operators and macros of standard CEL, and the functions of the Kubernetes 1.25 CRD environment. */
const FUNCTIONS_IN_1_25 = new Set([
  // operators, as the parser names them
  '_&&_', '_||_', '_?_:_', '!_', '-_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '_*_', '_/_', '_%_', '@in', '_[_]', '@not_strictly_false',
  // standard functions
  'size', 'type', 'int', 'uint', 'double', 'bool', 'string', 'bytes', 'dyn', 'duration', 'timestamp', 'matches', 'contains', 'startsWith', 'endsWith',
  'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear', 'getFullYear', 'getHours', 'getMilliseconds', 'getMinutes', 'getMonth', 'getSeconds',
  // Kubernetes libraries of 1.25: lists, regex, urls, and the cel-go strings extension
  'isSorted', 'sum', 'min', 'max', 'indexOf', 'lastIndexOf', 'find', 'findAll',
  'url', 'isURL', 'getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath', 'getQuery',
  'charAt', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim', 'join',
]);
const TYPE_IDENTIFIERS = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type']);

function walk(expr: Expr | undefined, visit: (expr: Expr, bound: ReadonlySet<string>) => void, bound: ReadonlySet<string> = new Set()): void {
  if (expr === undefined) return;
  visit(expr, bound);
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      walk(kind.value.operand, visit, bound);
      break;
    case 'callExpr':
      walk(kind.value.target, visit, bound);
      for (const arg of kind.value.args) walk(arg, visit, bound);
      break;
    case 'listExpr':
      for (const element of kind.value.elements) walk(element, visit, bound);
      break;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value, visit, bound);
        walk(entry.value, visit, bound);
      }
      break;
    case 'comprehensionExpr': {
      const c = kind.value;
      walk(c.iterRange, visit, bound);
      walk(c.accuInit, visit, bound);
      const inner = new Set([...bound, c.iterVar, c.accuVar]);
      walk(c.loopCondition, visit, inner);
      walk(c.loopStep, visit, inner);
      walk(c.result, visit, new Set([...bound, c.accuVar]));
      break;
    }
    default:
      break;
  }
}

type Compiled = { expr: Expr; program: (bindings: { self: CelInput }) => CelResult } | { error: string };
const ENVIRONMENT = celEnv({ funcs: strings });
const compiledRules = new Map<string, Compiled>();

/** Parses and plans a rule once, or says why the server's compiler would refuse it (undeclared names, oldSelf). */
export function compileRule(rule: string): Compiled {
  let compiled = compiledRules.get(rule);
  if (compiled === undefined) {
    compiled = compile(rule);
    compiledRules.set(rule, compiled);
  }
  return compiled;
}

function compile(rule: string): Compiled {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rule);
  } catch (error) {
    return { error: `compilation failed: ERROR: <input>: Syntax error: ${(error as Error).message}` };
  }
  const problems: string[] = [];
  walk(parsed.expr, (expr, bound) => {
    const kind = expr.exprKind;
    if (kind.case === 'identExpr') {
      const name = kind.value.name;
      if (name === 'oldSelf') problems.push('transition rules (oldSelf) are not supported by this checker');
      else if (name !== 'self' && !bound.has(name) && !TYPE_IDENTIFIERS.has(name)) problems.push(`undeclared reference to '${name}' (in container '')`);
    } else if (kind.case === 'callExpr' && !FUNCTIONS_IN_1_25.has(kind.value.function)) {
      problems.push(`undeclared reference to '${kind.value.function}' (in container '')`);
    }
  });
  if (problems.length > 0) return { error: `compilation failed: ${[...new Set(problems)].map((problem) => `ERROR: <input>: ${problem}`).join('; ')}` };
  const program = plan(ENVIRONMENT, parsed);
  return {
    expr: parsed.expr,
    program: (bindings) => {
      try {
        return program(bindings);
      } catch (error) {
        return celError(error);
      }
    },
  };
}

/** A JSON value as the CEL value apiextensions binds to `self`: integers as ints, objects as maps. */
export function celValue(schema: OpenApiSchema | undefined, value: unknown): CelInput {
  if (Array.isArray(value)) return value.map((item) => celValue(schema?.items as OpenApiSchema | undefined, item));
  if (isPlainObject(value)) {
    const properties = schema?.properties as Record<string, OpenApiSchema> | undefined;
    const additional = schema?.additionalProperties as OpenApiSchema | undefined;
    return new Map(Object.entries(value).map(([key, item]) => [key, celValue(properties?.[key] ?? additional, item)]));
  }
  if (typeof value === 'number') {
    const integral = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true;
    return integral && Number.isInteger(value) ? BigInt(value) : value;
  }
  return value as CelInput;
}

/** What the server names the node's type in "Invalid value" (int-or-string has none). */
function typeName(schema: OpenApiSchema): string {
  return typeof schema.type === 'string' ? schema.type : '';
}

/** The message of a CEL runtime error, as cel-go words it. */
function celGoError(message: string): string {
  const missing = /^field not found: (.*)$/.exec(message);
  if (missing !== null) return `no such key: ${missing[1]}`;
  if (/^unbound function|^no such overload|^found no matching overload/i.test(message)) return `no such overload: ${message}`;
  return message;
}

function ruleErrorString(rule: ValidationRule): string {
  return rule.message !== undefined && rule.message.trim() !== '' ? rule.message.trim() : rule.rule.trim();
}

/** The failure of one rule on `self` (undefined when it holds). */
export function ruleFailure(rule: ValidationRule, schema: OpenApiSchema, self: unknown): string | undefined {
  const compiled = compileRule(rule.rule);
  if ('error' in compiled) return `rule compile error: ${compiled.error}`;
  const result = compiled.program({ self: celValue(schema, self) });
  if (isCelError(result)) {
    const message = celGoError(result.message);
    if (message.startsWith('no such overload')) return `'${message}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(rule)}`;
    return `${message} evaluating rule: ${ruleErrorString(rule)}`;
  }
  if (result === true) return undefined;
  return rule.message !== undefined && rule.message.trim() !== '' ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
}

function rulesOf(schema: OpenApiSchema): ValidationRule[] {
  const rules = schema['x-kubernetes-validations'];
  return Array.isArray(rules) ? rules.filter((rule): rule is ValidationRule => isPlainObject(rule) && typeof rule.rule === 'string') : [];
}

/**
 * Every rule of `schema` and its descendants run on `value` (a node at `path`), as
 * StatusCauses in the server's form: `<path>: Invalid value: "<type>": <message>`.
 * Null values are not validated, as on the server.
 */
export function celRuleProblems(schema: OpenApiSchema, value: unknown, path: string): StatusCause[] {
  if (value === null || value === undefined) return [];
  const causes: StatusCause[] = [];
  for (const rule of rulesOf(schema)) {
    const failure = ruleFailure(rule, schema, value);
    if (failure !== undefined) causes.push({ type: 'FieldValueInvalid', field: path, message: `Invalid value: "${typeName(schema)}": ${failure}` });
  }
  if (Array.isArray(value) && isPlainObject(schema.items)) {
    value.forEach((item, index) => causes.push(...celRuleProblems(schema.items as OpenApiSchema, item, `${path}[${index}]`)));
  } else if (isPlainObject(value)) {
    const properties = (schema.properties as Record<string, OpenApiSchema> | undefined) ?? {};
    for (const [key, item] of Object.entries(value)) {
      const child = properties[key];
      if (child !== undefined) causes.push(...celRuleProblems(child, item, `${path}.${key}`));
      else if (isPlainObject(schema.additionalProperties)) causes.push(...celRuleProblems(schema.additionalProperties, item, `${path}[${key}]`));
    }
  }
  return causes;
}
