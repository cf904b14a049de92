// Prometheus metrics whose values live in plain fields of hot-path objects: the hot path
// bumps a number, and prom-client reads it only when /metrics is scraped.
import { Counter, Gauge, type Registry } from 'prom-client';

/** A counter that follows a monotonically growing number. */
export function polledCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value > reported) this.inc(value - reported);
      reported = value;
    },
  });
}

export function polledGauge(registry: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
