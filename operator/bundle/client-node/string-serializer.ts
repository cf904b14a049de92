// In the operator bundle, client-node's ListWatch (dist/cache.js) gets this ObjectSerializer
// instead of the generated one, which imports all ~800 model classes. ListWatch calls it for
// one thing only: `serialize(labelSelector | fieldSelector, 'string')`, which the generated
// serializer answers with the value itself (a primitive type). Any other use is not the
// operator's and fails loudly.
export const ObjectSerializer = {
  serialize(data: unknown, type: string): unknown {
    if (type !== 'string') throw new Error(`the operator bundle's ObjectSerializer serializes strings only, not ${type}`);
    return data;
  },
};
