// Checking a measured figure against a target; a figure that is missing misses.
import type { TargetResult } from './bench-report.ts';

export function atLeast(description: string, measured: number | undefined, target: number, format: (value: number) => string): TargetResult {
  return measured === undefined ? notMeasured(description) : { description, measured: format(measured), met: measured >= target };
}

export function atMost(description: string, measured: number | undefined, target: number, format: (value: number) => string): TargetResult {
  return measured === undefined ? notMeasured(description) : { description, measured: format(measured), met: measured <= target };
}

function notMeasured(description: string): TargetResult {
  return { description, measured: 'not measured', met: false };
}
