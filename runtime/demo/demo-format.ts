// The demo's live line: publisher rate, then per consumer rate, latency percentiles, gaps.
export interface PublisherLine {
  rate: number;
  sent: number;
}

export interface ConsumerLine {
  rate: number;
  p50_ns: number;
  p99_ns: number;
  p999_ns: number;
  max_ns: number;
  gaps: number;
  lost: number;
}

/** 412 ns, 3.1 µs, 2.45 ms, 1.20 s: three significant figures, readable units. */
export function formatNs(ns: number): string {
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${(ns / 1e3).toPrecision(3)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

export function formatDemoLine(elapsedS: number, publisher: PublisherLine | undefined, consumers: Array<{ name: string; line: ConsumerLine | undefined }>): string {
  const parts = [`[${String(elapsedS).padStart(4)}s] publisher ${publisher === undefined ? 'starting' : `${publisher.rate.toLocaleString('en-US')}/s`}`];
  for (const { name, line } of consumers) {
    parts.push(
      line === undefined
        ? `${name} attaching`
        : `${name} ${line.rate.toLocaleString('en-US')}/s p50 ${formatNs(line.p50_ns)} p99 ${formatNs(line.p99_ns)} p99.9 ${formatNs(line.p999_ns)} max ${formatNs(line.max_ns)} gaps ${line.gaps} (lost ${line.lost})`,
    );
  }
  return parts.join(' | ');
}
