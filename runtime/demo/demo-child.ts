// One child process of the demo, stopped once, gracefully, whenever the stop comes:
// - it leads a process group of its own, so a terminal's Ctrl-C (SIGINT to the
//   foreground group) reaches only the demo, which stops each child exactly once; a
//   second signal would make a child exit at once, without its clean-up;
// - it gets SIGTERM only once it has said it handles one: a marketfeed service logs its
//   first line after installing its handlers, and before that SIGTERM would simply kill
//   it (the publisher took over 3 s to start on a busy machine). A stop asked earlier is
//   held until that line;
// - SIGKILL only if it has not exited graceMs after its SIGTERM (or startupLimitMs after
//   the stop, if it never finishes starting).
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DemoChildOptions {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  graceMs: number;
  startupLimitMs: number;
  onStdoutLine(line: string): void;
  /** A stderr line, with its parsed pino event when it is one. */
  onStderrLine(line: string, event: Record<string, unknown> | undefined): void;
}

export class DemoChild {
  readonly name: string;
  /** Resolves once the child has exited and its output is read. */
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;
  private readonly options: DemoChildOptions;
  private signalsHandled = false;
  private stopAsked = false;
  private running = true;
  private killTimer: NodeJS.Timeout | undefined;
  private killedForLateness = false;

  constructor(options: DemoChildOptions) {
    this.name = options.name;
    this.options = options;
    this.child = spawn(options.command, options.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: options.env });
    this.exited = new Promise((resolve) => {
      const ended = (exit: ChildExit): void => {
        this.running = false;
        clearTimeout(this.killTimer);
        resolve(exit);
      };
      this.child.once('close', (code, signal) => ended({ code, signal }));
      this.child.once('error', (error) => {
        options.onStderrLine(`cannot start: ${error.message}`, undefined);
        ended({ code: null, signal: null });
      });
    });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => options.onStdoutLine(line));
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => {
      const event = parseJsonLine(line);
      const isLogLine = typeof event?.msg === 'string';
      if (isLogLine && !this.signalsHandled) {
        this.signalsHandled = true;
        if (this.stopAsked) this.terminate();
      }
      options.onStderrLine(line, isLogLine ? event : undefined);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether it had to be killed with SIGKILL for not stopping in time. */
  get killed(): boolean {
    return this.killedForLateness;
  }

  /** Whether it has logged a line, and so handles SIGTERM. */
  get started(): boolean {
    return this.signalsHandled;
  }

  /** Asks it to stop (idempotent): SIGTERM now if it handles one, else as soon as it does. */
  stop(): void {
    if (this.stopAsked || !this.running) return;
    this.stopAsked = true;
    if (this.signalsHandled) this.terminate();
    else this.killAfter(this.options.startupLimitMs);
  }

  /** Last resort when the demo itself dies: nothing may keep spinning after it. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  private terminate(): void {
    this.child.kill('SIGTERM');
    this.killAfter(this.options.graceMs);
  }

  private killAfter(ms: number): void {
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => {
      this.killedForLateness = true;
      this.child.kill('SIGKILL');
    }, ms);
  }
}

/** A line holding one JSON object (a pino line, a --json summary), parsed; else undefined. */
export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
