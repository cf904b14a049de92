// Where and on what a bench ran, for the results file and the printed header.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpus: number;
  node: string;
  model: string;
}

export function machineInfo(): MachineInfo {
  return { cpus: os.availableParallelism(), node: process.version, model: os.cpus()[0]?.model ?? 'unknown' };
}

/** Short hash of HEAD in the given checkout, or "unknown" outside git. */
export function gitCommit(directory: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: directory, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
