// Spawns the real `marketfeed` CLI (on the Node running the tests) and collects its output:
// stdout lines (the --json summary), stderr pino lines (parsed), the exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'runtime', 'cli', 'marketfeed.ts');

export interface CliRun {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Parsed pino lines from stderr. */
  logs: Array<Record<string, unknown>>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line whose msg matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** The last stdout line parsed as JSON (the --json summary). */
  summary(): Record<string, unknown>;
}

/** The CLI with `args` as one shell command line (each word single-quoted), for a test that runs it through bash or `script`. */
export function cliCommandLine(args: readonly string[]): string {
  return [process.execPath, CLI, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
}

const running = new Set<ChildProcess>();

/** Kills every CLI process a test started and left running (a failed assertion skips its own stop). */
export async function killLeftoverProcesses(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill('SIGKILL');
  await Promise.all(left.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('close', resolve)))));
}

/**
 * detached: the CLI leads a process group of its own, so a test can signal the group as a terminal's Ctrl-C does.
 * script: another entry point of the CLI than the TypeScript sources (e.g. the operator's bundle).
 */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { detached?: boolean; script?: string } = {}): CliRun {
  const child = spawn(process.execPath, [options.script ?? CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: options.detached ?? false });
  running.add(child);
  child.once('close', () => running.delete(child));
  const stdout: string[] = [];
  const stderr: string[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ msg: string | RegExp; resolve: (log: Record<string, unknown>) => void }> = [];
  const matches = (log: Record<string, unknown>, msg: string | RegExp): boolean =>
    typeof log.msg === 'string' && (typeof msg === 'string' ? log.msg === msg : msg.test(log.msg));
  readline.createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  readline.createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line);
    if (!line.startsWith('{')) return;
    try {
      const log = JSON.parse(line) as Record<string, unknown>;
      logs.push(log);
      for (const waiter of waiters.filter((w) => matches(log, w.msg))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(log);
      }
    } catch {
      // not a log line
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    stdout,
    stderr,
    logs,
    exit,
    waitForLog(msg, timeoutMs = 20_000) {
      const found = logs.find((log) => matches(log, msg));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no log "${String(msg)}" within ${timeoutMs} ms; stderr:\n${stderr.join('\n')}`)), timeoutMs);
        waiters.push({
          msg,
          resolve: (log) => {
            clearTimeout(timer);
            resolve(log);
          },
        });
        void exit.then(() => {
          clearTimeout(timer);
          reject(new Error(`process exited before logging "${String(msg)}"; stderr:\n${stderr.join('\n')}`));
        });
      });
    },
    summary() {
      const last = stdout.findLast((line) => line.startsWith('{'));
      if (last === undefined) throw new Error(`no JSON summary on stdout; stderr:\n${stderr.join('\n')}`);
      return JSON.parse(last) as Record<string, unknown>;
    },
  };
}

/** Runs the CLI to completion. */
export async function runCliToEnd(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { script?: string } = {}): Promise<CliRun & { code: number | null }> {
  const run = runCli(args, env, options);
  const { code } = await run.exit;
  return { ...run, code };
}
