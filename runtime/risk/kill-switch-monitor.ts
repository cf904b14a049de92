// The automatic kill-switch rules, fed by the trader and evaluated without reading a clock:
//   loss limit        total P&L (realized + unrealized, ticks × lots) below −kill_max_loss
//   reject storm      kill_reject_storm_count rejects (risk or exchange) within kill_reject_storm_window_ms
//   order-rate anomaly kill_order_rate_count orders sent within kill_order_rate_window_ms (the
//                     throttles should make this impossible: it catches a path around them)
//   market data stale no market data for kill_md_stale_ms (counted from the first poll)
//   market data gap   one gap of kill_md_gap_records or more records lost
//   session lost      the exchange session down for kill_session_lost_ms (0: at once)
// A rule whose fields are not set is off. Nothing fires while the switch is already halted
// (no string is built then either: poll runs every duty cycle).
import type { GlobalLimits } from './risk-limits.ts';
import { EventWindow } from './event-window.ts';
import { KILL_REASON, type KillSwitch } from './kill-switch.ts';

export class KillSwitchMonitor {
  private readonly killSwitch: KillSwitch;
  private maxLoss = Infinity;
  private rejects: EventWindow | undefined;
  private orders: EventWindow | undefined;
  private staleNs = Infinity;
  private gapRecords = Infinity;
  private sessionLostNs = Infinity;
  private lastDataNs = NaN;
  /** NaN while the session is up (or was never up). */
  private sessionDownSinceNs = NaN;

  constructor(killSwitch: KillSwitch, limits: GlobalLimits) {
    this.killSwitch = killSwitch;
    this.applyLimits(limits);
  }

  applyLimits(limits: GlobalLimits): void {
    this.maxLoss = limits.kill_max_loss ?? Infinity;
    this.rejects = eventWindow(limits.kill_reject_storm_count, limits.kill_reject_storm_window_ms, this.rejects);
    this.orders = eventWindow(limits.kill_order_rate_count, limits.kill_order_rate_window_ms, this.orders);
    this.staleNs = (limits.kill_md_stale_ms ?? Infinity) * 1e6;
    this.gapRecords = limits.kill_md_gap_records ?? Infinity;
    this.sessionLostNs = (limits.kill_session_lost_ms ?? Infinity) * 1e6;
  }

  onPnl(totalPnl: number, nowNs: number): void {
    if (this.killSwitch.halted) return;
    if (totalPnl < -this.maxLoss) this.fire(KILL_REASON.lossLimit, `P&L ${totalPnl} is below the loss limit −${this.maxLoss}`, nowNs);
  }

  onReject(nowNs: number): void {
    const window = this.rejects;
    if (window !== undefined && window.record(nowNs)) this.fire(KILL_REASON.rejectStorm, `${window.count} rejects within ${window.windowNs / 1e6} ms`, nowNs);
  }

  onOrderSent(nowNs: number): void {
    const window = this.orders;
    if (window !== undefined && window.record(nowNs)) this.fire(KILL_REASON.orderRate, `${window.count} orders sent within ${window.windowNs / 1e6} ms`, nowNs);
  }

  onMarketData(nowNs: number): void {
    this.lastDataNs = nowNs;
  }

  /** `missed` records lost in one gap (sequence jump, ring overrun). */
  onMarketDataGap(missed: number, nowNs: number): void {
    if (missed >= this.gapRecords) this.fire(KILL_REASON.marketDataGap, `${missed} market-data records lost in one gap (limit ${this.gapRecords})`, nowNs);
  }

  onSessionState(up: boolean, nowNs: number): void {
    if (up) {
      this.sessionDownSinceNs = NaN;
      return;
    }
    if (this.sessionDownSinceNs !== this.sessionDownSinceNs) this.sessionDownSinceNs = nowNs;
    this.checkSession(nowNs);
  }

  /** The time-based rules; the trader calls it from its duty cycle. */
  poll(nowNs: number): void {
    if (this.killSwitch.halted) return;
    if (this.lastDataNs !== this.lastDataNs) this.lastDataNs = nowNs;
    if (nowNs - this.lastDataNs >= this.staleNs) this.fire(KILL_REASON.marketDataStale, `no market data for ${Math.round((nowNs - this.lastDataNs) / 1e6)} ms (limit ${this.staleNs / 1e6} ms)`, nowNs);
    this.checkSession(nowNs);
  }

  private checkSession(nowNs: number): void {
    const since = this.sessionDownSinceNs;
    if (this.killSwitch.halted) return;
    if (since === since && nowNs - since >= this.sessionLostNs) this.fire(KILL_REASON.sessionLost, `exchange session down for ${Math.round((nowNs - since) / 1e6)} ms (limit ${this.sessionLostNs / 1e6} ms)`, nowNs);
  }

  private fire(reason: (typeof KILL_REASON)[keyof typeof KILL_REASON], detail: string, nowNs: number): void {
    if (!this.killSwitch.halted) this.killSwitch.trigger(reason, detail, nowNs);
  }
}

/** A window for "count within ms", kept when unchanged (a reload does not forget recent events); undefined when off. */
function eventWindow(count: number | undefined, windowMs: number | undefined, current: EventWindow | undefined): EventWindow | undefined {
  if (count === undefined || windowMs === undefined) return undefined;
  if (current !== undefined && current.count === count && current.windowNs === windowMs * 1e6) return current;
  return new EventWindow(count, windowMs * 1e6);
}
