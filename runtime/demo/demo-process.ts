// `marketfeed demo` (`npm start`): a publisher and two SHM consumers as child processes of
// the real CLI, on an embedded default configuration, with one live line per second
// built from the children's own pino log lines, until Ctrl-C, SIGTERM or --duration;
// then every child is stopped once, gracefully (demo-child.ts), and the segment is gone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCpuList } from '../cpu/cpu-list.ts';
import { cpuBusyShare } from '../cpu/cpu-load.ts';
import { native } from '../native/native-addon.ts';
import { segmentPath } from '../shm/segment-name.ts';
import { DemoChild, parseJsonLine, type ChildExit } from './demo-child.ts';
import { formatDemoLine, formatDemoPlan, type ConsumerLine, type PublisherLine } from './demo-format.ts';
import { planDemo, spinBudget, type DemoProcessPlan, type SpinPolicy } from './demo-plan.ts';
import { DemoOutput } from './demo-output.ts';
import { DemoStop, type DemoStopReason } from './demo-stop.ts';

export interface DemoConfig {
  shmDir: string;
  instruments: number;
  /** quotes per second; Infinity = as fast as the publisher can */
  rate: number;
  capacity: number;
  seed: number;
  durationS: number;
  json: boolean;
  busySpin: SpinPolicy;
  /** Where the plan and the live lines go. */
  out: NodeJS.WritableStream;
}

/** The CLI beside this module: .ts in the sources, .js in a build. */
const CLI = fileURLToPath(new URL(`../cli/marketfeed${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
/** How long a child has to exit after its SIGTERM before it gets SIGKILL. */
export const DEMO_STOP_GRACE_MS = 5000;
/** How long a child asked to stop may still take to finish starting. */
const STARTUP_LIMIT_MS = 30_000;
/** How long the CPU load is sampled before the plan is made. */
const LOAD_SAMPLE_MS = 250;
const CONSUMERS = 2;

/** What the children's lines have said so far. */
interface DemoState {
  publisherLine: PublisherLine | undefined;
  consumerLines: Map<string, ConsumerLine>;
  summaries: Map<string, Record<string, unknown>>;
  segmentCreated: boolean;
}

export async function runDemo(config: DemoConfig): Promise<number> {
  const feed = `demo-${process.pid}`;
  const stop = new DemoStop();
  const output = new DemoOutput(() => stop.request('output closed'));
  const write = (text: string): void => output.write(config.out, text);
  // First: until the handlers are in, a signal kills the demo outright.
  stop.listenForSignals(write, `a child still running ${DEMO_STOP_GRACE_MS / 1000} s after its SIGTERM gets SIGKILL`);
  const children: DemoChild[] = [];
  // If the demo dies of an error, nothing of it may keep spinning.
  process.once('exit', () => {
    for (const child of children) child.killNow();
  });

  const cpus = native.getAffinity();
  const othersShare = config.busySpin === 'auto' ? await cpuBusyShare(LOAD_SAMPLE_MS, cpus) : undefined;
  const plan = planDemo(cpus, CONSUMERS, spinBudget(cpus.length, othersShare, config.busySpin));
  write(formatDemoPlan({ feed, instruments: config.instruments, rate: config.rate, cpuCount: cpus.length }, plan));

  const state: DemoState = { publisherLine: undefined, consumerLines: new Map(), summaries: new Map(), segmentCreated: false };
  // JSON logs whatever the terminal: the demo reads its children's log lines. Each child
  // stops by itself if the demo dies without stopping it (kill -9, OOM, a crash).
  const common = [
    '--feed', feed, '--shm-dir', config.shmDir, '--report-interval', '1', '--log-level', 'info', '--log-format', 'json', '--json',
    '--stop-with-parent', String(process.pid),
  ];
  const start = (p: DemoProcessPlan, args: string[]): void => {
    const child = startChild(p, [...args, ...common], state, write);
    children.push(child);
    // A stop already asked (even before the spawn) reaches it as soon as it can take it.
    stop.onStop(() => child.stop());
    void child.exited.then((exit) => {
      if (stop.reason !== undefined) return;
      write(`${p.name} exited by itself with ${describeExit(exit)}; stopping the others\n`);
      stop.request('child exited');
    });
  };
  // A stop that came while the load was measured leaves nothing to start.
  if (stop.reason === undefined) {
    for (const consumer of plan.consumers) start(consumer, ['consume', 'shm', '--name', consumer.name]);
    start(plan.publisher, [
      'publish',
      '--instruments', String(config.instruments),
      '--rate', Number.isFinite(config.rate) ? String(config.rate) : 'max',
      '--capacity', String(config.capacity),
      '--seed', String(config.seed),
      '--idle-sleep-us', '100',
      '--tcp-port', '0',
    ]);
  }

  const startedMs = Date.now();
  const ticker = setInterval(() => {
    const consumers = plan.consumers.map((p) => ({ name: p.name, line: state.consumerLines.get(p.name) }));
    write(`${formatDemoLine(Math.round((Date.now() - startedMs) / 1000), state.publisherLine, consumers)}\n`);
  }, 1000);
  const durationTimer = config.durationS > 0 ? setTimeout(() => stop.request('duration'), config.durationS * 1000) : undefined;

  const ordered = [plan.publisher, ...plan.consumers].flatMap((p) => children.find((child) => child.name === p.name) ?? []);
  const exits = await Promise.all(ordered.map((child) => child.exited));
  clearInterval(ticker);
  clearTimeout(durationTimer);
  const stopReason = stop.reason;
  const stops = ordered.map((child, i) => ({ name: child.name, pid: child.pid, ...exits[i], started: child.started, clean: stoppedCleanly(child, exits[i], stopReason) }));
  for (const [i, child] of ordered.entries()) {
    if (child.killed) write(`${child.name} had not stopped ${DEMO_STOP_GRACE_MS / 1000} s after its SIGTERM: killed\n`);
    else if (exits[i].code !== 0 && stops[i].clean) write(`${child.name} was hit by the ${stopReason} to the whole process group while it was being forked: it never ran\n`);
    else if (exits[i].code !== 0) write(`${child.name} exited with ${describeExit(exits[i])}\n`);
  }
  const leftover = segmentPath(feed, config.shmDir);
  const segmentLeft = fs.existsSync(leftover);
  if (segmentLeft) fs.rmSync(leftover, { force: true });
  const fate = segmentLeft ? 'removed by the demo (the publisher had not)' : state.segmentCreated ? 'removed by the publisher' : 'never created';
  write(`demo stopped (${stopReason ?? 'child exited'}); segment ${leftover} ${fate}\n`);
  if (config.json) {
    const summary = {
      feed,
      plan,
      stopReason,
      publisher: state.summaries.get(plan.publisher.name) ?? null,
      consumers: plan.consumers.map((p) => state.summaries.get(p.name) ?? null),
      exitCodes: exits.map((exit) => exit.code),
      children: stops,
      segmentRemoved: !segmentLeft,
    };
    output.write(process.stdout, `${JSON.stringify(summary)}\n`);
  }
  return stopReason !== 'child exited' && stops.every((s) => s.clean) ? 0 : 1;
}

/** One child: the real CLI on its plan's idle strategy and CPUs; its lines feed the state. */
function startChild(p: DemoProcessPlan, args: string[], state: DemoState, write: (text: string) => void): DemoChild {
  const cpuArgs = p.cpus === undefined ? [] : ['--cpus', formatCpuList(p.cpus)];
  return new DemoChild({
    name: p.name,
    command: process.execPath,
    args: [CLI, ...args, '--idle', p.idle, ...cpuArgs],
    // Every setting is on the command line: variables meant for the demo (MARKETFEED_DURATION)
    // or for a command run alone (a metrics port, a count) stay out.
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MARKETFEED_') && name !== 'LOG_LEVEL')),
    graceMs: DEMO_STOP_GRACE_MS,
    startupLimitMs: STARTUP_LIMIT_MS,
    onStdoutLine: (line) => {
      const summary = parseJsonLine(line);
      if (summary !== undefined) state.summaries.set(p.name, summary);
    },
    onStderrLine: (line, event) => {
      if (event === undefined) write(`  [${p.name}] ${line}\n`);
      else if (event.msg === 'published') state.publisherLine = event as unknown as PublisherLine;
      else if (event.msg === 'latency') state.consumerLines.set(p.name, event as unknown as ConsumerLine);
      else if (event.msg === 'publishing') state.segmentCreated = true;
      // A fatal line (60) is shown by the plain `marketfeed <command>: …` line the CLI writes after it.
      else if (typeof event.level === 'number' && event.level >= 40 && event.level < 60) write(`  [${p.name}] ${String(event.msg)}\n`);
    },
  });
}

/**
 * Exit 0, or: the signal that stopped the demo killed it before it had started. A child
 * leaves the demo's process group (setsid) right after fork, before it runs anything; a
 * Ctrl-C to the group in between reaches it too, and it never ran, so left nothing.
 * (After that only the demo signals it, and only once it has started.)
 */
function stoppedCleanly(child: DemoChild, exit: ChildExit, stopReason: DemoStopReason | undefined): boolean {
  return exit.code === 0 || (!child.started && !child.killed && exit.signal !== null && exit.signal === stopReason);
}

function describeExit(exit: ChildExit): string {
  return exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`;
}
