// Declarative command-line options: each option is a flag (--name value or --name=value),
// an environment variable (MARKETFEED_NAME, for pods) and a default, in that order of
// precedence. A bad flag or value is a UsageError naming it; the CLI exits 2 on those.
import { parseCpuList } from '../cpu/cpu-list.ts';
import { formatColumns } from './help-layout.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface BaseSpec {
  readonly description: string;
  /** Environment variable; default MARKETFEED_ + the flag in upper snake case. */
  readonly env?: string;
  /** The default as --help shows it, when the value itself depends on the process (e.g. consumer-<pid>). */
  readonly defaultShown?: string;
}
export interface StringSpec extends BaseSpec {
  readonly type: 'string';
  readonly default?: string;
  /** Throws, with the reason, when the value is not acceptable. */
  readonly check?: (value: string) => void;
}
export interface IntegerSpec extends BaseSpec {
  readonly type: 'integer';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}
export interface NumberSpec extends BaseSpec {
  readonly type: 'number';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}
/** A positive rate per second, with k/M suffixes, or "max" (Infinity). */
export interface RateSpec extends BaseSpec {
  readonly type: 'rate';
  readonly default?: number;
}
export interface BooleanSpec extends BaseSpec {
  readonly type: 'boolean';
  readonly default?: boolean;
}
export interface ChoiceSpec<C extends string = string> extends BaseSpec {
  readonly type: 'choice';
  readonly choices: readonly C[];
  readonly default?: C;
}
/** A CPU list such as 0-3,6; undefined when not given. */
export interface CpusSpec extends BaseSpec {
  readonly type: 'cpus';
}

export type OptionSpec = StringSpec | IntegerSpec | NumberSpec | RateSpec | BooleanSpec | ChoiceSpec | CpusSpec;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends BooleanSpec
  ? boolean
  : S extends CpusSpec
    ? number[] | undefined
    : S extends ChoiceSpec<infer C>
      ? S extends { default: string }
        ? C
        : C | undefined
      : S extends StringSpec
        ? S extends { default: string }
          ? string
          : string | undefined
        : S extends { default: number }
          ? number
          : number | undefined;

/** Option values keyed by camelCase name (--metrics-port → metricsPort). */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O as CamelCase<K & string>]: ValueOf<O[K]> };
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export function envName(flag: string, spec: OptionSpec): string {
  return spec.env ?? `MARKETFEED_${flag.toUpperCase().replaceAll('-', '_')}`;
}

function camelCase(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function parseOptions<O extends OptionSpecs>(
  command: string,
  specs: O,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): OptionValues<O> {
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    let flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (!Object.hasOwn(specs, flag) && flag.startsWith('no-') && specs[flag.slice(3)]?.type === 'boolean' && value === undefined) {
      flag = flag.slice(3);
      value = 'false';
    }
    const spec = Object.hasOwn(specs, flag) ? specs[flag] : undefined;
    if (spec === undefined) throw new UsageError(`${command}: unknown option --${flag}`);
    if (value === undefined) {
      if (spec.type === 'boolean') value = 'true';
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
      else throw new UsageError(`${command}: option --${flag} needs a value`);
    }
    raw.set(flag, value);
  }
  const values: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(specs)) {
    const variable = envName(flag, spec);
    const fromFlag = raw.get(flag);
    const fromEnv = env[variable];
    const source = fromFlag !== undefined ? `--${flag}` : `${variable}`;
    const text = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
    values[camelCase(flag)] = text === undefined ? defaultOf(spec) : convert(command, source, spec, text);
  }
  return values as OptionValues<O>;
}

function defaultOf(spec: OptionSpec): unknown {
  return spec.type === 'cpus' ? undefined : spec.default;
}

function convert(command: string, source: string, spec: OptionSpec, text: string): unknown {
  const fail = (expected: string): never => {
    throw new UsageError(`${command}: ${source} must be ${expected}, got "${text}"`);
  };
  switch (spec.type) {
    case 'string':
      try {
        spec.check?.(text);
      } catch (error) {
        throw new UsageError(`${command}: ${source}: ${(error as Error).message}`);
      }
      return text;
    case 'boolean':
      if (/^(true|1|yes)$/i.test(text)) return true;
      if (/^(false|0|no)$/i.test(text)) return false;
      return fail('true or false');
    case 'choice':
      return spec.choices.includes(text) ? text : fail(`one of ${spec.choices.join(', ')}`);
    case 'cpus':
      try {
        return parseCpuList(text);
      } catch (error) {
        return fail(`a CPU list such as 0-3,6 (${(error as Error).message})`);
      }
    case 'rate': {
      if (text === 'max') return Infinity;
      const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
      if (match === null) return fail('a rate per second (e.g. 100000, 100k, 1M) or "max"');
      const rate = Number(match[1]) * (match[2] === '' ? 1 : match[2].toLowerCase() === 'k' ? 1e3 : 1e6);
      return rate > 0 ? rate : fail('a positive rate or "max"');
    }
    case 'integer':
    case 'number': {
      const pattern = spec.type === 'integer' ? /^-?\d+$/ : /^-?\d+(?:\.\d+)?(?:e-?\d+)?$/i;
      const value = Number(text);
      const min = spec.min ?? -Infinity;
      const max = spec.max ?? Infinity;
      const range = `${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` ≤ ${max}` : ''}`;
      if (!pattern.test(text) || !Number.isFinite(value) || value < min || value > max) {
        return fail(`${spec.type === 'integer' ? 'an integer' : 'a number'}${range}`);
      }
      return value;
    }
  }
}

/** The --help rows of a command's options: flag and value placeholder, then what it does, its default and variable. */
export function optionRows(specs: OptionSpecs): Array<[string, string]> {
  return Object.entries(specs).map(([flag, spec]) => {
    const placeholder =
      spec.type === 'boolean' ? '' : spec.type === 'choice' ? ` ${spec.choices.join('|')}` : spec.type === 'cpus' ? ' LIST' : spec.type === 'rate' ? ' R|max' : ` ${spec.type === 'string' ? 'TEXT' : 'N'}`;
    const shown = spec.defaultShown ?? (spec.type !== 'cpus' && spec.default !== undefined ? (spec.default === Infinity ? 'max' : String(spec.default)) : undefined);
    return [`--${flag}${placeholder}`, `${spec.description}${shown === undefined ? '' : ` (default ${shown})`} [env ${envName(flag, spec)}]`];
  });
}

/** The --help text for a command's options. */
export function formatOptionsHelp(specs: OptionSpecs): string {
  return formatColumns(optionRows(specs)).join('\n');
}
