import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCpuList, parseCpuList } from '../../runtime/cpu/cpu-list.ts';
import { formatOptionsHelp, parseOptions, UsageError } from '../../runtime/cli/options.ts';

const specs = {
  feed: { type: 'string', default: 'marketfeed', description: 'feed' },
  'metrics-port': { type: 'integer', min: 0, max: 65535, default: 0, description: 'port' },
  rate: { type: 'rate', default: 100_000, description: 'rate' },
  json: { type: 'boolean', default: false, description: 'json' },
  mode: { type: 'choice', choices: ['broadcast', 'backpressure'], default: 'broadcast', description: 'mode' },
  cpus: { type: 'cpus', description: 'cpus' },
  slot: { type: 'integer', min: 0, description: 'slot' },
  ratio: { type: 'number', min: 0, default: 1.5, description: 'ratio' },
} as const;

describe('options', () => {
  it('takes defaults, then environment variables, then flags', () => {
    expect(parseOptions('t', specs, [], {})).toEqual({
      feed: 'marketfeed', metricsPort: 0, rate: 100_000, json: false, mode: 'broadcast', cpus: undefined, slot: undefined, ratio: 1.5,
    });
    const env = { MARKETFEED_FEED: 'from-env', MARKETFEED_METRICS_PORT: '9100', MARKETFEED_JSON: 'true' };
    expect(parseOptions('t', specs, [], env)).toMatchObject({ feed: 'from-env', metricsPort: 9100, json: true });
    expect(parseOptions('t', specs, ['--feed', 'flag', '--metrics-port=9200', '--no-json'], env)).toMatchObject({ feed: 'flag', metricsPort: 9200, json: false });
  });

  it('parses rates, CPU lists and choices', () => {
    expect(parseOptions('t', specs, ['--rate', 'max'], {}).rate).toBe(Infinity);
    expect(parseOptions('t', specs, ['--rate', '250k'], {}).rate).toBe(250_000);
    expect(parseOptions('t', specs, ['--rate', '1.5M'], {}).rate).toBe(1_500_000);
    expect(parseOptions('t', specs, ['--cpus', '3,0-1'], {}).cpus).toEqual([0, 1, 3]);
    expect(parseOptions('t', specs, ['--mode', 'backpressure'], {}).mode).toBe('backpressure');
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['--feed'], /option --feed needs a value/],
    [['stray'], /unexpected argument "stray"/],
    [['--metrics-port', '70000'], /--metrics-port must be an integer ≥ 0 ≤ 65535, got "70000"/],
    [['--metrics-port', '12abc'], /--metrics-port must be an integer/],
    [['--rate', 'fast'], /--rate must be a rate per second/],
    [['--rate', '0'], /--rate must be a positive rate/],
    [['--json=maybe'], /--json must be true or false/],
    [['--mode', 'multicast'], /--mode must be one of broadcast, backpressure, got "multicast"/],
    [['--cpus', '3-1'], /--cpus must be a CPU list/],
    [['--ratio', '-1'], /--ratio must be a number ≥ 0/],
  ])('rejects %j with a UsageError naming the option', (argv, message) => {
    expect(() => parseOptions('t', specs, argv, {})).toThrow(UsageError);
    expect(() => parseOptions('t', specs, argv, {})).toThrow(message);
  });

  it('names the environment variable when its value is bad', () => {
    expect(() => parseOptions('t', specs, [], { MARKETFEED_METRICS_PORT: 'x' })).toThrow(/MARKETFEED_METRICS_PORT must be an integer/);
  });

  it('documents every option with its variable and default', () => {
    const help = formatOptionsHelp(specs);
    expect(help).toMatch(/--metrics-port N\s+port \(default 0\) \[env MARKETFEED_METRICS_PORT\]/);
    expect(help).toMatch(/--rate R\|max\s+rate \(default 100000\)/);
  });
});

describe('CPU lists', () => {
  it('format and parse are inverse on any set of CPUs', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1023 }), { minLength: 1, maxLength: 64 }), (cpus) => {
        const sorted = [...cpus].sort((a, b) => a - b);
        expect(parseCpuList(formatCpuList(cpus))).toEqual(sorted);
      }),
    );
  });

  it('writes ranges like the kernel', () => {
    expect(formatCpuList([0, 1, 2, 3, 6, 8, 9])).toBe('0-3,6,8-9');
    expect(() => parseCpuList('a')).toThrow(/not a CPU number or range/);
    expect(() => parseCpuList('')).toThrow(/empty/);
  });
});
