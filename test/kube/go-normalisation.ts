// What decoding a write into the Go structs and encoding it back does to a built-in object,
// for the kinds in go-types.ts (a real API server stores only what survives this round trip):
// - a non-pointer `omitempty` field holding its zero value (0, false, "") or an empty list or
//   map is dropped: `minReadySeconds: 0`, `hostNetwork: false`, `externalIPs: []` vanish;
// - a pointer field keeps its zero value (`replicas: 0`, `automountServiceAccountToken: false`,
//   `maxSurge: 0`), and a struct is never omitted (`resources: {}` stays);
// - `null` is the zero value: the field goes;
// - a non-pointer zero is unset to the defaulting in between (`targetPort: 0` → the port);
// - an absent non-omitempty scalar comes back as its zero (`divisor: "0"`), an absent
//   non-pointer struct as `{}` (`podSelector: {}`: encoding/json never omits a struct);
// - quantities take their canonical form (`1000m` → `1`, `1024Mi` → `1Gi`).
// List elements and map entries are values, never dropped. Fields go-types.ts does not
// declare are left as they are; absent non-omitempty lists and maps stay absent (the real
// server writes `null` for them).
import { canonicalQuantity } from '../../cdk8s/api/quantity.ts';
import { GO_TYPES, KIND_TYPES, type GoField } from './go-types.ts';
import { isPlainObject } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import type { ResourceType } from './resource-registry.ts';

const SCALAR_ZERO: Record<string, unknown> = { int32: 0, int64: 0, bool: false, string: '', IntOrString: 0, Quantity: '0' };

const flattened = new Map<string, GoField[]>();

/** The json fields of a struct, embedded (inline) structs flattened into it. */
function fieldsOf(typeName: string): GoField[] {
  let fields = flattened.get(typeName);
  if (fields === undefined) {
    fields = (GO_TYPES.get(typeName) ?? []).flatMap((field) => (field.json === '' ? fieldsOf(field.type) : [field]));
    flattened.set(typeName, fields);
  }
  return fields;
}

/** A value Go cannot tell from an absent non-pointer field (structs aside: they stay as given). */
function isGoZero(type: string, value: unknown): boolean {
  if (type === 'IntOrString') return value === 0 || value === '';
  if (type in SCALAR_ZERO) return value === SCALAR_ZERO[type];
  if (type.startsWith('[]')) return Array.isArray(value) && value.length === 0;
  if (type.startsWith('map[')) return isPlainObject(value) && Object.keys(value).length === 0;
  return false;
}

/** What `omitempty` leaves out: zero scalars, empty lists and maps; never a struct (IntOrString and Quantity are structs). */
function isOmitted(type: string, value: unknown): boolean {
  return type !== 'IntOrString' && type !== 'Quantity' && isGoZero(type, value);
}

type Phase = 'decode' | 'encode';

function normaliseValue(type: string, value: unknown, phase: Phase): unknown {
  if (type === 'Quantity') return canonicalQuantity(value) ?? value;
  if (type.startsWith('[]')) return Array.isArray(value) ? value.map((item) => normaliseValue(type.slice(2), item, phase)) : value;
  const map = /^map\[string\](.+)$/.exec(type);
  if (map !== null) {
    if (!isPlainObject(value)) return value;
    for (const key of Object.keys(value)) value[key] = normaliseValue(map[1], value[key], phase);
    return value;
  }
  if (GO_TYPES.has(type) && isPlainObject(value)) normaliseStruct(type, value, phase);
  return value;
}

/**
 * decode: a non-pointer field holding its zero value is as good as absent (so defaulting sees
 * it as unset: `targetPort: 0` becomes the port). encode: `omitempty` zeros are left out; an
 * absent non-omitempty scalar is written as its zero (`value: ""` of an HTTP header,
 * `divisor: "0"`) and an absent non-pointer struct as an empty one (`podSelector: {}`);
 * absent lists and maps stay absent (Go writes `null` for them).
 */
function normaliseStruct(typeName: string, object: Record<string, unknown>, phase: Phase): void {
  for (const field of fieldsOf(typeName)) {
    const value = object[field.json];
    if (value === null || value === undefined) {
      delete object[field.json];
      if (phase === 'encode' && !field.pointer && !field.omitempty && field.type in SCALAR_ZERO) object[field.json] = SCALAR_ZERO[field.type];
      if (phase === 'encode' && !field.pointer && field.type === 'Quantity') object[field.json] = '0';
      // Go has every struct there after decoding (defaulting fills them) and encodes them all.
      if (!field.pointer && GO_TYPES.has(field.type)) {
        const struct: Record<string, unknown> = {};
        normaliseStruct(field.type, struct, phase);
        object[field.json] = struct;
      }
      continue;
    }
    const normalised = normaliseValue(field.type, value, phase);
    const dropped = !field.pointer && (phase === 'decode' ? isGoZero(field.type, normalised) : field.omitempty && isOmitted(field.type, normalised));
    if (dropped) delete object[field.json];
    else object[field.json] = normalised;
  }
}

/** Whether objects of `type` go through the Go round trip here (built-in kinds in go-types.ts). */
export function hasGoType(type: ResourceType): boolean {
  return !type.custom && `${type.group}/${type.kind}` in KIND_TYPES;
}

/** One half of the Go round trip on `object`, in place (a no-op for kinds without Go types here). */
export function normaliseAsGo(type: ResourceType, object: KubeObject, phase: Phase): void {
  if (!hasGoType(type)) return;
  normaliseStruct(KIND_TYPES[`${type.group}/${type.kind}`], object, phase);
}
