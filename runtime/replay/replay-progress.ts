// What `marketfeed replay` shows a person on stderr: a progress bar redrawn in place while
// it runs (only on a terminal) and one summary line at the end (always). The bar line ends
// with a carriage return, so a log line written meanwhile overwrites it and the next
// redraw starts on a fresh line. It is cut to the terminal's width: a line that wrapped
// would leave its first row behind at every redraw.
import type { ReplayInputError, ReplaySource, SourceEventCounts } from './replay-source.ts';

export interface ProgressState {
  bytesRead: number;
  totalBytes: number;
  records: number;
  /** Records per second since the previous redraw. */
  ratePerS: number;
}

const BAR_WIDTH = 30;
const REDRAW_MS = 200;

export function formatProgress(state: ProgressState): string {
  const fraction = state.totalBytes > 0 ? Math.min(1, state.bytesRead / state.totalBytes) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ` +
    `${formatBytes(state.bytesRead)} / ${formatBytes(state.totalBytes)}  ${formatCount(state.records)} records  ${formatCount(Math.round(state.ratePerS))}/s`
  );
}

export interface ReplayOutcome {
  records: number;
  durationS: number;
  description: string;
  /** The input error the replay stopped at: the summary names its position, the CLI's last line the error. */
  error: ReplayInputError | undefined;
  events?: SourceEventCounts | undefined;
}

/** Below this a rate says more about the clock than about the replay. */
const MIN_RATE_DURATION_S = 0.01;

export function formatReplaySummary(outcome: ReplayOutcome): string {
  const rate = outcome.records > 1 && outcome.durationS >= MIN_RATE_DURATION_S ? ` (${formatCount(Math.round(outcome.records / outcome.durationS))} records/s)` : '';
  let text = `replayed ${formatCount(outcome.records)} records in ${outcome.durationS.toFixed(3)} s${rate} from ${outcome.description}\n`;
  const events = outcome.events;
  if (events !== undefined) {
    const deeper = events.deeperThanOrderbook ?? 0;
    const deeperText = deeper > 0 ? `, ${formatCount(deeper)} at prices deeper than the orderbook file shows (applied, not checked against it)` : '';
    text += `  ${formatCount(events.events)} events read, ${formatCount(events.rejected)} refused, ${formatCount(events.unseen)} ${unseenMeaning(events)}${deeperText}\n`;
    if (events.rejected > 0) text += `warning: ${formatCount(events.rejected)} events were refused (the book or the event itself was inconsistent) and changed nothing\n`;
  }
  if (outcome.error === undefined) return text;
  // Not the error itself: the CLI's last line (`marketfeed replay: …`) says it, once.
  return `${text}stopped at byte ${outcome.error.offset} of ${outcome.error.file} by the error below: every record before it was published\n`;
}

/** What the skipped events were: which orders a book does not hold depends on how it started. */
function unseenMeaning(events: SourceEventCounts): string {
  return events.seeded === false
    ? 'for orders placed before the file starts (skipped: without an orderbook file the book does not hold them)'
    : 'for orders placed before the file starts that the orderbook file does not show (skipped)';
}

export interface ProgressBar {
  stop(): void;
}

/** Redraws the bar on `out` every 200 ms until stop(), which clears it. Nothing unless `out` is a terminal. */
export function startProgressBar(out: NodeJS.WriteStream, source: ReplaySource, records: () => number): ProgressBar {
  if (out.isTTY !== true) return { stop: () => undefined };
  let lastRecords = 0;
  let lastMs = performance.now();
  const draw = (): void => {
    const nowMs = performance.now();
    const count = records();
    const ratePerS = ((count - lastRecords) * 1000) / Math.max(nowMs - lastMs, 1);
    lastRecords = count;
    lastMs = nowMs;
    const line = formatProgress({ bytesRead: source.bytesRead, totalBytes: source.totalBytes, records: count, ratePerS });
    const width = out.columns > 1 ? out.columns - 1 : line.length;
    out.write(`${line.slice(0, width)}\x1b[K\r`);
  };
  const timer = setInterval(draw, REDRAW_MS);
  return {
    stop() {
      clearInterval(timer);
      out.write('\x1b[K');
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
