// The `labelSelector` and `fieldSelector` query parameters of list and watch, parsed into
// predicates. Label selectors: equality (`a=b`, `a==b`, `a!=b`) and set-based (`a in (x,y)`,
// `a notin (x)`, `a`, `!a`), comma = AND. Field selectors: only `metadata.name` and
// `metadata.namespace` with `=`, `==`, `!=` (what informers use).
import { badRequest } from './api-status.ts';
import type { KubeObject } from './kube-object.ts';

export type ObjectPredicate = (object: KubeObject) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

type LabelRequirement = (labels: Record<string, string>) => boolean;

function parseRequirement(term: string): LabelRequirement {
  const set = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set !== null) {
    const [, key, op, list] = set;
    const values = list.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
    return op === 'in' ? (labels) => Object.hasOwn(labels, key) && values.includes(labels[key]) : (labels) => !Object.hasOwn(labels, key) || !values.includes(labels[key]);
  }
  const inequality = /^([^\s!=(),]+)\s*!=\s*([^\s!=(),]*)$/.exec(term);
  if (inequality !== null) {
    const [, key, value] = inequality;
    return (labels) => labels[key] !== value;
  }
  const equality = /^([^\s!=(),]+)\s*==?\s*([^\s!=(),]*)$/.exec(term);
  if (equality !== null) {
    const [, key, value] = equality;
    return (labels) => Object.hasOwn(labels, key) && labels[key] === value;
  }
  const absent = /^!\s*([^\s!=(),]+)$/.exec(term);
  if (absent !== null) return (labels) => !Object.hasOwn(labels, absent[1]);
  if (/^[^\s!=(),]+$/.test(term)) return (labels) => Object.hasOwn(labels, term);
  throw badRequest(`unable to parse requirement: ${term}`);
}

export function parseLabelSelector(selector: string | null | undefined): ObjectPredicate {
  if (selector === null || selector === undefined || selector.trim() === '') return () => true;
  const requirements = splitTerms(selector).map(parseRequirement);
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => r(labels));
  };
}

export function parseFieldSelector(selector: string | null | undefined): ObjectPredicate {
  if (selector === null || selector === undefined || selector.trim() === '') return () => true;
  const checks = splitTerms(selector).map((term): ObjectPredicate => {
    const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (match === null) throw badRequest(`invalid field selector: ${term}`);
    const [, field, op, value] = match;
    let read: (o: KubeObject) => string;
    if (field === 'metadata.name') read = (o) => o.metadata.name;
    else if (field === 'metadata.namespace') read = (o) => o.metadata.namespace ?? '';
    else throw badRequest(`field label not supported: ${field}`);
    return op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
  });
  return (object) => checks.every((c) => c(object));
}
