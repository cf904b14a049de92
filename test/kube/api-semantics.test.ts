// The pure logic under the test API server, checked on its own: label/field selectors, JSON
// merge patch (RFC 7386's examples), JSON patch, the fieldsV1 encoding, and the properties
// server-side apply must have for the operator's "no write when nothing changed" to be
// testable: re-applying is a no-op, applied values win, and conflicts are exactly the fields
// another manager owns that the apply would change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-status.ts';
import { fromFieldsV1, leafPaths, readOwnerships, toFieldsV1 } from './field-sets.ts';
import { deepEqual, getAt, jsonClone } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import { applyJsonPatch, applyMergePatch } from './patches.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { recordUpdate, serverSideApply } from './server-side-apply.ts';

function labelled(labels: Record<string, string>, name = 'n', namespace = 'ns'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels } };
}

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['a=b', { a: 'b' }, true],
    ['a==b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a!=b', { a: 'c' }, true],
    ['a!=b', {}, true],
    ['a!=b', { a: 'b' }, false],
    ['a in (x, y)', { a: 'y' }, true],
    ['a in (x,y)', { a: 'z' }, false],
    ['a in (x,y)', {}, false],
    ['a notin (x,y)', { a: 'z' }, true],
    ['a notin (x,y)', {}, true],
    ['a notin (x,y)', { a: 'x' }, false],
    ['a', { a: '' }, true],
    ['a', { b: '' }, false],
    ['!a', { b: '' }, true],
    ['!a', { a: 'x' }, false],
    ['app.kubernetes.io/name=marketfeed,marketfeed.dev/feed in (f1,f2),!skip', { 'app.kubernetes.io/name': 'marketfeed', 'marketfeed.dev/feed': 'f2' }, true],
    ['app.kubernetes.io/name=marketfeed,marketfeed.dev/feed in (f1,f2),!skip', { 'app.kubernetes.io/name': 'marketfeed', 'marketfeed.dev/feed': 'f2', skip: 'y' }, false],
    ['', { any: 'thing' }, true],
  ];
  it.each(cases)('%s on %j → %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(labelled(labels))).toBe(expected);
  });

  it('rejects what it cannot parse with a 400', () => {
    expect(() => parseLabelSelector('a in x')).toThrow(ApiError);
    expect(() => parseLabelSelector('a b')).toThrow(/unable to parse/);
  });

  it('field selectors on metadata.name and metadata.namespace', () => {
    expect(parseFieldSelector('metadata.name=n')(labelled({}))).toBe(true);
    expect(parseFieldSelector('metadata.name==m')(labelled({}))).toBe(false);
    expect(parseFieldSelector('metadata.namespace!=ns')(labelled({}))).toBe(false);
    expect(parseFieldSelector('metadata.name=n,metadata.namespace=ns')(labelled({}))).toBe(true);
    expect(() => parseFieldSelector('spec.x=1')).toThrow(/not supported/);
  });
});

describe('JSON merge patch (RFC 7386 appendix A)', () => {
  const vectors: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(vectors)('%j + %j = %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('never changes its input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (target, patch) => {
        const before = structuredClone(target);
        applyMergePatch(target, patch);
        expect(target).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { a: { b: [1, 2, 3] }, c: 'x', 'd/e': 1 };
  it('add, remove, replace, move, copy, test; escaped pointers', () => {
    const result = applyJsonPatch(doc, [
      { op: 'add', path: '/a/b/1', value: 9 },
      { op: 'add', path: '/a/b/-', value: 4 },
      { op: 'remove', path: '/a/b/0' },
      { op: 'replace', path: '/c', value: 'y' },
      { op: 'move', from: '/c', path: '/m' },
      { op: 'copy', from: '/m', path: '/n' },
      { op: 'test', path: '/n', value: 'y' },
      { op: 'remove', path: '/d~1e' },
    ]);
    expect(result).toEqual({ a: { b: [9, 2, 3, 4] }, m: 'y', n: 'y' });
    expect(doc.a.b).toEqual([1, 2, 3]);
  });

  it('fails with 422 on a missing path or a failed test', () => {
    for (const ops of [[{ op: 'remove', path: '/nope' }], [{ op: 'replace', path: '/a/zz', value: 1 }], [{ op: 'test', path: '/c', value: 'no' }]]) {
      try {
        applyJsonPatch(doc, ops);
        expect.unreachable();
      } catch (error) {
        expect((error as ApiError).code).toBe(422);
      }
    }
    expect(() => applyJsonPatch(doc, { op: 'add' })).toThrow(/list of operations/);
  });
});

const key = fc.constantFrom('a', 'b', 'c', 'd');
const leaf = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y'), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }));
const tree = fc.letrec((tie) => ({
  node: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, leaf, tie('node')), { maxKeys: 3 }),
})).node;

function object(spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Thing', metadata: { name: 't', namespace: 'ns', ...(labels === undefined ? {} : { labels }) }, spec };
}

const scope = { subresource: '' as const, statusSubresource: true };

function apply(live: KubeObject | undefined, applied: KubeObject, manager = 'm', force = false) {
  return serverSideApply({ live, applied, manager, force, scope, apiVersion: 'v1', now: '2026-01-01T00:00:00Z' });
}

describe('field sets', () => {
  it('fieldsV1 round-trips the leaf paths of any object', () => {
    fc.assert(
      fc.property(tree, (spec) => {
        const paths = leafPaths(object(spec), scope);
        expect(fromFieldsV1(toFieldsV1(paths)).equals(paths)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('uses the real encoding, and reads k:/v: members as an atomic parent', () => {
    const paths = leafPaths({ ...object({ replicas: 1, template: { spec: { containers: [{ name: 'c' }] } } }, { app: 'x' }), status: { ready: 1 } }, scope);
    expect(toFieldsV1(paths)).toEqual({ 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } } });
    const read = fromFieldsV1({ 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } });
    expect([...read]).toEqual([['spec', 'containers']]);
  });
});

describe('server-side apply', () => {
  it('re-applying the same configuration changes nothing (managedFields included)', () => {
    fc.assert(
      fc.property(tree, tree, (existing, spec) => {
        const first = apply(undefined, object(existing), 'other');
        if (!first.ok) throw new Error('create cannot conflict');
        const once = apply(first.object, object(spec), 'm', true);
        if (!once.ok) throw new Error('forced apply cannot conflict');
        const twice = apply(once.object, object(spec), 'm', false);
        expect(twice.ok).toBe(true);
        if (twice.ok) expect(twice.object).toEqual(once.object);
      }),
      { numRuns: 300 },
    );
  });

  it('every applied leaf ends up with the applied value, and the applier owns exactly its applied leaves', () => {
    fc.assert(
      fc.property(tree, tree, (existing, spec) => {
        const live = apply(undefined, object(existing), 'other');
        if (!live.ok) throw new Error('create cannot conflict');
        const result = apply(live.object, object(spec), 'm', true);
        if (!result.ok) throw new Error('forced apply cannot conflict');
        const applied = leafPaths(object(spec), scope);
        for (const path of applied) {
          const value = getAt(object(spec), path);
          if (typeof value === 'object' && value !== null && !Array.isArray(value)) continue; // empty map: merged, not replaced
          expect(getAt(result.object, path)).toEqual(value);
        }
        const mine = readOwnerships(result.object).find((o) => o.manager === 'm');
        if (applied.size > 0) expect(mine?.fields.equals(applied)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('conflicts are exactly the fields another manager owns whose value the apply would change', () => {
    fc.assert(
      fc.property(tree, tree, (existing, spec) => {
        const live = apply(undefined, object(existing), 'other');
        if (!live.ok) throw new Error('create cannot conflict');
        const result = apply(live.object, object(spec), 'm', false);
        const forced = apply(live.object, object(spec), 'm', true);
        if (!forced.ok) throw new Error('forced apply cannot conflict');
        const otherFields = leafPaths(object(existing), scope);
        const changedOwned = [...otherFields].filter((p) => !deepEqual(getAt(forced.object, p), getAt(live.object, p)));
        const touched = changedOwned.filter((p) => leafPaths(object(spec), scope).overlapping(p).length > 0);
        if (touched.length === 0) expect(result.ok).toBe(true);
        else {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.conflicts.map((c) => c.path).sort()).toEqual(touched.sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaving a field out removes it only when nobody else owns it', () => {
    const first = apply(undefined, object({ a: 1, b: 2, c: 3 }));
    if (!first.ok) throw new Error('unexpected');
    const shared = apply(first.object, object({ b: 2 }), 'other');
    if (!shared.ok) throw new Error('equal values are shared, not conflicting');
    const result = apply(shared.object, object({ a: 1 }));
    if (!result.ok) throw new Error('unexpected');
    expect(result.object.spec).toEqual({ a: 1, b: 2 });
  });

  it('a non-apply write takes ownership of what it changed, and only that', () => {
    const created = apply(undefined, object({ a: 1, b: 2 }));
    if (!created.ok) throw new Error('unexpected');
    const next = jsonClone(created.object);
    (next.spec as Record<string, unknown>).b = 5;
    (next.spec as Record<string, unknown>).z = 1;
    recordUpdate(created.object, next, 'editor', scope, 'v1', '2026-01-02T00:00:00Z');
    const owners = readOwnerships(next);
    expect(owners.map((o) => [o.manager, o.operation, [...o.fields].map((p) => p.join('.')).sort()])).toEqual([
      ['m', 'Apply', ['spec.a']],
      ['editor', 'Update', ['spec.b', 'spec.z']],
    ]);
    const unchanged = jsonClone(next);
    recordUpdate(next, unchanged, 'editor', scope, 'v1', '2026-01-03T00:00:00Z');
    expect(unchanged.metadata.managedFields).toEqual(next.metadata.managedFields);
  });
});
