// One relay-bench measurement, all from one publisher in the same run: the real CLI's
// `publish` (TCP feed on loopback) and `relay` (into its own segment), read by the benches'
// own receivers, which leave the warm-up out of every figure: the SHM ring reader of the shm
// bench on the relay's segment (the relay path), and the TCP receiver of the tcp bench
// (marketfeed's client) on the publisher (the direct path). The run ends as in production:
// the publisher stops (the TCP receiver sees the close), then the relay (its segment closes,
// the ring reader drains it).
//
// Placement, with two CPUs: the publisher and the direct receiver on one, the relay and its
// SHM reader on the other (a node each). The reader calls sched_yield after each empty poll
// (--idle yield): a pure spinner would hold its CPU for its whole scheduler slice against
// the relay woken by the network (the relay's own receipt p50 measured ~1 ms that way,
// 40-60 µs with the yield). Unpinned, the four processes and the machine's other load move
// between the CPUs and the p50 varied from 30 µs to 5 ms between runs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planCpus } from '../lib/cpu-plan.ts';
import type { LoadSpec } from '../lib/load-spec.ts';
import { startProcessPeer, type Peer } from '../lib/peer.ts';
import type { ResultMessage } from '../lib/peer-messages.ts';
import type { ReceiveResult } from '../lib/result-rows.ts';
import { cleanupOnSignal } from '../lib/signal-cleanup.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(root, 'runtime', 'cli', 'marketfeed.ts');
const RING_READER = path.join(root, 'bench', 'shm', 'shm-process-endpoint.ts');
const TCP_RECEIVER = path.join(root, 'bench', 'tcp', 'tcp-receiver-endpoint.ts');
/** Start-up, connect and attach take seconds on a loaded 2-core machine. */
const START_TIMEOUT_MS = 30_000;
const PUBLISHER_FEED = 'bench-pub';
const RELAY_FEED = 'bench-relay';
/** The relay's `latency` log lines: one per interval, each with that interval's percentiles. */
const RELAY_REPORT_INTERVAL_S = 0.25;

export interface RelayMeasurement {
  relayed: ReceiveResult;
  direct: ReceiveResult;
  /** Records the relay lost on its TCP leg (dropped as slow, reconnected). */
  relayLost: number;
  /** Times the relay lost its connection (the publisher dropped it as too slow) and reconnected. */
  relayReconnects: number;
  /** Publish → the relay's receipt, p50, as the relay measured it (its TCP leg): the median of its interval reports within the measured window. */
  relayLegP50Ns: number | undefined;
  /** Subscribers the publisher dropped as too slow (both receivers together). */
  droppedSlow: number;
}

interface CliProcess {
  child: ChildProcess;
  /** Resolves once `count` log lines (stderr) have contained `text`. */
  waitForLog(text: string, count: number): Promise<void>;
  /** The --json summary, once the process has exited 0. */
  summary: Promise<Record<string, unknown>>;
  /** Its `latency` log lines so far (interval reports), parsed. */
  latencyReports: Array<{ time: number; p50_ns: number }>;
}

function startCli(args: string[]): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args, '--json', '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = cleanupOnSignal(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  let logText = '';
  const waiters: Array<{ text: string; count: number; resolve: () => void }> = [];
  const latencyReports: CliProcess['latencyReports'] = [];
  let partialLine = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-4000);
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop()!;
    for (const line of lines) {
      if (!line.includes('"msg":"latency"')) continue;
      const report = JSON.parse(line) as { time: number; p50_ns?: number };
      if (report.p50_ns !== undefined) latencyReports.push({ time: report.time, p50_ns: report.p50_ns });
    }
    if (waiters.length === 0) return;
    logText += text;
    for (const waiter of [...waiters]) {
      if (logText.split(waiter.text).length - 1 < waiter.count) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const summary = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('close', (code) => {
      unregister();
      const last = stdout.trim().split('\n').findLast((line) => line.startsWith('{'));
      if (code !== 0 || last === undefined) reject(new Error(`marketfeed ${args[0]} exited ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`));
      else resolve(JSON.parse(last) as Record<string, unknown>);
    });
  });
  summary.catch(() => undefined);
  const waitForLog = (text: string, count: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`marketfeed ${args[0]} did not log "${text}" ${count} times within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      waiters.push({ text, count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { child, summary, waitForLog, latencyReports };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function stopCli(cli: CliProcess): Promise<Record<string, unknown>> {
  cli.child.kill('SIGTERM');
  return cli.summary;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForFile(file: string, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${what} did not appear within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The same promise, marked handled at once: a failure while the bench awaits something else must not end the process (the finally below still stops the children). */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function resultOf(peer: Peer): Promise<ReceiveResult> {
  return (await peer.waitFor<ResultMessage<ReceiveResult>>('result')).result;
}

export async function measureRelayPath(load: LoadSpec, shmDir: string): Promise<RelayMeasurement> {
  const port = await freePort();
  const loadArg = JSON.stringify(load);
  const clis: CliProcess[] = [];
  const peers: Peer[] = [];
  const cpus = planCpus();
  const pin = (cliOption: string, cpu: number | undefined): string[] => (cpu === undefined ? [] : [cliOption, String(cpu)]);
  try {
    const rate = load.ratePerS === undefined ? 'max' : String(load.ratePerS);
    // Info logs: the bench waits for the publisher's "subscriber joined" lines.
    const publisher = startCli(['publish', '--feed', PUBLISHER_FEED, '--shm-dir', shmDir, '--tcp-port', String(port), '--rate', rate, '--idle', 'spin-yield', ...pin('--cpus', cpus.writer)]);
    clis.push(publisher);
    await waitForFile(path.join(shmDir, PUBLISHER_FEED), "the publisher's segment");
    const joined = settled(publisher.waitForLog('subscriber joined', 2));
    const relay = startCli([
      'relay', '--from', `127.0.0.1:${port}`, '--feed', RELAY_FEED, '--shm-dir', shmDir, '--report-interval', String(RELAY_REPORT_INTERVAL_S), ...pin('--cpus', cpus.reader),
    ]);
    clis.push(relay);
    await waitForFile(path.join(shmDir, RELAY_FEED), "the relay's segment");
    const tcpReceiver = startProcessPeer('direct TCP receiver', TCP_RECEIVER, ['--impl', 'marketfeed', '--encoding', 'binary', '--port', String(port), '--load', loadArg, ...pin('--cpu', cpus.writer)]);
    peers.push(tcpReceiver);
    const direct = settled(resultOf(tcpReceiver));
    await joined;
    // The ring reader's own deadline runs from its start: it starts last, next to the TCP receiver's subscription.
    const ringReader = startProcessPeer('relay-path reader', RING_READER, ['--role', 'reader', '--shm-dir', shmDir, '--feed', RELAY_FEED, '--load', loadArg, '--start', 'latest', '--idle', 'yield', ...pin('--cpu', cpus.reader)]);
    peers.push(ringReader);
    const relayed = settled(resultOf(ringReader));
    await ringReader.waitFor('ready');
    // Each receiver measures from its first record + the warm-up: about this window.
    const windowStartMs = Date.now() + load.warmupNs / 1e6;
    const windowEndMs = windowStartMs + load.durationNs / 1e6;
    await new Promise((resolve) => setTimeout(resolve, (load.warmupNs + load.durationNs) / 1e6 + 1000));
    const publisherSummary = await stopCli(publisher);
    const directResult = await direct;
    const relaySummary = await stopCli(relay);
    return {
      relayed: await relayed,
      direct: directResult,
      relayLost: relaySummary.lost as number,
      relayReconnects: (relaySummary.connects as number) - 1,
      relayLegP50Ns: median(relay.latencyReports.filter((report) => report.time - RELAY_REPORT_INTERVAL_S * 1000 >= windowStartMs && report.time <= windowEndMs).map((report) => report.p50_ns)),
      droppedSlow: (publisherSummary.tcp as { dropped: Record<string, number> }).dropped.slow,
    };
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()));
    for (const { child } of clis) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
