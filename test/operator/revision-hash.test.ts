// A revision is the hash of the feed's Deployment pod templates ordered by name
// (operator/rollout/revision.ts). The order is by code unit, not String#localeCompare: the
// first localeCompare call makes V8 load an ICU collator, ~2.5 MB of the operator's resident
// memory for names that are plain DNS labels. The hashes stay what they were with
// localeCompare, so revisions recorded by an earlier operator are still recognised.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { podTemplateRevision } from '../../operator/rollout/revision.ts';

/** podTemplateRevision of the four Deployments below as the localeCompare ordering hashed them. */
const HASH_WITH_LOCALE_COMPARE = 'e7911740a1';

function deployment(name: string, image: string): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { template: { spec: { containers: [{ name: 'c', image }] } } } };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('podTemplateRevision', () => {
  it('orders the templates without localeCompare', () => {
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare');
    podTemplateRevision([deployment('quotes-tcp', 'b'), deployment('quotes', 'a'), deployment('quotes-2', 'c')]);
    expect(localeCompare).not.toHaveBeenCalled();
  });

  it('gives the hash it gave with localeCompare, whatever the order the objects come in', () => {
    const objects = [deployment('quotes-tcp', 'b'), deployment('quotes', 'a'), deployment('quotes-2', 'c'), deployment('quotes9', 'd')];
    const expected = podTemplateRevision(objects);
    expect(podTemplateRevision([...objects].reverse())).toBe(expected);
    expect(expected).toBe(HASH_WITH_LOCALE_COMPARE);
  });
});
