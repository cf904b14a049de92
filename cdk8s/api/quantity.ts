// Kubernetes resource quantities (`500m`, `1Gi`, `1e3`) in the canonical form the API server
// stores them in (k8s.io/apimachinery resource.Quantity: parse, round up to nano units,
// CanonicalizeBytes): `1000m` → `1`, `1024Mi` → `1Gi`, `0.5` → `500m`, `1500` → `1500`,
// `2000` → `2k`. A desired object carrying a non-canonical form never equals the stored one.
// Exact arithmetic with BigInt: value = mantissa × 10^exponent.

interface Parsed {
  mantissa: bigint;
  exponent: number;
  format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;
/** Quantities keep nano precision; anything finer is rounded up (as the API server does). */
const MIN_EXPONENT = -9;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function parse(text: string): Parsed | undefined {
  const match = QUANTITY.exec(text);
  if (match === null) return undefined;
  const [, sign, number, suffix = ''] = match;
  const [whole, fraction = ''] = number.split('.');
  let mantissa = BigInt(`${whole}${fraction}` || '0') * (sign === '-' ? -1n : 1n);
  let exponent = -fraction.length;
  let format: Parsed['format'] = 'DecimalSI';
  if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    mantissa *= 1024n ** BigInt(BINARY_SUFFIXES[suffix]);
  } else if (suffix in DECIMAL_SUFFIXES) {
    exponent += DECIMAL_SUFFIXES[suffix];
  } else {
    format = 'DecimalExponent';
    exponent += Number(suffix.slice(1));
  }
  if (exponent < MIN_EXPONENT) {
    // Round up (towards +∞) to nano units.
    const divisor = pow10(MIN_EXPONENT - exponent);
    const quotient = mantissa / divisor;
    mantissa = quotient * divisor < mantissa ? quotient + 1n : quotient;
    exponent = MIN_EXPONENT;
  }
  return { mantissa, exponent, format };
}

function decimalForm(mantissa: bigint, exponent: number, format: Parsed['format']): string {
  // Strip factors of ten, then lower the exponent to a multiple of three.
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const remainder = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(remainder);
  exponent -= remainder;
  if (format === 'DecimalExponent') return `${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, value]) => value === exponent)?.[0];
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

function binaryForm(value: bigint): string {
  let power = 0;
  while (power < 6 && value % 1024n === 0n) {
    value /= 1024n;
    power++;
  }
  return `${value}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][power]}`;
}

/** The canonical text of a quantity, or undefined when `value` is not one. JSON numbers are quantities too. */
export function canonicalQuantity(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  // A JSON number such as 1e-7 prints with an exponent the quantity grammar also accepts.
  const parsed = parse(text.replace(/e\+/, 'e'));
  if (parsed === undefined) return undefined;
  const { mantissa, exponent, format } = parsed;
  if (mantissa === 0n) return '0';
  if (format === 'BinarySI') {
    const magnitude = mantissa < 0n ? -mantissa : mantissa;
    // Below 1024, or not a whole number of bytes: shown as decimal to avoid rounding.
    if (exponent >= 0 && magnitude * pow10(exponent) >= 1024n) return binaryForm(mantissa * pow10(exponent));
    if (exponent < 0 && mantissa % pow10(-exponent) === 0n && magnitude / pow10(-exponent) >= 1024n) return binaryForm(mantissa / pow10(-exponent));
    return decimalForm(mantissa, exponent, 'DecimalSI');
  }
  return decimalForm(mantissa, exponent, format);
}
