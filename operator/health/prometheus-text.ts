// A parser of the Prometheus text exposition format (version 0.0.4, what prom-client
// writes): `# HELP` / `# TYPE` lines, other comments, and samples
// `name{label="value",…} value [timestamp]` with the escapes \\ \" \n in label values and
// the values NaN, +Inf, -Inf. Anything else is a MetricsParseError naming the line, so that
// a malformed endpoint becomes a clear status reason instead of a wrong number.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedMetrics {
  samples: Sample[];
  /** Family name → declared type (counter, gauge, histogram, summary, untyped). */
  types: Map<string, string>;
}

export class MetricsParseError extends Error {
  override readonly name = 'MetricsParseError';
  constructor(line: number, problem: string) {
    super(`line ${line}: ${problem}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const METRIC_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const MAX_LINE_PREVIEW = 80;

function preview(text: string): string {
  return JSON.stringify(text.length > MAX_LINE_PREVIEW ? `${text.slice(0, MAX_LINE_PREVIEW)}…` : text);
}

/** A sample value: a Go float (ParseFloat) as Prometheus accepts it. */
export function parseSampleValue(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Reads `{a="x",b="y"}` from `text` at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(text: string, start: number, lineNumber: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let index = start + 1;
  for (;;) {
    while (text[index] === ' ') index++;
    if (text[index] === '}') return { labels, end: index + 1 };
    const name = LABEL_NAME.exec(text.slice(index))?.[0];
    if (name === undefined) throw new MetricsParseError(lineNumber, `expected a label name at column ${index + 1}`);
    index += name.length;
    while (text[index] === ' ') index++;
    if (text[index] !== '=' || text[index + 1] !== '"') throw new MetricsParseError(lineNumber, `expected ="…" after label ${name}`);
    index += 2;
    let value = '';
    for (;;) {
      const char = text[index];
      if (char === undefined) throw new MetricsParseError(lineNumber, `unterminated value of label ${name}`);
      index++;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = text[index++];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new MetricsParseError(lineNumber, `bad escape \\${escaped ?? ''} in label ${name}`);
      } else {
        value += char;
      }
    }
    if (Object.hasOwn(labels, name)) throw new MetricsParseError(lineNumber, `label ${name} appears twice`);
    labels[name] = value;
    while (text[index] === ' ') index++;
    if (text[index] === ',') index++;
    else if (text[index] !== '}') throw new MetricsParseError(lineNumber, `expected , or } after label ${name}`);
  }
}

function parseSampleLine(line: string, lineNumber: number): Sample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (name === undefined) throw new MetricsParseError(lineNumber, `not a sample: ${preview(line)}`);
  let index = name.length;
  let labels: Record<string, string> = {};
  if (line[index] === '{') ({ labels, end: index } = parseLabels(line, index, lineNumber));
  const rest = line.slice(index).trim().split(/[ \t]+/);
  if (line[index] !== ' ' && line[index] !== '\t') throw new MetricsParseError(lineNumber, `expected a space before the value: ${preview(line)}`);
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') throw new MetricsParseError(lineNumber, `expected a value and an optional timestamp: ${preview(line)}`);
  const value = parseSampleValue(rest[0]);
  if (value === undefined) throw new MetricsParseError(lineNumber, `not a number: ${preview(rest[0])}`);
  if (rest[1] !== undefined && !/^-?\d+$/.test(rest[1])) throw new MetricsParseError(lineNumber, `not a timestamp: ${preview(rest[1])}`);
  return { name, labels, value };
}

export function parsePrometheusText(text: string): ParsedMetrics {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, '').trim();
    const lineNumber = index + 1;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const match = /^#\s*TYPE\s+(\S+)\s+(\S+)\s*$/.exec(line);
      if (match !== null) {
        const [, family, type] = match as unknown as [string, string, string];
        if (!METRIC_TYPES.has(type)) throw new MetricsParseError(lineNumber, `unknown metric type ${preview(type)}`);
        types.set(family, type);
      }
      continue;
    }
    samples.push(parseSampleLine(line, lineNumber));
  }
  return { samples, types };
}
