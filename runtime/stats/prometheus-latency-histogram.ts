// Exposes a LatencyRecorder as a Prometheus histogram (seconds, power-of-two buckets from
// 128 ns to 68 s). prom-client's own Histogram costs a label lookup and a bucket search
// per observe(); this one reads counters the recorder already keeps, at scrape time only.
import type { Metric, Registry } from 'prom-client';
import { MAX_BUCKET_POWER, MIN_BUCKET_POWER, type LatencyRecorder } from './latency-recorder.ts';

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

export class PrometheusLatencyHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly labels: Record<string, string>;
  private readonly source: () => LatencyRecorder | undefined;

  constructor(name: string, help: string, labels: Record<string, string>, source: () => LatencyRecorder | undefined) {
    this.name = name;
    this.help = help;
    this.labels = labels;
    this.source = source;
  }

  register(registry: Registry): void {
    // prom-client accepts any object with get(); its typings only list its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const recorder = this.source();
    const counts = recorder?.powerOfTwoCounts;
    const values: MetricValue[] = [];
    let cumulative = 0;
    for (let k = MIN_BUCKET_POWER; k <= MAX_BUCKET_POWER; k++) {
      cumulative += counts?.[k] ?? 0;
      values.push({ value: cumulative, labels: { ...this.labels, le: 2 ** k / 1e9 }, metricName: `${this.name}_bucket` });
    }
    cumulative += counts?.[MAX_BUCKET_POWER + 1] ?? 0;
    values.push({ value: cumulative, labels: { ...this.labels, le: '+Inf' }, metricName: `${this.name}_bucket` });
    values.push({ value: (recorder?.sumNs ?? 0) / 1e9, labels: this.labels, metricName: `${this.name}_sum` });
    values.push({ value: cumulative, labels: this.labels, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}
