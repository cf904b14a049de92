// The kill switch: trigger() sets the trading state HALTED before anything else (the next
// check refuses every order), then calls onHalt (the trader cancels every open order there:
// the latency that matters), then persists the state file (an fsync: after the cancels, not
// before them). A trader started on a halted state file starts HALTED and stays so until an
// operator resets it.
import type { Logger } from '../observability/logger.ts';
import { type KillState, readKillState, writeKillState } from './kill-state-file.ts';
import { TRADING_STATE, type TradingState } from './risk-reason.ts';

export const KILL_REASON = {
  manual: 1,
  signal: 2,
  lossLimit: 3,
  rejectStorm: 4,
  orderRate: 5,
  marketDataStale: 6,
  marketDataGap: 7,
  sessionLost: 8,
} as const;
export type KillReason = (typeof KILL_REASON)[keyof typeof KILL_REASON];
export const KILL_REASON_NAME: readonly string[] = ['', 'manual', 'signal', 'loss_limit', 'reject_storm', 'order_rate', 'market_data_stale', 'market_data_gap', 'session_lost'];

/** What the kill switch halts: PreTradeRisk. */
export interface TradingStateTarget {
  readonly tradingState: TradingState;
  setTradingState(state: TradingState): void;
}

export interface KillSwitchOptions {
  target: TradingStateTarget;
  /** Cancels every open order (and reports positions); called on every trigger, also when already halted. */
  onHalt?: (reason: KillReason, detail: string) => void;
  /** Where the state survives a restart; without it a restart forgets a halt (tests, demos). */
  stateFile?: string;
  logger?: Logger;
}

export class KillSwitch {
  private readonly options: KillSwitchOptions;
  private state: KillState | undefined;
  /** The state to go back to on reset (a trader halted while REDUCING resumes REDUCING). */
  private stateBeforeHalt: TradingState = TRADING_STATE.active;
  /** Triggers by KILL_REASON code, including those while already halted. */
  readonly triggers = new Float64Array(KILL_REASON_NAME.length);

  constructor(options: KillSwitchOptions) {
    this.options = options;
    this.state = options.stateFile === undefined ? undefined : readKillState(options.stateFile);
    if (this.state?.halted === true) {
      options.target.setTradingState(TRADING_STATE.halted);
      options.logger?.warn({ event: 'kill-switch-halted-at-start', ...this.state }, 'halted by the kill switch before this start: no order until an operator resets it');
    }
  }

  get halted(): boolean {
    return this.state?.halted === true;
  }

  /** The last halt (or reset), as persisted; undefined if never halted. */
  get status(): KillState | undefined {
    return this.state;
  }

  /** Halts at once. Returns true when this trigger halted, false when already halted. */
  trigger(reason: KillReason, detail: string, nowNs: number): boolean {
    const { target } = this.options;
    const wasHalted = this.halted;
    if (!wasHalted && target.tradingState !== TRADING_STATE.halted) this.stateBeforeHalt = target.tradingState;
    target.setTradingState(TRADING_STATE.halted);
    this.triggers[reason]++;
    try {
      this.options.onHalt?.(reason, detail);
    } catch (error) {
      // The halt stands whatever the cancel path did; the trader's own errors are its to report.
      this.options.logger?.error({ event: 'kill-switch-on-halt-failed', err: error }, 'cancelling on halt failed');
    }
    const name = KILL_REASON_NAME[reason];
    if (wasHalted) {
      this.options.logger?.warn({ event: 'kill-switch-trigger', reason: name, detail, alreadyHalted: true, nowNs }, `kill switch triggered again (${name}): ${detail}`);
      return false;
    }
    this.state = { halted: true, reason: name, detail, haltedAt: new Date().toISOString() };
    this.persist();
    this.options.logger?.error({ event: 'kill-switch-trigger', reason: name, detail, nowNs }, `kill switch: HALTED (${name}): ${detail}`);
    return true;
  }

  /** An operator lifts the halt; `operator` names who (recorded in the state file and the log). */
  reset(operator: string): void {
    if (operator.trim() === '') throw new Error('kill switch reset: name the operator who resets it');
    if (!this.halted) return;
    const halt = this.state as KillState;
    this.state = { ...halt, halted: false, resetBy: operator, resetAt: new Date().toISOString() };
    this.persist();
    this.options.target.setTradingState(this.stateBeforeHalt);
    this.options.logger?.warn({ event: 'kill-switch-reset', operator, reason: halt.reason }, `kill switch reset by ${operator}`);
  }

  private persist(): void {
    if (this.options.stateFile !== undefined && this.state !== undefined) writeKillState(this.options.stateFile, this.state);
  }
}
