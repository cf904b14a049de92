// The MarketFeed API types: defaults filled from the schema, and validateSpec finding what the
// schema and the CEL rules reject (so an invalid spec that got past them becomes Degraded).
import { describe, expect, it } from 'vitest';
import {
  CROSS_FIELD_RULES,
  cpuQuantity,
  DEFAULT_IMAGE,
  instrumentCount,
  shmConsumerNames,
  validateSpec,
  withDefaults,
} from '../../cdk8s/api/marketfeed-types.ts';

describe('withDefaults', () => {
  it('fills every schema default into an empty spec', () => {
    expect(withDefaults({})).toEqual({
      instruments: { count: 100 },
      rate: 100_000,
      ringCapacity: 65_536,
      shmSizeMi: 64,
      tcp: { port: 9000, encodings: ['binary', 'json'] },
      tcpConsumers: { replicas: 1, encoding: 'binary' },
      resources: { cpus: 1, memoryMi: 256 },
      image: DEFAULT_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      paused: false,
      rollout: { progressDeadlineSeconds: 600 },
    });
    expect(withDefaults(undefined)).toEqual(withDefaults({}));
  });

  it('fills nested defaults without overriding what is given, and leaves the input alone', () => {
    const input = { tcp: { port: 7000 }, instruments: { symbols: ['EURUSD', 'GBPUSD'] } };
    const spec = withDefaults(input);
    expect(spec.tcp).toEqual({ port: 7000, encodings: ['binary', 'json'] });
    expect(spec.instruments).toEqual({ symbols: ['EURUSD', 'GBPUSD'] });
    expect(input).toEqual({ tcp: { port: 7000 }, instruments: { symbols: ['EURUSD', 'GBPUSD'] } });
    expect(instrumentCount(spec)).toBe(2);
  });

  it('names SHM consumers from the list, the count, or one by default', () => {
    expect(shmConsumerNames(withDefaults({}))).toEqual(['consumer-0']);
    expect(shmConsumerNames(withDefaults({ shmConsumerCount: 3 }))).toEqual(['consumer-0', 'consumer-1', 'consumer-2']);
    expect(shmConsumerNames(withDefaults({ shmConsumerCount: 0 }))).toEqual([]);
    expect(shmConsumerNames(withDefaults({ shmConsumers: [{ name: 'strategy' }] }))).toEqual(['strategy']);
  });
});

describe('cpuQuantity', () => {
  it('reads integers and Kubernetes quantity strings', () => {
    expect(cpuQuantity(2)).toBe(2);
    expect(cpuQuantity('2')).toBe(2);
    expect(cpuQuantity('2000m')).toBe(2);
    expect(cpuQuantity('1500m')).toBe(1.5);
    expect(cpuQuantity('0.5')).toBe(0.5);
    expect(cpuQuantity('1e1')).toBe(10);
    expect(cpuQuantity('two')).toBeUndefined();
  });
});

describe('validateSpec', () => {
  it('accepts the empty spec and a full one', () => {
    expect(validateSpec({})).toEqual([]);
    expect(
      validateSpec({
        instruments: { symbols: ['EURUSD'] },
        rate: 0,
        ringCapacity: 1 << 20,
        shmSizeMi: 65,
        tcp: { port: 7001, encodings: ['json'] },
        shmConsumers: [{ name: 'a' }, { name: 'b' }],
        tcpConsumers: { replicas: 3, encoding: 'json' },
        resources: { cpus: '2', memoryMi: 512 },
        image: 'registry.example.com/marketfeed:1.2.3',
        imagePullPolicy: 'Always',
        nodeSelector: { 'node.example.com/isolated': 'true' },
        tolerations: [{ key: 'isolated', operator: 'Exists', effect: 'NoSchedule' }],
        podAnnotations: { 'example.com/tuned': 'yes' },
        paused: true,
      }),
    ).toEqual([]);
  });

  it('rejects /dev/shm too small for the ring', () => {
    // 2^20 records * 64 B = 64 MiB, plus the header: 64 MiB is one header short.
    expect(validateSpec({ ringCapacity: 1 << 20, shmSizeMi: 64, resources: { memoryMi: 1024 } })).toEqual([
      'spec.shmSizeMi: shmSizeMi is too small for the ring: it needs ringCapacity * 64 bytes + 64 KiB of header',
    ]);
    expect(validateSpec({ ringCapacity: 1 << 20, shmSizeMi: 65, resources: { memoryMi: 1024 } })).toEqual([]);
  });

  it('rejects fractional CPUs, as numbers or as quantities', () => {
    expect(validateSpec({ resources: { cpus: 1.5 } })[0]).toMatch(/^spec\.resources\.cpus: 1\.5 is not a whole number of CPUs/);
    expect(validateSpec({ resources: { cpus: '1500m' } })[0]).toMatch(/^spec\.resources\.cpus: resources\.cpus must be a whole number/);
    expect(validateSpec({ resources: { cpus: '0.5' } })).toHaveLength(1);
    expect(validateSpec({ resources: { cpus: 0 } })).toHaveLength(1);
    expect(validateSpec({ resources: { cpus: 'lots' } })).toHaveLength(1);
    expect(validateSpec({ resources: { cpus: '2000m' } })).toEqual([]);
    // Whole, but not spelt "N" or "N000m": the CRD's CEL rule (Kubernetes 1.25, no quantity()) refuses it too.
    expect(validateSpec({ resources: { cpus: '2.0' } })).toHaveLength(1);
  });

  it('rejects each broken cross-field rule with its own message', () => {
    const cases: [object, string][] = [
      [{ instruments: { symbols: ['A'], count: 3 } }, 'spec.instruments: '],
      [{ instruments: {} }, 'spec.instruments: '],
      [{ ringCapacity: 1000 }, 'spec.ringCapacity: '],
      [{ shmSizeMi: 300 }, 'spec.resources.memoryMi: '],
      [{ shmConsumers: [{ name: 'a' }], shmConsumerCount: 2 }, 'spec.shmConsumerCount: '],
      [{ tcp: { encodings: ['json'] } }, 'spec.tcpConsumers.encoding: '],
      [{ tcp: { port: 9105 } }, 'spec.tcp.port: '],
    ];
    for (const [spec, prefix] of cases) {
      const problems = validateSpec(spec);
      expect(problems, JSON.stringify(spec)).toHaveLength(1);
      expect(problems[0]?.startsWith(prefix), problems[0]).toBe(true);
    }
  });

  it('rejects what only TypeScript can check: duplicate SHM consumer names', () => {
    expect(validateSpec({ shmConsumers: [{ name: 'a' }, { name: 'a' }] })).toEqual(['spec.shmConsumers: the name "a" appears more than once']);
  });

  it('reports per-field schema problems with their paths', () => {
    expect(validateSpec({ rate: -1 })[0]).toMatch(/^spec\.rate: /);
    expect(validateSpec({ imagePullPolicy: 'Sometimes' })[0]).toMatch(/^spec\.imagePullPolicy: /);
    expect(validateSpec({ shmConsumers: [{ name: 'Not_A_Label' }] })[0]).toMatch(/^spec\.shmConsumers\.0\.name: /);
    expect(validateSpec({ typo: true })[0]).toMatch(/^spec/);
    expect(validateSpec(null)).toEqual(['spec: must be an object']);
    expect(validateSpec([])).toEqual(['spec: must be an object']);
  });

  it('has a TypeScript check for every CEL rule, each holding for the defaults', () => {
    const defaults = withDefaults({});
    for (const rule of CROSS_FIELD_RULES) {
      expect(rule.rule.length).toBeGreaterThan(0);
      expect(rule.fieldPath.startsWith('.')).toBe(true);
      expect(rule.holds(defaults), rule.message).toBe(true);
    }
  });
});
