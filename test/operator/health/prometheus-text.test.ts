// The Prometheus text parser the health loop reads the feed pods with: prom-client's own
// output (counters, gauges, histograms, labels with escapes) parses to the values
// registered; any text either parses or fails with a MetricsParseError naming the line.
import fc from 'fast-check';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsParseError, parsePrometheusText, type Sample } from '../../../operator/health/prometheus-text.ts';

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function format(samples: readonly Sample[]): string {
  return samples
    .map((sample) => {
      const labels = Object.entries(sample.labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`);
      return `${sample.name}${labels.length === 0 ? '' : `{${labels.join(',')}}`} ${formatValue(sample.value)}`;
    })
    .join('\n');
}

const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
const sample: fc.Arbitrary<Sample> = fc.record({
  name: metricName,
  labels: fc.dictionary(labelName, fc.string({ maxLength: 20 }), { maxKeys: 4 }),
  value: fc.oneof(fc.double(), fc.integer().map(Number)),
});

describe('parsePrometheusText', () => {
  it("reads prom-client's own text: counters, gauges, histograms, default labels and escaped label values", async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ pod: 'feed-"x"\\y\nz' });
    new Counter({ name: 'marketfeed_received_records_total', help: 'Records', registers: [registry] }).inc(1234);
    new Gauge({ name: 'marketfeed_tcp_subscribers', help: 'TCP subscribers', registers: [registry] }).set(3);
    const histogram = new Histogram({ name: 'latency_seconds', help: 'h', buckets: [0.001, 0.01], labelNames: ['kind'], registers: [registry] });
    histogram.observe({ kind: 'a' }, 0.0005);
    histogram.observe({ kind: 'a' }, 0.5);
    const parsed = parsePrometheusText(await registry.metrics());
    expect(parsed.types.get('marketfeed_received_records_total')).toBe('counter');
    expect(parsed.types.get('latency_seconds')).toBe('histogram');
    expect(parsed.samples).toContainEqual({ name: 'marketfeed_received_records_total', labels: { pod: 'feed-"x"\\y\nz' }, value: 1234 });
    expect(parsed.samples).toContainEqual({ name: 'marketfeed_tcp_subscribers', labels: { pod: 'feed-"x"\\y\nz' }, value: 3 });
    expect(parsed.samples).toContainEqual({ name: 'latency_seconds_bucket', labels: { le: '+Inf', kind: 'a', pod: 'feed-"x"\\y\nz' }, value: 2 });
    expect(parsed.samples).toContainEqual({ name: 'latency_seconds_bucket', labels: { le: '0.001', kind: 'a', pod: 'feed-"x"\\y\nz' }, value: 1 });
  });

  it('accepts timestamps, NaN and infinities, blank lines, CRLF and other comments', () => {
    const parsed = parsePrometheusText('# a comment\r\n\r\nx 1 1700000000000\r\ny NaN\nz{a="b"} +Inf\nw -Inf\n');
    expect(parsed.samples.map((s) => s.value)).toEqual([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  });

  it.each([
    ['<html>502 Bad Gateway</html>', 'line 1: not a sample'],
    ['ok 1\nbroken{le="1" 2', 'line 2: expected , or } after label le'],
    ['x{a="1",a="2"} 3', 'label a appears twice'],
    ['x 1.2.3', 'not a number'],
    ['x{a="\\t"} 1', 'bad escape'],
    ['x{a="open} 1', 'unterminated value of label a'],
    ['x 1 2 3', 'expected a value and an optional timestamp'],
    ['# TYPE x countr', 'unknown metric type'],
  ])('rejects %j with a MetricsParseError naming the line', (text, problem) => {
    expect(() => parsePrometheusText(text)).toThrow(MetricsParseError);
    expect(() => parsePrometheusText(text)).toThrow(problem);
  });

  it('parses what it formats (any names, label values and values)', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 20 }), (samples) => {
        const parsed = parsePrometheusText(format(samples)).samples;
        expect(parsed).toHaveLength(samples.length);
        parsed.forEach((got, index) => {
          expect(got.name).toBe(samples[index].name);
          expect(got.labels).toEqual(samples[index].labels);
          expect(Object.is(got.value, samples[index].value) || got.value === samples[index].value).toBe(true);
        });
      }),
    );
  });

  it('either parses any text or throws a MetricsParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(sample, { maxLength: 5 }).chain((samples) => fc.nat().map((cut) => format(samples).slice(0, cut)))), (text) => {
        try {
          parsePrometheusText(text);
        } catch (error) {
          expect(error).toBeInstanceOf(MetricsParseError);
          expect((error as Error).message).toMatch(/^line \d+: /);
        }
      }),
    );
  });
});
