// spec.relays: where a feed goes past its own node. When set, the operator runs a relay
// DaemonSet (cdk8s/feed/relay-daemonset.ts): one `marketfeed relay` per selected node, each
// subscribing once to the feed's TCP Service and republishing bit-for-bit into the node's
// shared memory, so consumer pods there read it at SHM cost. Every list, map and string is
// bounded (CEL cost estimates stay small; see the CRD notes in the README).
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const MAX_RELAY_NODE_SELECTOR_LABELS = 32;
export const MAX_RELAY_TOLERATIONS = 32;
export const MAX_RELAY_CPUS = 64;

/** The relays' schema; `toleration` is the spec's own toleration schema (one definition of it). */
export function relaysSchema<T extends TSchema>(toleration: T) {
  return Type.Object(
    {
      nodeSelector: Type.Optional(
        Type.Record(Type.String({ maxLength: 316 }), Type.String({ maxLength: 63 }), {
          maxProperties: MAX_RELAY_NODE_SELECTOR_LABELS,
          description: 'nodes that get a relay (all schedulable nodes when absent)',
        }),
      ),
      tolerations: Type.Optional(Type.Array(toleration, { maxItems: MAX_RELAY_TOLERATIONS, description: 'tolerations of the relay pods (e.g. for tainted trading nodes)' })),
      resources: Type.Object(
        {
          cpus: Type.Integer({ minimum: 1, maximum: MAX_RELAY_CPUS, default: 1, description: 'whole CPUs per relay (requests = limits)' }),
          memoryMi: Type.Integer({
            minimum: 32,
            maximum: 1_048_576,
            default: 256,
            description: "memory per relay, MiB (requests = limits); the ring's tmpfs pages are charged to it: at least ringCapacity * 64 bytes + 32 MiB",
          }),
        },
        { additionalProperties: false, default: {} },
      ),
    },
    {
      additionalProperties: false,
      description:
        'run a relay on every selected node: it subscribes to the TCP feed and republishes it bit-for-bit into the node\'s /dev/shm (segment <namespace>.<feed>), for SHM consumers in any pod on that node',
    },
  );
}

export type RelaysSpec = Static<ReturnType<typeof relaysSchema<TSchema>>>;
/** What a user may write: the defaulted resources optional. */
export type RelaysSpecInput = Omit<RelaysSpec, 'resources'> & { resources?: Partial<RelaysSpec['resources']> };
