// What decoding a write into the Go structs and encoding it back does to a built-in object,
// for the kinds in go-types.ts (a real API server stores only what survives this round trip):
// - a non-pointer `omitempty` field holding its zero value (0, false, "") or an empty list or
//   map is dropped: `minReadySeconds: 0`, `hostNetwork: false`, `externalIPs: []` vanish;
// - a pointer field keeps its zero value (`replicas: 0`, `automountServiceAccountToken: false`,
//   `maxSurge: 0`), and a struct is never omitted (`resources: {}` stays);
// - `null` is the zero value: the field goes;
// - quantities take their canonical form (`1000m` → `1`, `1024Mi` → `1Gi`).
// List elements and map entries are values, never dropped. Fields go-types.ts does not
// declare are left as they are, and absent fields are not filled with zero values.
import { canonicalQuantity } from '../../cdk8s/api/quantity.ts';
import { GO_TYPES, KIND_TYPES, type GoField } from './go-types.ts';
import { isPlainObject } from './json-values.ts';
import type { KubeObject } from './kube-object.ts';
import type { ResourceType } from './resource-registry.ts';

const SCALAR_ZERO: Record<string, unknown> = { int32: 0, int64: 0, bool: false, string: '' };

/** The json fields of a struct, embedded (inline) structs flattened into it. */
function fieldsOf(typeName: string): GoField[] {
  const fields = GO_TYPES.get(typeName) ?? [];
  return fields.flatMap((field) => (field.json === '' ? fieldsOf(field.type) : [field]));
}

/** What the encoder writes for `omitempty`: zero scalars, empty lists and maps (never a struct). */
function isOmittedZero(type: string, value: unknown): boolean {
  if (type in SCALAR_ZERO) return value === SCALAR_ZERO[type];
  if (type.startsWith('[]')) return Array.isArray(value) && value.length === 0;
  if (type.startsWith('map[')) return isPlainObject(value) && Object.keys(value).length === 0;
  return false;
}

function normaliseValue(type: string, value: unknown): unknown {
  if (type === 'Quantity') return canonicalQuantity(value) ?? value;
  if (type.startsWith('[]')) return Array.isArray(value) ? value.map((item) => normaliseValue(type.slice(2), item)) : value;
  const map = /^map\[string\](.+)$/.exec(type);
  if (map !== null) {
    if (!isPlainObject(value)) return value;
    for (const key of Object.keys(value)) value[key] = normaliseValue(map[1], value[key]);
    return value;
  }
  if (GO_TYPES.has(type) && isPlainObject(value)) normaliseStruct(type, value);
  return value;
}

function normaliseStruct(typeName: string, object: Record<string, unknown>): void {
  for (const field of fieldsOf(typeName)) {
    if (!Object.hasOwn(object, field.json)) continue;
    const value = object[field.json];
    if (value === null || value === undefined) {
      delete object[field.json];
      continue;
    }
    const normalised = normaliseValue(field.type, value);
    if (!field.pointer && field.omitempty && isOmittedZero(field.type, normalised)) delete object[field.json];
    else object[field.json] = normalised;
  }
}

/** Whether objects of `type` go through the Go round trip here (built-in kinds in go-types.ts). */
export function hasGoType(type: ResourceType): boolean {
  return !type.custom && `${type.group}/${type.kind}` in KIND_TYPES;
}

/** Applies the Go round trip to `object` in place (a no-op for kinds without Go types here). */
export function normaliseAsGo(type: ResourceType, object: KubeObject): void {
  if (!hasGoType(type)) return;
  normaliseStruct(KIND_TYPES[`${type.group}/${type.kind}`], object);
}
