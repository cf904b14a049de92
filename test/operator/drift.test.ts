// "No write when nothing changed" rests on these: a live object that holds everything we
// set (plus whatever the server or others added) needs no apply; any field of ours that
// differs, or a hash that says we would now apply something else, does. Properties over
// random JSON, and the cases a real API server produces (defaults, dropped empty lists,
// normalized quantities, list items without apiVersion/kind).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { desiredObjects } from '../../cdk8s/feed/desired-objects.ts';
import { APPLIED_HASH_ANNOTATION, appliedHash, canonicalJson, covers, needsApply, sameJson, withAppliedHash } from '../../operator/reconcile/drift.ts';
import { becameStatus, kubeTime, setCondition } from '../../operator/reconcile/conditions.ts';

const jsonArb = fc.jsonValue({ maxDepth: 4 });
const objectArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), jsonArb, { maxKeys: 6 });

/** Adds fields to every object inside `value` (what server defaults look like). */
function withExtras(value: unknown, extra: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => withExtras(item, extra));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = { __extra: extra };
    // defineProperty: a "__proto__" key (fast-check makes them) must stay an own field, not a prototype.
    for (const [key, child] of Object.entries(value)) Object.defineProperty(copy, key, { value: withExtras(child, extra), enumerable: true, writable: true, configurable: true });
    return copy;
  }
  return value;
}

function deployment(): KubeObject {
  const [, feedDeployment] = desiredObjects({ apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', metadata: { name: 'd', namespace: 'ns', uid: 'u', generation: 1 }, spec: {} as never });
  return withAppliedHash({ ...feedDeployment, metadata: { ...feedDeployment.metadata, ownerReferences: [{ apiVersion: 'marketfeed.dev/v1alpha1', kind: 'MarketFeed', name: 'd', uid: 'u', controller: true, blockOwnerDeletion: true }] } });
}

describe('covers', () => {
  it('every value covers itself, and a copy with extra fields', () => {
    fc.assert(
      fc.property(jsonArb, jsonArb, (value, extra) => {
        expect(covers(value, structuredClone(value))).toBe(true);
        expect(covers(value, withExtras(value, extra))).toBe(true);
      }),
    );
  });

  it('a changed or removed field of ours is not covered', () => {
    const emptyish = (v: unknown): boolean => v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
    fc.assert(
      fc.property(objectArb.filter((o) => Object.keys(o).length > 0), fc.nat(), fc.oneof(fc.string(), fc.integer(), fc.boolean()), (desired, pick, value) => {
        const keys = Object.keys(desired);
        const key = keys[pick % keys.length];
        const { [key]: _removed, ...without } = desired;
        if (!emptyish(desired[key])) expect(covers(desired, without)).toBe(false);
        if (canonicalJson(desired[key]) !== canonicalJson(value)) {
          expect(covers(desired, { ...desired, [key]: value })).toBe(false);
        }
      }),
    );
  });

  it('compares quantities by value, and empty lists and maps with absent ones', () => {
    expect(covers({ resources: { limits: { cpu: '1', memory: '1Gi' } } }, { resources: { limits: { cpu: '1000m', memory: '1024Mi' } } })).toBe(true);
    expect(covers({ resources: { limits: { cpu: 2 } } }, { resources: { limits: { cpu: '2' } } })).toBe(true);
    expect(covers({ resources: { limits: { cpu: '1' } } }, { resources: { limits: { cpu: '2' } } })).toBe(false);
    expect(covers({ emptyDir: { sizeLimit: '64Mi' } }, { emptyDir: { sizeLimit: '67108864' } })).toBe(true);
    // Not a quantity field: text compares as text.
    expect(covers({ data: { size: '1Gi' } }, { data: { size: '1024Mi' } })).toBe(false);
    expect(covers({ spec: { externalIPs: [], selector: {} } }, { spec: {} })).toBe(true);
    expect(covers({ list: [1, 2] }, { list: [1, 2, 3] })).toBe(false);
  });
});

describe('sameJson', () => {
  it('agrees with comparing canonical JSON', () => {
    fc.assert(
      fc.property(jsonArb, jsonArb, (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(sameJson(a, structuredClone(a))).toBe(true);
      }),
    );
  });
});

describe('needsApply', () => {
  it('is false for the object as the server stores it: defaults added, kind and apiVersion missing in lists', () => {
    const desired = deployment();
    const { apiVersion: _a, kind: _k, ...listed } = structuredClone(desired);
    const live = withExtras(listed, 'server default') as KubeObject;
    live.metadata = { ...live.metadata, uid: 'x', resourceVersion: '7', generation: 1, managedFields: [] };
    expect(needsApply(desired, live)).toBe(false);
    expect(needsApply(desired, undefined)).toBe(true);
    expect(needsApply(desired, { ...live, metadata: { ...live.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } })).toBe(true);
  });

  it('is true when the hash says we would apply something else (a field we stopped setting)', () => {
    const desired = deployment();
    const live = structuredClone(desired);
    const previous = structuredClone(desired);
    (previous.metadata.labels ??= {}).dropped = 'yes';
    live.metadata.annotations = { ...live.metadata.annotations, [APPLIED_HASH_ANNOTATION]: appliedHash(previous) };
    live.metadata.labels = { ...live.metadata.labels, dropped: 'yes' };
    expect(needsApply(desired, live)).toBe(true);
  });

  it('the hash ignores key order and the hash annotation itself', () => {
    fc.assert(
      fc.property(objectArb, (fields) => {
        const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: fields };
        const reversed: KubeObject = { data: Object.fromEntries(Object.entries(fields).reverse()), metadata: { name: 'x' }, kind: 'ConfigMap', apiVersion: 'v1' };
        expect(appliedHash(object)).toBe(appliedHash(reversed));
        expect(appliedHash(withAppliedHash(object))).toBe(appliedHash(object));
      }),
    );
  });
});

describe('conditions', () => {
  it('moves lastTransitionTime only when the status flips', () => {
    let list = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'PodsNotReady', message: '0/1' }, 't1');
    list = setCondition(list, { type: 'Ready', status: 'False', reason: 'PodsNotReady', message: '0/2' }, 't2');
    expect(list).toEqual([{ type: 'Ready', status: 'False', reason: 'PodsNotReady', message: '0/2', lastTransitionTime: 't1' }]);
    const flipped = setCondition(list, { type: 'Ready', status: 'True', reason: 'Available', message: 'ok', observedGeneration: 3 }, 't3');
    expect(flipped[0]).toMatchObject({ status: 'True', lastTransitionTime: 't3', observedGeneration: 3 });
    expect(becameStatus(list, flipped, 'Ready', 'True')).toBe(true);
    expect(becameStatus(flipped, flipped, 'Ready', 'True')).toBe(false);
    expect(list[0].lastTransitionTime).toBe('t1'); // input untouched
  });

  it('keeps one condition per type, in order, whatever the sequence of updates', () => {
    const updateArb = fc.record({ type: fc.constantFrom('Ready', 'Progressing', 'Degraded' as const), status: fc.constantFrom('True', 'False', 'Unknown' as const), reason: fc.constantFrom('A', 'B') });
    fc.assert(
      fc.property(fc.array(updateArb, { maxLength: 30 }), (updates) => {
        let list = setCondition(undefined, { type: 'Ready', status: 'Unknown', reason: 'Start', message: '' }, 't0');
        updates.forEach((update, index) => {
          const before = list.find((c) => c.type === update.type);
          list = setCondition(list, { ...update, message: '' }, `t${index + 1}`);
          const after = list.find((c) => c.type === update.type)!;
          expect(after.lastTransitionTime).toBe(before !== undefined && before.status === update.status ? before.lastTransitionTime : `t${index + 1}`);
        });
        expect(new Set(list.map((c) => c.type)).size).toBe(list.length);
        expect(list[0].type).toBe('Ready');
      }),
    );
  });

  it('writes metav1.Time', () => {
    expect(kubeTime(new Date('2024-05-06T07:08:09.123Z'))).toBe('2024-05-06T07:08:09Z');
  });
});
