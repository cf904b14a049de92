// What a receiving side measures, the same way for every impl: the delivered rate from
// the first record after the warm-up to the last, and one-way latency (receipt minus the
// publish timestamp, CLOCK_MONOTONIC, into an HdrHistogram) of records published after
// the warm-up. The warm-up keeps the interpreter and JIT compilation out of the figures.
import { LatencyRecorder } from '../../runtime/stats/latency-recorder.ts';
import type { ReceiveResult } from './result-rows.ts';

export class ReceiveMeasurement {
  private readonly warmupNs: number;
  private readonly latency: LatencyRecorder | undefined;
  private firstNs = -1;
  private startNs = -1;
  private startCount = 0;
  private lastNs = -1;
  private lastCount = 0;
  private latencyFromNs = -1;

  private constructor(warmupNs: number, latency: LatencyRecorder | undefined) {
    this.warmupNs = warmupNs;
    this.latency = latency;
  }

  static async create(warmupNs: number, measureLatency: boolean): Promise<ReceiveMeasurement> {
    return new ReceiveMeasurement(warmupNs, measureLatency ? await LatencyRecorder.create() : undefined);
  }

  /** `count` records had arrived by `nowNs`. Sample as often as is cheap; the last sample ends the run. */
  sampleRate(nowNs: number, count: number): void {
    if (this.startNs >= 0) {
      this.lastNs = nowNs;
      this.lastCount = count;
    } else if (this.firstNs < 0) {
      this.firstNs = nowNs;
    } else if (nowNs - this.firstNs >= this.warmupNs) {
      this.startNs = nowNs;
      this.startCount = count;
    }
  }

  recordLatency(publishTimeNs: number, nowNs: number): void {
    if (this.latencyFromNs < 0) this.latencyFromNs = publishTimeNs + this.warmupNs;
    if (publishTimeNs >= this.latencyFromNs) this.latency!.record(nowNs - publishTimeNs);
  }

  result(received: number, lost?: number): ReceiveResult {
    const result: ReceiveResult = { received };
    if (this.lastNs > this.startNs && this.startNs >= 0) result.msgsPerS = ((this.lastCount - this.startCount) * 1e9) / (this.lastNs - this.startNs);
    if (this.latency !== undefined) result.latency = this.latency.totalSummary();
    if (lost !== undefined) result.lost = lost;
    return result;
  }
}
