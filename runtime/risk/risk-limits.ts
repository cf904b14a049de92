// The pre-trade risk limits and their file format: one setting a line,
//   SCOPE FIELD VALUE        e.g.  `AAPL max_order_qty 500`, `global max_gross_position 10000`
// SCOPE is `global`, `default` (every instrument that does not set the field itself) or an
// instrument symbol. Blank lines and `#` comments are ignored. Quantities are lots, prices
// ticks, notional ticks × lots (exact as a Number below 2^53), rates orders per second.
// A bad file is refused whole (RiskLimitsError names the source, line and field): limits are
// never half applied. Flags use the same line syntax and are layered on top of the file.

/** Per-instrument fields (also valid under `default`). */
export const INSTRUMENT_FIELDS = ['enabled', 'max_order_qty', 'max_notional', 'price_band_bps', 'max_position', 'max_orders_per_s', 'order_burst'] as const;
/** Fields valid only under `global`. */
export const GLOBAL_FIELDS = [
  'max_gross_position',
  'max_orders_per_s',
  'order_burst',
  'reference_max_age_ms',
  'kill_max_loss',
  'kill_reject_storm_count',
  'kill_reject_storm_window_ms',
  'kill_order_rate_count',
  'kill_order_rate_window_ms',
  'kill_md_stale_ms',
  'kill_md_gap_records',
  'kill_session_lost_ms',
] as const;

export type InstrumentField = (typeof INSTRUMENT_FIELDS)[number];
export type GlobalField = (typeof GLOBAL_FIELDS)[number];

/** An instrument's own settings; an absent field falls back to `default`, then to "no limit" (enabled: true). */
export interface InstrumentLimits {
  enabled?: boolean;
  max_order_qty?: number;
  max_notional?: number;
  price_band_bps?: number;
  max_position?: number;
  max_orders_per_s?: number;
  order_burst?: number;
  /** The line (in `source`) that first named this instrument, for errors found later (an unknown symbol). */
  line: number;
  source: string;
}

export type GlobalLimits = Partial<Record<GlobalField, number>>;

export interface RiskLimits {
  global: GlobalLimits;
  defaults: Omit<InstrumentLimits, 'line' | 'source'>;
  instruments: Map<string, InstrumentLimits>;
}

/** The reference price may be this old before an order is refused (global reference_max_age_ms unset). */
export const DEFAULT_REFERENCE_MAX_AGE_MS = 1000;

export class RiskLimitsError extends Error {
  readonly source: string;
  readonly line: number;
  readonly field: string;
  constructor(source: string, line: number, field: string, problem: string) {
    super(`${source}:${line}: ${field === '' ? '' : `${field}: `}${problem}`);
    this.name = 'RiskLimitsError';
    this.source = source;
    this.line = line;
    this.field = field;
  }
}

export function emptyRiskLimits(): RiskLimits {
  return { global: {}, defaults: {}, instruments: new Map() };
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;
const INTEGER = /^(0|[1-9][0-9]*)$/;
const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
/** Fields that take a positive decimal (a rate); every other numeric field is a non-negative integer. */
const DECIMAL_FIELDS: ReadonlySet<string> = new Set(['max_orders_per_s']);
/** Fields where 0 would make no sense (an empty bucket, a window of nothing). */
const POSITIVE_FIELDS: ReadonlySet<string> = new Set([
  'max_orders_per_s',
  'order_burst',
  // The kill rules' counts and windows; a loss limit of 0 (any loss) and a session grace of 0 (at once) make sense.
  ...GLOBAL_FIELDS.filter((field) => field.startsWith('kill_') && field !== 'kill_max_loss' && field !== 'kill_session_lost_ms'),
]);

function parseNumber(value: string, field: string, source: string, line: number): number {
  const decimal = DECIMAL_FIELDS.has(field);
  if (!(decimal ? DECIMAL : INTEGER).test(value)) {
    throw new RiskLimitsError(source, line, field, `"${value}" is not a ${decimal ? 'non-negative number' : 'non-negative integer'}`);
  }
  const number = Number(value);
  if (!Number.isSafeInteger(Math.ceil(number))) throw new RiskLimitsError(source, line, field, `${value} is above 2^53 − 1 (not exact as a Number)`);
  if (number === 0 && POSITIVE_FIELDS.has(field)) throw new RiskLimitsError(source, line, field, 'must be greater than 0');
  return number;
}

function parseBoolean(value: string, field: string, source: string, line: number): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new RiskLimitsError(source, line, field, `"${value}" is not true or false`);
}

function copyLimits(base: RiskLimits): RiskLimits {
  const instruments = new Map<string, InstrumentLimits>();
  for (const [symbol, limits] of base.instruments) instruments.set(symbol, { ...limits });
  return { global: { ...base.global }, defaults: { ...base.defaults }, instruments };
}

/**
 * Parses `text` (named `source` in errors) on top of `base` (a copy: `base` is never changed).
 * Within one text a field set twice for the same scope is an error (a typo in a risk file must
 * not silently win); over `base` it overrides, which is how flags override the file.
 */
export function parseRiskLimits(text: string, source: string, base: RiskLimits = emptyRiskLimits()): RiskLimits {
  const limits = copyLimits(base);
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const hash = lines[index].indexOf('#');
    const content = (hash < 0 ? lines[index] : lines[index].slice(0, hash)).trim();
    if (content === '') continue;
    const words = content.split(/\s+/);
    if (words.length !== 3) throw new RiskLimitsError(source, lineNumber, words.length > 1 ? words[1] : '', `expected "SCOPE FIELD VALUE", got ${words.length} word${words.length === 1 ? '' : 's'}`);
    const [scope, field, value] = words;
    const key = `${scope} ${field}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new RiskLimitsError(source, lineNumber, field, `${scope} ${field} is already set on line ${earlier}`);
    seen.set(key, lineNumber);
    if (scope === 'global') {
      if (!(GLOBAL_FIELDS as readonly string[]).includes(field)) throw new RiskLimitsError(source, lineNumber, field, `unknown global field (known: ${GLOBAL_FIELDS.join(', ')})`);
      limits.global[field as GlobalField] = parseNumber(value, field, source, lineNumber);
      continue;
    }
    if (scope !== 'default' && !SYMBOL.test(scope)) throw new RiskLimitsError(source, lineNumber, '', `"${scope}" is not global, default or an instrument symbol`);
    if (!(INSTRUMENT_FIELDS as readonly string[]).includes(field)) throw new RiskLimitsError(source, lineNumber, field, `unknown instrument field (known: ${INSTRUMENT_FIELDS.join(', ')})`);
    const parsed = field === 'enabled' ? parseBoolean(value, field, source, lineNumber) : parseNumber(value, field, source, lineNumber);
    if (scope === 'default') {
      (limits.defaults as Record<string, number | boolean>)[field] = parsed;
      continue;
    }
    let instrument = limits.instruments.get(scope);
    if (instrument === undefined) {
      instrument = { line: lineNumber, source };
      limits.instruments.set(scope, instrument);
    }
    (instrument as unknown as Record<string, number | boolean>)[field] = parsed;
  }
  return limits;
}

/**
 * The file, then each flag (`--risk-limit "AAPL max_order_qty 100"`, the same syntax) over it.
 * Throws RiskLimitsError; the caller keeps the limits it had.
 */
export function riskLimitsWithFlags(fileText: string, fileName: string, flagLines: readonly string[]): RiskLimits {
  let limits = parseRiskLimits(fileText, fileName);
  flagLines.forEach((line, index) => {
    limits = parseRiskLimits(line, `--risk-limit #${index + 1}`, limits);
  });
  return limits;
}

/** One instrument's effective value of a numeric field: its own, else `default`, else Infinity (no limit). */
export function effectiveLimit(limits: RiskLimits, symbol: string, field: Exclude<InstrumentField, 'enabled'>): number {
  return limits.instruments.get(symbol)?.[field] ?? limits.defaults[field] ?? Infinity;
}

export function effectiveEnabled(limits: RiskLimits, symbol: string): boolean {
  return limits.instruments.get(symbol)?.enabled ?? limits.defaults.enabled ?? true;
}
