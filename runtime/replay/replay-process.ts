// `marketfeed replay`: a publishing process (publisher-process.ts: segment, TCP feed,
// heartbeat, metrics, drain, removal) whose records come from a ReplaySource, paced by
// their source times. A progress bar on a terminal, a summary line at the end, and on
// unreadable input: everything before it published, the summary naming the byte it stopped
// at, then the error thrown, for the CLI to print once as its last line (exit code 1).
import { asError } from '../observability/fatal-error.ts';
import { runPublisher, type PublisherConfig } from '../publisher/publisher-process.ts';
import { ReplayAgent } from './replay-agent.ts';
import { formatReplaySummary, startProgressBar, type ProgressBar } from './replay-progress.ts';
import type { ReplaySource } from './replay-source.ts';

export interface ReplayConfig extends PublisherConfig {
  /** How many times faster than the original; Infinity = flat out. */
  speed: number;
  /** Stop after this many records; 0 = the whole input. */
  count: number;
}

/** Plays the source (which it closes) into the feed: resolves to 0, or throws the failure once the summary is written. */
export async function runReplay(config: ReplayConfig, source: ReplaySource, terminal: NodeJS.WriteStream = process.stderr): Promise<number> {
  let agent: ReplayAgent | undefined;
  let progress: ProgressBar | undefined;
  let durationS = 0;
  let closed = false;
  const close = (): void => {
    if (!closed) source.close();
    closed = true;
  };
  let failure: Error | undefined;
  try {
    await runPublisher(config, {
      role: 'replay',
      logFields: { source: source.description, bytes: source.totalBytes, speed: Number.isFinite(config.speed) ? config.speed : 'max' },
      createAgent: (transmitter) => (agent = new ReplayAgent(transmitter, source, { speed: config.speed, count: config.count })),
      started: () => {
        progress = startProgressBar(terminal, source, () => agent?.sent ?? 0);
      },
      stopped: () => {
        progress?.stop();
        const replay = agent!;
        durationS = replay.elapsedNs() / 1e9;
        const fields = {
          source: source.description,
          speed: Number.isFinite(config.speed) ? config.speed : 'max',
          bytesRead: source.bytesRead,
          totalBytes: source.totalBytes,
          replayS: Math.round(durationS * 1000) / 1000,
          sourceSpanS: replay.firstSourceNs < 0 ? 0 : (replay.lastSourceNs - replay.firstSourceNs) / 1e9,
          ...(source.eventCounts === undefined ? {} : { events: source.eventCounts() }),
          ...(replay.failure === undefined ? {} : { error: { message: replay.failure.message, file: replay.failure.file, offset: replay.failure.offset } }),
        };
        close();
        return fields;
      },
    });
  } catch (error) {
    failure = asError(error);
  } finally {
    close();
  }
  if (agent !== undefined) {
    terminal.write(formatReplaySummary({ records: agent.sent, durationS, description: source.description, error: agent.failure, events: source.eventCounts?.() }));
  }
  // After the summary: the CLI's last line names the failure.
  if (failure !== undefined) throw failure;
  return 0;
}
