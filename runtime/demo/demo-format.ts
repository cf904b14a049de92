// What the demo prints: the plan first (what runs where, and why), then a live line a
// second with the publisher's rate and, per consumer, rate, latency percentiles, gaps.
import { formatCpuList } from '../cpu/cpu-list.ts';
import type { DemoPlan, DemoProcessPlan } from './demo-plan.ts';

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

export interface DemoFeed {
  feed: string;
  instruments: number;
  /** quotes per second; Infinity = as fast as the publisher can */
  rate: number;
  cpuCount: number;
}

/** The plan lines: feed, rate, CPUs, how many processes busy-spin and why, then each process's idle strategy and CPUs. */
export function formatDemoPlan(feed: DemoFeed, plan: DemoPlan): string {
  const rate = Number.isFinite(feed.rate) ? `${feed.rate.toLocaleString('en-US')} quotes/s` : 'the highest rate it can (--rate max)';
  const describe = (p: DemoProcessPlan): string => `${p.name} ${p.idle}${p.cpus === undefined ? '' : ` on CPU ${formatCpuList(p.cpus)}`}`;
  return (
    `marketfeed demo: feed ${feed.feed}, ${feed.instruments} instruments at ${rate}, ${feed.cpuCount} CPUs, ` +
    `${plan.spinners} busy-spinning process${plan.spinners === 1 ? '' : 'es'} (${plan.reason})\n` +
    `  ${[plan.publisher, ...plan.consumers].map(describe).join('; ')}\n` +
    `  latency = one-way, publish → receipt, CLOCK_MONOTONIC; Ctrl-C to stop\n`
  );
}
