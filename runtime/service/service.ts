// What every long-running marketfeed process shares: pino logger, CPU placement (pinning
// and reporting), a prom-client registry behind the metrics server, readiness, stop on
// SIGTERM/SIGINT, after --duration or when its supervisor is gone (--stop-with-parent), the
// final --json summary on stdout, and the fatal log line of a failure (fatal-error.ts: the
// CLI adds the plain line).
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AgentRunner } from '../agent/agent-runner.ts';
import { placeOnCpus, type CpuPlacement } from '../cpu/cpu-pinning.ts';
import { asError, logFatal } from '../observability/fatal-error.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { startMetricsServer, type MetricsServer } from '../observability/metrics-server.ts';
import { watchParent } from './parent-watch.ts';
import type { ProcessSettings } from './process-settings.ts';

export interface ServiceOptions extends Omit<ProcessSettings, 'reportIntervalS'> {
  role: string;
  metricsHost?: string;
  /** Extra fields on every log line and as Prometheus default labels (e.g. the feed). */
  labels?: Record<string, string>;
}

export type StopReason = 'SIGTERM' | 'SIGINT' | 'duration' | 'parent-exited' | 'done' | 'error';

export class Service {
  readonly logger: Logger;
  readonly registry = new Registry();
  readonly placement: CpuPlacement;
  readonly startedAtMs = Date.now();
  private readonly options: ServiceOptions;
  private metricsServer: MetricsServer | undefined;
  private notReadyReason: string | undefined = 'starting';
  private stopReason: StopReason | undefined;
  private readonly stopListeners: Array<(reason: StopReason) => void> = [];
  private durationTimer: NodeJS.Timeout | undefined;
  private unwatchParent: (() => void) | undefined;
  private signalled = false;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // Only a second signal means "now": a first one during a stop of its own (an error,
    // --duration) lets that stop finish its clean-up.
    if (this.signalled) {
      this.logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(130);
    }
    this.signalled = true;
    this.stop(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  };

  private constructor(options: ServiceOptions, logger: Logger) {
    this.options = options;
    this.logger = logger;
    this.placement = placeOnCpus(options.cpus);
    if (options.labels !== undefined) this.registry.setDefaultLabels(options.labels);
    collectDefaultMetrics({ register: this.registry, prefix: 'marketfeed_' });
  }

  /** Starts the service; a failure to start (a CPU not available, the metrics port in use) is logged as fatal and thrown. */
  static async start(options: ServiceOptions): Promise<Service> {
    const logger = createLogger(options.role, options.logLevel, options.logFormat).child(options.labels ?? {});
    try {
      return await Service.startWith(options, logger);
    } catch (error) {
      logFatal(logger, error);
      throw error;
    }
  }

  private static async startWith(options: ServiceOptions, logger: Logger): Promise<Service> {
    const service = new Service(options, logger);
    // Before the first log line: a supervisor (the demo) that has seen one may signal.
    process.on('SIGTERM', service.onSignal);
    process.on('SIGINT', service.onSignal);
    const { requested, allowed } = service.placement;
    service.logger.info(
      { cpusRequested: requested ?? null, cpusAllowed: allowed, node: process.version },
      requested === undefined ? `running on the CPUs given: ${allowed}` : `pinned to CPUs ${requested}; allowed now: ${allowed}`,
    );
    service.metricsServer = await startMetricsServer({
      port: options.metricsPort,
      ...(options.metricsHost === undefined ? {} : { host: options.metricsHost }),
      registry: service.registry,
      notReadyReason: () => service.notReadyReason,
      logger: service.logger,
    });
    if (options.durationS > 0) {
      service.durationTimer = setTimeout(() => service.stop('duration'), options.durationS * 1000);
      service.durationTimer.unref();
    }
    const parent = options.stopWithParent;
    if (parent !== undefined) {
      service.unwatchParent = watchParent(parent, () => {
        service.logger.warn({ parentPid: parent }, `process ${parent}, which started this one (--stop-with-parent), is gone: stopping`);
        service.stop('parent-exited');
      });
    }
    return service;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  setReady(): void {
    this.notReadyReason = undefined;
  }

  setNotReady(reason: string): void {
    this.notReadyReason = reason;
  }

  get stopping(): boolean {
    return this.stopReason !== undefined;
  }

  /**
   * The failure that ends the process: logged once as fatal (its stack only if it is a bug),
   * and the service stops. Returns the error, for the process to throw once it has cleaned up.
   */
  fail(error: unknown): Error {
    logFatal(this.logger, error);
    this.stop('error');
    return asError(error);
  }

  /** Asks the service to stop; listeners run once, in order. */
  stop(reason: StopReason): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    this.notReadyReason = 'stopping';
    this.logger.info({ reason }, 'stopping');
    for (const listener of this.stopListeners) listener(reason);
  }

  onStop(listener: (reason: StopReason) => void): void {
    if (this.stopReason !== undefined) listener(this.stopReason);
    else this.stopListeners.push(listener);
  }

  /**
   * Runs the agent until it is done or the service stops; a failure of the agent is
   * logged and returned, not thrown, so the caller still cleans up and reports.
   */
  async runAgent(runner: AgentRunner, beforeStop?: () => Promise<void>): Promise<{ elapsedS: number; failure: Error | undefined }> {
    // The agent keeps running while `beforeStop` works (e.g. FIX sessions logging out still trade and publish).
    this.onStop(() => (beforeStop === undefined ? runner.stop() : void beforeStop().finally(() => runner.stop())));
    const startedMs = performance.now();
    let failure: Error | undefined;
    try {
      await runner.run();
    } catch (error) {
      failure = this.fail(error);
    }
    return { elapsedS: (performance.now() - startedMs) / 1000, failure };
  }

  /** Closes the metrics server, logs the summary and prints it on stdout with --json. */
  async finish(summary: Record<string, unknown>): Promise<void> {
    if (this.durationTimer !== undefined) clearTimeout(this.durationTimer);
    this.unwatchParent?.();
    process.off('SIGTERM', this.onSignal);
    process.off('SIGINT', this.onSignal);
    await this.metricsServer?.close();
    const full = { role: this.options.role, ...this.options.labels, ...summary, cpus: this.placement, stopReason: this.stopReason ?? 'done' };
    this.logger.info({ summary: full }, 'summary');
    if (this.options.json) process.stdout.write(`${JSON.stringify(full)}\n`);
  }
}
