// What stops the demo, once: the first SIGINT (Ctrl-C), SIGTERM or SIGHUP (terminal
// closed), --duration, its output going away, or a child ending by itself. Whatever
// comes later changes nothing: each child has had its one SIGTERM.
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export type DemoStopReason = (typeof STOP_SIGNALS)[number] | 'duration' | 'output closed' | 'child exited';

export class DemoStop {
  private current: DemoStopReason | undefined;
  private readonly listeners: Array<(reason: DemoStopReason) => void> = [];

  get reason(): DemoStopReason | undefined {
    return this.current;
  }

  /** Stops for this reason unless already stopping. */
  request(reason: DemoStopReason): void {
    if (this.current !== undefined) return;
    this.current = reason;
    for (const listener of this.listeners) listener(reason);
  }

  /** Runs listener on the stop, at once if it has already come. */
  onStop(listener: (reason: DemoStopReason) => void): void {
    if (this.current !== undefined) listener(this.current);
    else this.listeners.push(listener);
  }

  /**
   * Turns the stop signals into requests. The handlers stay until the process exits, so
   * that a signal that comes late never turns a clean stop into death by that signal.
   */
  listenForSignals(say: (line: string) => void, afterRepeat: string): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.current === undefined) {
        say(`stopping (${signal})\n`);
        this.request(signal as DemoStopReason);
      } else {
        say(`already stopping (${signal} again): ${afterRepeat}\n`);
      }
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  }
}
