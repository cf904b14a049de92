import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreTradeRisk } from '../../runtime/risk/pre-trade-risk.ts';
import { KILL_REASON, type KillReason, KillSwitch } from '../../runtime/risk/kill-switch.ts';
import { UNREADABLE_STATE_REASON } from '../../runtime/risk/kill-state-file.ts';
import { RISK_REASON, SIDE_BUY, TRADING_STATE } from '../../runtime/risk/risk-reason.ts';
import { PositionsStandIn } from '../../bench/trading/positions-stand-in.ts';

let directory = '';
let stateFile = '';
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'kill-switch-'));
  stateFile = join(directory, 'kill-state.json');
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function trader(onHalt?: (reason: KillReason, detail: string) => void): { risk: PreTradeRisk; killSwitch: KillSwitch } {
  const risk = new PreTradeRisk(['AAPL'], new PositionsStandIn(1));
  return { risk, killSwitch: new KillSwitch({ target: risk, stateFile, onHalt }) };
}

describe('KillSwitch', () => {
  it('halts before onHalt runs, so the cancel path already sees every new order refused', () => {
    const seen: string[] = [];
    const { risk, killSwitch } = trader((reason, detail) => seen.push(`${reason} ${detail} ${risk.check(1, SIDE_BUY, 100, 1, 1, 0)}`));
    expect(risk.check(1, SIDE_BUY, 100, 1, 1, 0)).toBe(RISK_REASON.pass);
    expect(killSwitch.trigger(KILL_REASON.manual, 'POST /kill by alice', 5)).toBe(true);
    expect(seen).toEqual([`${KILL_REASON.manual} POST /kill by alice ${RISK_REASON.halted}`]);
    expect(risk.tradingState).toBe(TRADING_STATE.halted);
    expect(killSwitch.status).toMatchObject({ halted: true, reason: 'manual', detail: 'POST /kill by alice' });
    // Again while halted: onHalt runs again (cancel whatever is still open), the first reason stays.
    expect(killSwitch.trigger(KILL_REASON.signal, 'SIGUSR2', 6)).toBe(false);
    expect(seen).toHaveLength(2);
    expect(killSwitch.status?.reason).toBe('manual');
    expect(killSwitch.triggers[KILL_REASON.manual]).toBe(1);
    expect(killSwitch.triggers[KILL_REASON.signal]).toBe(1);
  });

  it('stays halted across a restart until an operator resets it', () => {
    trader().killSwitch.trigger(KILL_REASON.lossLimit, 'P&L −5000', 1);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ halted: true, reason: 'loss_limit', detail: 'P&L −5000' });

    const restarted = trader();
    expect(restarted.killSwitch.halted).toBe(true);
    expect(restarted.risk.check(1, SIDE_BUY, 100, 1, 1, 0)).toBe(RISK_REASON.halted);
    expect(() => restarted.killSwitch.reset(' ')).toThrow(/name the operator/);
    expect(restarted.killSwitch.halted).toBe(true);
    restarted.killSwitch.reset('bob');
    expect(restarted.risk.tradingState).toBe(TRADING_STATE.active);
    expect(restarted.risk.check(1, SIDE_BUY, 100, 1, 1, 0)).toBe(RISK_REASON.pass);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ halted: false, reason: 'loss_limit', resetBy: 'bob' });

    expect(trader().killSwitch.halted).toBe(false);
  });

  it('starts halted on a state file it cannot understand', () => {
    writeFileSync(stateFile, '{"halted": fal');
    const { risk, killSwitch } = trader();
    expect(killSwitch.halted).toBe(true);
    expect(killSwitch.status?.reason).toBe(UNREADABLE_STATE_REASON);
    expect(risk.tradingState).toBe(TRADING_STATE.halted);
    writeFileSync(stateFile, '{"halted": "no"}');
    expect(trader().killSwitch.halted).toBe(true);
  });

  it('halts, persists and resets even when onHalt throws; reset restores REDUCING', () => {
    const { risk, killSwitch } = trader(() => {
      throw new Error('socket closed');
    });
    risk.setTradingState(TRADING_STATE.reducing);
    expect(killSwitch.trigger(KILL_REASON.sessionLost, 'logout', 1)).toBe(true);
    expect(risk.tradingState).toBe(TRADING_STATE.halted);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ halted: true });
    killSwitch.reset('carol');
    expect(risk.tradingState).toBe(TRADING_STATE.reducing);
  });
});
