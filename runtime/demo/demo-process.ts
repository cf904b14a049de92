// `marketfeed demo` (`npm start`): a publisher and two SHM consumers as child processes of
// the real CLI, on an embedded default configuration, with one live line per second
// built from the children's own pino log lines, until Ctrl-C or --duration; then every
// child is stopped and the segment is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { native } from '../native/native-addon.ts';
import { formatCpuList } from '../cpu/cpu-list.ts';
import { segmentPath } from '../shm/segment-name.ts';
import { planDemo, type DemoProcessPlan } from './demo-plan.ts';
import { formatDemoLine, type ConsumerLine, type PublisherLine } from './demo-format.ts';

export interface DemoConfig {
  shmDir: string;
  instruments: number;
  rate: number;
  capacity: number;
  seed: number;
  durationS: number;
  json: boolean;
  /** Where the live lines go. */
  out: NodeJS.WritableStream;
}

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'marketfeed.ts');
const STOP_GRACE_MS = 5000;

interface Child {
  plan: DemoProcessPlan;
  process: ChildProcess;
  summary: Record<string, unknown> | undefined;
  exited: Promise<number | null>;
}

export async function runDemo(config: DemoConfig): Promise<number> {
  const feed = `demo-${process.pid}`;
  const plan = planDemo(native.getAffinity(), 2);
  const out = config.out;
  const describe = (p: DemoProcessPlan): string => `${p.name} ${p.idle}${p.cpus === undefined ? '' : ` on CPU ${formatCpuList(p.cpus)}`}`;
  out.write(
    `marketfeed demo: feed ${feed}, ${config.instruments} instruments at ${config.rate.toLocaleString('en-US')} quotes/s, ` +
      `${native.getAffinity().length} CPUs, ${plan.spinners} busy-spinning process${plan.spinners === 1 ? '' : 'es'}\n` +
      `  ${[plan.publisher, ...plan.consumers].map(describe).join('; ')}\n` +
      `  latency = one-way, publish → receipt, CLOCK_MONOTONIC; Ctrl-C to stop\n`,
  );

  let publisherLine: PublisherLine | undefined;
  const consumerLines = new Map<string, ConsumerLine>();
  const common = ['--feed', feed, '--shm-dir', config.shmDir, '--report-interval', '1', '--json'];
  const start = (p: DemoProcessPlan, args: string[]): Child => {
    const cpuArgs = p.cpus === undefined ? [] : ['--cpus', formatCpuList(p.cpus)];
    const child = spawn(process.execPath, [CLI, ...args, ...common, '--idle', p.idle, ...cpuArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const entry: Child = { plan: p, process: child, summary: undefined, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      entry.summary = parseJson(line) ?? entry.summary;
    });
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      const event = parseJson(line);
      if (event === undefined) {
        out.write(`  [${p.name}] ${line}\n`);
      } else if (event.msg === 'published') {
        publisherLine = event as unknown as PublisherLine;
      } else if (event.msg === 'latency') {
        consumerLines.set(p.name, event as unknown as ConsumerLine);
      } else if (event.level !== undefined && (event.level as number) >= 40) {
        out.write(`  [${p.name}] ${String(event.msg)}\n`);
      }
    });
    return entry;
  };

  const consumers = plan.consumers.map((p) => start(p, ['consume', 'shm', '--name', p.name]));
  const publisher = start(plan.publisher, [
    'publish',
    '--instruments', String(config.instruments),
    '--rate', String(config.rate),
    '--capacity', String(config.capacity),
    '--seed', String(config.seed),
    '--idle-sleep-us', '100',
    '--tcp-port', '0',
  ]);
  const children = [publisher, ...consumers];

  const startedMs = Date.now();
  const ticker = setInterval(() => {
    out.write(`${formatDemoLine(Math.round((Date.now() - startedMs) / 1000), publisherLine, plan.consumers.map((p) => ({ name: p.name, line: consumerLines.get(p.name) })))}\n`);
  }, 1000);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
  };
  // Ctrl-C reaches the whole process group, children included: give them a moment to
  // stop on their own before signalling again (a second signal makes them exit at once).
  const onInterrupt = (): void => void setTimeout(stop, 1000).unref();
  const onSignal = (): void => stop();
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onSignal);
  const durationTimer = config.durationS > 0 ? setTimeout(stop, config.durationS * 1000) : undefined;
  // If any child ends by itself (e.g. an error), stop the others too.
  for (const child of children) void child.exited.then(stop);

  const codes = await Promise.all(children.map((child) => withKillAfter(child, STOP_GRACE_MS)));
  clearInterval(ticker);
  if (durationTimer !== undefined) clearTimeout(durationTimer);
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onSignal);
  const leftover = segmentPath(feed, config.shmDir);
  const segmentRemoved = !fs.existsSync(leftover);
  if (!segmentRemoved) fs.rmSync(leftover, { force: true });
  out.write(`demo stopped; segment ${leftover} ${segmentRemoved ? 'removed by the publisher' : 'removed by the demo'}\n`);
  if (config.json) {
    process.stdout.write(
      `${JSON.stringify({ feed, plan, publisher: publisher.summary ?? null, consumers: consumers.map((c) => c.summary ?? null), exitCodes: codes, segmentRemoved })}\n`,
    );
  }
  return codes.every((code) => code === 0) ? 0 : 1;
}

async function withKillAfter(child: Child, graceMs: number): Promise<number | null> {
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
