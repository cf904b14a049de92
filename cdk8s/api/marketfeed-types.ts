// The MarketFeed API (marketfeed.dev/v1alpha1) from one source: the TypeBox schemas below
// give the TypeScript types (Static), the CRD's structural OpenAPI schema (marketfeed-crd.ts
// converts them), the defaults `withDefaults` fills in, and, through CROSS_FIELD_RULES, both
// the CEL `x-kubernetes-validations` the API server runs and the same checks in TypeScript
// (`validateSpec`) for the operator, which must not trust that a spec went through them.
import { FormatRegistry, Type, type SchemaOptions, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FeedHealthSchema, FeedSloSchema } from './feed-health-types.ts';
import { IMAGE_REFERENCE } from './image-reference.ts';
import type { ObjectMeta } from './kube-object.ts';
import { relaysSchema, type RelaysSpecInput } from './relay-spec.ts';

export const MARKETFEED_GROUP = 'marketfeed.dev';
export const MARKETFEED_VERSION = 'v1alpha1';
export const MARKETFEED_API_VERSION = `${MARKETFEED_GROUP}/${MARKETFEED_VERSION}`;
export const MARKETFEED_KIND = 'MarketFeed';
export const MARKETFEED_PLURAL = 'marketfeeds';
export const MARKETFEED_SINGULAR = 'marketfeed';
export const MARKETFEED_SHORT_NAME = 'mf';
export const FIELD_MANAGER = 'marketfeed-operator';
/** The image the release pushed for this version (one source: package.json). */
export const DEFAULT_IMAGE = IMAGE_REFERENCE;

/** Bytes per ring record (one cache line) and the room the segment header may take. */
export const RECORD_BYTES = 64;
export const SEGMENT_HEADER_ALLOWANCE_BYTES = 64 * 1024;
export const MIN_RING_CAPACITY = 2;
export const MAX_RING_CAPACITY = 1 << 26;
export const MAX_SHM_CONSUMERS = 16;
export const MAX_CPUS_PER_CONTAINER = 256;
/** Metrics ports inside the feed pod: the publisher, then one per SHM consumer. */
export const PUBLISHER_METRICS_PORT = 9100;
export const LAST_FEED_POD_METRICS_PORT = PUBLISHER_METRICS_PORT + MAX_SHM_CONSUMERS;
/** Reserved, because it is the default of `marketfeed publish --tcp-port`. */
export const DEFAULT_TCP_PORT = 9000;

const MEBIBYTE = 1024 * 1024;

// Condition times are RFC 3339; TypeBox checks formats only once they are registered.
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(value) && !Number.isNaN(Date.parse(value)));
}
const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const LABEL_KEY_VALUE_PATTERN = '^.*$';

type LiteralsOf<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** A string enum: its static type is the union of the values; the CRD converter turns it into `enum`. */
function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnion<LiteralsOf<T>> {
  return Type.Union(values.map((value) => Type.Literal(value)), options) as unknown as TUnion<LiteralsOf<T>>;
}

export const FEED_ENCODINGS = ['binary', 'json'] as const;
export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

export const InstrumentsSchema = Type.Object(
  {
    symbols: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$' }), {
        minItems: 1,
        maxItems: 10_000,
        description: 'instrument symbols; the feed generates quotes for as many instruments as there are symbols',
      }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'number of generated instruments' })),
  },
  { additionalProperties: false, default: { count: 100 }, description: 'the instruments to quote: symbols, or a count for generated data (exactly one)' },
);

export const ShmConsumerSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40, pattern: DNS_LABEL_PATTERN, description: 'consumer name (a DNS label); its container is shm-<name>' }),
  },
  { additionalProperties: false },
);

export const TolerationSchema = Type.Object(
  {
    key: Type.Optional(Type.String({ maxLength: 316 })),
    operator: Type.Optional(StringEnum(['Exists', 'Equal'])),
    value: Type.Optional(Type.String({ maxLength: 63 })),
    effect: Type.Optional(StringEnum(['NoSchedule', 'PreferNoSchedule', 'NoExecute'])),
    tolerationSeconds: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

/**
 * CPUs per container: an integer, or a Kubernetes quantity string of a whole number spelt
 * "2" or "2000m" (what a Kubernetes 1.25 CEL rule can check cheaply). Whole numbers are what
 * the kubelet's static CPU manager needs to give a Guaranteed container exclusive cores; the
 * CEL rule below enforces it.
 */
export const CpusSchema = Type.Union([Type.Integer(), Type.String({ maxLength: 16 })], {
  'x-kubernetes-int-or-string': true,
  default: 1,
  description: 'whole CPUs per container (requests = limits), 1 to 256: an integer, or a string "2" or "2000m"',
});

export const MIN_PROGRESS_DEADLINE_SECONDS = 1;
export const MAX_PROGRESS_DEADLINE_SECONDS = 3600;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export const RolloutSpecSchema = Type.Object(
  {
    progressDeadlineSeconds: Type.Integer({
      minimum: MIN_PROGRESS_DEADLINE_SECONDS,
      maximum: MAX_PROGRESS_DEADLINE_SECONDS,
      default: DEFAULT_PROGRESS_DEADLINE_SECONDS,
      description: 'seconds a new pod-template revision has to become ready before the operator restores the last good revision',
    }),
  },
  { additionalProperties: false, default: {}, description: 'how a change to the pod templates is rolled out (and rolled back)' },
);

export const MarketFeedSpecSchema = Type.Object(
  {
    instruments: InstrumentsSchema,
    rate: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 100_000, description: 'records per second; 0 = flat out' }),
    ringCapacity: Type.Integer({
      minimum: MIN_RING_CAPACITY,
      maximum: MAX_RING_CAPACITY,
      default: 65_536,
      description: 'ring capacity in records (a power of two)',
    }),
    shmSizeMi: Type.Integer({
      minimum: 1,
      maximum: 65_536,
      default: 64,
      description: 'size of the memory-backed /dev/shm volume, MiB; must hold ringCapacity * 64 bytes + 64 KiB of header',
    }),
    tcp: Type.Object(
      {
        port: Type.Integer({ minimum: 1, maximum: 65_535, default: DEFAULT_TCP_PORT, description: 'TCP feed port of the publisher and the Service' }),
        encodings: Type.Array(StringEnum(FEED_ENCODINGS), {
          minItems: 1,
          maxItems: 2,
          default: ['binary', 'json'],
          'x-kubernetes-list-type': 'set',
          description: 'encodings TCP consumers of this feed may use',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    shmConsumers: Type.Optional(
      Type.Array(ShmConsumerSchema, {
        maxItems: MAX_SHM_CONSUMERS,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'SHM consumers, one container each in the feed pod (or give shmConsumerCount instead; default: one named consumer-0)',
      }),
    ),
    shmConsumerCount: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_SHM_CONSUMERS, description: 'number of SHM consumers named consumer-0, consumer-1, … (instead of shmConsumers)' }),
    ),
    tcpConsumers: Type.Object(
      {
        replicas: Type.Integer({ minimum: 0, maximum: 1000, default: 1, description: 'TCP consumer pods (the scale subresource)' }),
        encoding: StringEnum(FEED_ENCODINGS, { default: 'binary', description: 'encoding the TCP consumers ask for' }),
      },
      { additionalProperties: false, default: {} },
    ),
    resources: Type.Object(
      {
        cpus: CpusSchema,
        memoryMi: Type.Integer({ minimum: 32, maximum: 1_048_576, default: 256, description: 'memory per container, MiB (requests = limits)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    image: Type.String({ minLength: 1, maxLength: 512, default: DEFAULT_IMAGE, description: 'container image of the marketfeed CLI' }),
    imagePullPolicy: StringEnum(IMAGE_PULL_POLICIES, { default: 'IfNotPresent' }),
    nodeSelector: Type.Optional(Type.Record(Type.String({ pattern: LABEL_KEY_VALUE_PATTERN }), Type.String({ maxLength: 63 }), { maxProperties: 64 })),
    tolerations: Type.Optional(Type.Array(TolerationSchema, { maxItems: 32 })),
    podAnnotations: Type.Optional(
      Type.Record(Type.String({ pattern: LABEL_KEY_VALUE_PATTERN }), Type.String({ maxLength: 4096 }), { maxProperties: 64, description: 'extra annotations on the feed and TCP consumer pods' }),
    ),
    paused: Type.Boolean({ default: false, description: 'scale the feed and its TCP consumers to zero, keeping the spec, Service and ConfigMap' }),
    slo: Type.Optional(FeedSloSchema),
    rollout: RolloutSpecSchema,
    relays: Type.Optional(relaysSchema(TolerationSchema)),
  },
  { additionalProperties: false },
);

export const CONDITION_TYPES = ['Ready', 'Progressing', 'Degraded', 'Healthy', 'RolledBack'] as const;

export const ConditionSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 316 }),
    status: StringEnum(['True', 'False', 'Unknown']),
    reason: Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
    message: Type.String({ maxLength: 32_768 }),
    lastTransitionTime: Type.String({ format: 'date-time', maxLength: 64 }),
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const ROLLOUT_PHASES = ['Progressing', 'Complete', 'RolledBack', 'Failed', 'Suspended'] as const;
export const ROLLOUT_RESULTS = ['Good', 'RolledBack', 'Failed'] as const;
/** Revisions kept in status.rollout.history (and as ControllerRevisions, the good ones). */
export const ROLLOUT_HISTORY_LIMIT = 10;
const RevisionSchema = (description: string) => Type.String({ minLength: 1, maxLength: 63, pattern: '^[0-9a-f]+$', description });
const TimeSchema = (description: string) => Type.String({ format: 'date-time', maxLength: 64, description });

export const RolloutStatusSchema = Type.Object(
  {
    revision: RevisionSchema('the revision the spec asks for: a hash of the pod templates of its Deployments'),
    phase: StringEnum(ROLLOUT_PHASES, { description: 'where the rollout of `revision` is' }),
    startedAt: Type.Optional(TimeSchema('when the rollout of `revision` started; its progress deadline counts from here')),
    lastGoodRevision: Type.Optional(RevisionSchema('the last revision that became ready: what a rollback restores')),
    message: Type.String({ maxLength: 1024, description: 'the rollout in a sentence' }),
    history: Type.Optional(
      Type.Array(
        Type.Object(
          {
            revision: RevisionSchema('a revision'),
            result: StringEnum(ROLLOUT_RESULTS, { description: 'Good: became ready; RolledBack: not ready in time, the last good one restored; Failed: not ready in time, nothing to restore' }),
            at: TimeSchema('when it got that result'),
          },
          { additionalProperties: false },
        ),
        { maxItems: ROLLOUT_HISTORY_LIMIT, description: 'the last revisions rolled out, oldest first, one entry per revision' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const MarketFeedStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
    conditions: Type.Optional(
      Type.Array(ConditionSchema, { maxItems: 16, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] }),
    ),
    endpoint: Type.Optional(Type.String({ maxLength: 512, description: 'the TCP feed: <service>.<namespace>.svc:<port>' })),
    readyShmConsumers: Type.Optional(Type.Integer({ minimum: 0 })),
    readyTcpConsumers: Type.Optional(Type.Integer({ minimum: 0 })),
    tcpConsumerReplicas: Type.Optional(Type.Integer({ minimum: 0, description: 'TCP consumer pods that exist (scale status)' })),
    selector: Type.Optional(Type.String({ maxLength: 4096, description: 'label selector of the TCP consumer pods (scale status)' })),
    relaysDesired: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100000, description: 'nodes that should run a relay (the relay DaemonSet\'s desiredNumberScheduled); absent without spec.relays' }),
    ),
    relaysReady: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 100000, description: 'relay pods ready (the relay DaemonSet\'s numberReady); absent without spec.relays' }),
    ),
    health: Type.Optional(FeedHealthSchema),
    rollout: Type.Optional(RolloutStatusSchema),
  },
  { additionalProperties: false },
);

export type MarketFeedSpec = Static<typeof MarketFeedSpecSchema>;
/** What a user may write: every defaulted field optional. */
export type MarketFeedSpecInput = Partial<Omit<MarketFeedSpec, 'tcp' | 'tcpConsumers' | 'resources' | 'rollout' | 'relays'>> & {
  rollout?: Partial<MarketFeedSpec['rollout']>;
  tcp?: Partial<MarketFeedSpec['tcp']>;
  tcpConsumers?: Partial<MarketFeedSpec['tcpConsumers']>;
  resources?: Partial<MarketFeedSpec['resources']>;
  relays?: RelaysSpecInput;
};
export type MarketFeedStatus = Static<typeof MarketFeedStatusSchema>;
export type MarketFeedCondition = Static<typeof ConditionSchema>;
export type RolloutStatus = Static<typeof RolloutStatusSchema>;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
export type RolloutResult = (typeof ROLLOUT_RESULTS)[number];
export type ConditionType = (typeof CONDITION_TYPES)[number];
export type FeedEncoding = (typeof FEED_ENCODINGS)[number];

export interface MarketFeed {
  apiVersion: string;
  kind: string;
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'uid' | 'generation' | 'resourceVersion' | 'labels' | 'annotations'> & {
    name: string;
    namespace: string;
  };
  spec: MarketFeedSpec;
  status?: MarketFeedStatus;
}

/**
 * Fills `default`s the way the API server does: a field that is absent gets its default,
 * then defaults apply inside it; a field that is present is never merged with its default
 * (TypeBox's Value.Default would merge object defaults, which the API server does not).
 */
function fillDefaults(schema: TSchema, value: unknown): unknown {
  if (schema.type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
      if (record[name] === undefined && child.default !== undefined) record[name] = structuredClone(child.default as unknown);
      if (record[name] !== undefined) record[name] = fillDefaults(child, record[name]);
    }
    return record;
  }
  if (schema.type === 'array' && Array.isArray(value)) return value.map((item: unknown) => fillDefaults(schema.items as TSchema, item));
  return value;
}

/**
 * The spec with every schema default filled in (a new object; the input is not changed).
 * The API server defaults on admission too, but the operator must not rely on it: objects
 * stored before a default existed, or written by tests, arrive without them.
 */
export function withDefaults(spec: MarketFeedSpecInput | object | null | undefined): MarketFeedSpec {
  const copy = spec === undefined || spec === null ? {} : structuredClone(spec);
  return fillDefaults(MarketFeedSpecSchema, copy) as MarketFeedSpec;
}

/** CPUs a `resources.cpus` value stands for, or undefined when it is not a quantity. */
export function cpuQuantity(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  const match = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/.exec(value);
  if (match === null) return undefined;
  const sign = match[1] === '-' ? -1 : 1;
  const number = Number(match[2]);
  const suffix = match[3] ?? '';
  const decimal: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  const factor = decimal[suffix] ?? binary[suffix] ?? 10 ** Number(suffix.slice(1));
  // Millis are exact integers; avoid 0.1 * 3 style drift by rounding to micro-CPUs.
  return (sign * Math.round(number * factor * 1e6)) / 1e6;
}

/** Whole CPUs of a (defaulted, valid) spec's `resources.cpus`. */
export function cpusOf(spec: MarketFeedSpec): number {
  const cpus = cpuQuantity(spec.resources.cpus);
  if (cpus === undefined || !Number.isInteger(cpus) || cpus < 1) throw new Error(`resources.cpus ${JSON.stringify(spec.resources.cpus)} is not a whole number of CPUs`);
  return cpus;
}

/** Instrument count the publisher generates quotes for. */
export function instrumentCount(spec: MarketFeedSpec): number {
  return spec.instruments.symbols?.length ?? spec.instruments.count ?? 100;
}

/** Names of the SHM consumers: shmConsumers, else consumer-0 … consumer-(shmConsumerCount-1), else one. */
export function shmConsumerNames(spec: MarketFeedSpec): string[] {
  if (spec.shmConsumers !== undefined) return spec.shmConsumers.map((consumer) => consumer.name);
  const count = spec.shmConsumerCount ?? 1;
  return Array.from({ length: count }, (_, index) => `consumer-${index}`);
}

/** Bytes of /dev/shm the ring needs: the records plus room for the segment header. */
export function ringBytes(ringCapacity: number): number {
  return ringCapacity * RECORD_BYTES + SEGMENT_HEADER_ALLOWANCE_BYTES;
}

const POWERS_OF_TWO: number[] = [];
for (let power = MIN_RING_CAPACITY; power <= MAX_RING_CAPACITY; power *= 2) POWERS_OF_TWO.push(power);

export interface CrossFieldRule {
  /** CEL, evaluated by the API server with `self` = the spec. */
  rule: string;
  message: string;
  /**
   * The field the failure is about (relative to the spec), for validateSpec's messages. Not
   * put in the CRD: `fieldPath` needs Kubernetes 1.28, so the server reports `spec`.
   */
  fieldPath: string;
  /** The same check in TypeScript, on a spec that already satisfies the per-field schema. */
  holds(spec: MarketFeedSpec): boolean;
}

const cpusCel = 'self.resources.cpus';
/** The strings `resources.cpus` may be: whole CPUs as "2" or "2000m". */
export const WHOLE_CPU_STRINGS: readonly string[] = Array.from({ length: MAX_CPUS_PER_CONTAINER }, (_, index) => [`${index + 1}`, `${index + 1}000m`]).flat();
/** Cross-field and beyond-JSON-Schema rules: CEL for the API server, `holds` for validateSpec. */
export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    // Not `has(a) != has(b)`: Kubernetes 1.24 (any server with cel-go <= 0.12.4) estimates
    // an equality of two call results at 2^64 and refuses the CRD.
    rule: 'has(self.instruments.symbols) ? !has(self.instruments.count) : has(self.instruments.count)',
    message: 'instruments: set exactly one of symbols or count',
    fieldPath: '.instruments',
    holds: (spec) => (spec.instruments.symbols !== undefined) !== (spec.instruments.count !== undefined),
  },
  {
    rule: `self.ringCapacity in [${POWERS_OF_TWO.join(', ')}]`,
    message: 'ringCapacity must be a power of two',
    fieldPath: '.ringCapacity',
    holds: (spec) => POWERS_OF_TWO.includes(spec.ringCapacity),
  },
  {
    rule: `self.shmSizeMi * ${MEBIBYTE} >= self.ringCapacity * ${RECORD_BYTES} + ${SEGMENT_HEADER_ALLOWANCE_BYTES}`,
    message: `shmSizeMi is too small for the ring: it needs ringCapacity * ${RECORD_BYTES} bytes + 64 KiB of header`,
    fieldPath: '.shmSizeMi',
    holds: (spec) => spec.shmSizeMi * MEBIBYTE >= ringBytes(spec.ringCapacity),
  },
  {
    rule: 'self.resources.memoryMi >= self.shmSizeMi + 32',
    message: "resources.memoryMi must be at least shmSizeMi + 32: the publisher's memory limit is charged for the ring's tmpfs pages",
    fieldPath: '.resources.memoryMi',
    holds: (spec) => spec.resources.memoryMi >= spec.shmSizeMi + 32,
  },
  {
    // Kubernetes 1.25 has no quantity() in CEL, and sizes an int-or-string as a 3 MiB string,
    // so a regex would cost ~5 million: a list of the accepted strings costs ~520.
    rule: `type(${cpusCel}) == int ? (${cpusCel} >= 1 && ${cpusCel} <= ${MAX_CPUS_PER_CONTAINER}) : ${cpusCel} in [${WHOLE_CPU_STRINGS.map((text) => `'${text}'`).join(', ')}]`,
    message: `resources.cpus must be a whole number of CPUs from 1 to ${MAX_CPUS_PER_CONTAINER} (exclusive cores need integer requests = limits)`,
    fieldPath: '.resources.cpus',
    holds: (spec) => {
      const cpus = spec.resources.cpus;
      return typeof cpus === 'number' ? Number.isInteger(cpus) && cpus >= 1 && cpus <= MAX_CPUS_PER_CONTAINER : WHOLE_CPU_STRINGS.includes(cpus);
    },
  },
  {
    rule: '!(has(self.shmConsumers) && has(self.shmConsumerCount))',
    message: 'set shmConsumers or shmConsumerCount, not both',
    fieldPath: '.shmConsumerCount',
    holds: (spec) => !(spec.shmConsumers !== undefined && spec.shmConsumerCount !== undefined),
  },
  {
    rule: 'self.tcpConsumers.encoding in self.tcp.encodings',
    message: 'tcpConsumers.encoding must be one of tcp.encodings',
    fieldPath: '.tcpConsumers.encoding',
    holds: (spec) => spec.tcp.encodings.includes(spec.tcpConsumers.encoding),
  },
  {
    rule: `self.tcp.port < ${PUBLISHER_METRICS_PORT} || self.tcp.port > ${LAST_FEED_POD_METRICS_PORT}`,
    message: `tcp.port must not be one of the feed pod's metrics ports ${PUBLISHER_METRICS_PORT}-${LAST_FEED_POD_METRICS_PORT}`,
    fieldPath: '.tcp.port',
    holds: (spec) => spec.tcp.port < PUBLISHER_METRICS_PORT || spec.tcp.port > LAST_FEED_POD_METRICS_PORT,
  },
];

function schemaProblems(schema: TSchema, value: unknown, prefix: string): string[] {
  const problems: string[] = [];
  for (const error of Value.Errors(schema, value)) {
    problems.push(`${prefix}${error.path.replaceAll('/', '.') || ''}: ${error.message}`);
    if (problems.length >= 20) break;
  }
  return problems;
}

/**
 * Everything wrong with a spec (after defaults), [] when it is fine: the per-field schema
 * (types, bounds, patterns), the CEL rules, and what neither can say (unique SHM consumer
 * names, which the API server enforces through the list-map keys).
 */
export function validateSpec(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return ['spec: must be an object'];
  const defaulted = withDefaults(spec);
  const cpus: unknown = defaulted.resources?.cpus;
  if (typeof cpus === 'number' && !Number.isInteger(cpus)) {
    return [`spec.resources.cpus: ${cpus} is not a whole number of CPUs (exclusive cores need integer requests = limits)`];
  }
  const problems = schemaProblems(MarketFeedSpecSchema, defaulted, 'spec');
  if (problems.length > 0) return problems;
  for (const rule of CROSS_FIELD_RULES) {
    if (!rule.holds(defaulted)) problems.push(`spec${rule.fieldPath}: ${rule.message}`);
  }
  const names = shmConsumerNames(defaulted);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) problems.push(`spec.shmConsumers: the name ${JSON.stringify(duplicate)} appears more than once`);
  return problems;
}
