import { describe, expect, it } from 'vitest';
import { PreTradeRisk } from '../../runtime/risk/pre-trade-risk.ts';
import { KILL_REASON, KillSwitch } from '../../runtime/risk/kill-switch.ts';
import { KillSwitchMonitor } from '../../runtime/risk/kill-switch-monitor.ts';
import { parseRiskLimits } from '../../runtime/risk/risk-limits.ts';
import { PositionsStandIn } from '../../bench/trading/positions-stand-in.ts';

const MS = 1e6;

function monitored(text: string): { monitor: KillSwitchMonitor; killSwitch: KillSwitch; halts: string[] } {
  const halts: string[] = [];
  const killSwitch = new KillSwitch({ target: new PreTradeRisk(['AAPL'], new PositionsStandIn(1)), onHalt: (reason, detail) => halts.push(`${reason}: ${detail}`) });
  return { monitor: new KillSwitchMonitor(killSwitch, parseRiskLimits(text, 'limits.txt').global), killSwitch, halts };
}

describe('KillSwitchMonitor', () => {
  it('loss limit: halts when the P&L falls below −kill_max_loss', () => {
    const { monitor, halts } = monitored('global kill_max_loss 5000');
    monitor.onPnl(-5_000, 1);
    expect(halts).toEqual([]);
    monitor.onPnl(-5_001, 2);
    expect(halts).toEqual([`${KILL_REASON.lossLimit}: P&L -5001 is below the loss limit −5000`]);
  });

  it('reject storm: N rejects within T halts, N spread wider does not', () => {
    const { monitor, halts } = monitored('global kill_reject_storm_count 3\nglobal kill_reject_storm_window_ms 100');
    monitor.onReject(0);
    monitor.onReject(60 * MS);
    monitor.onReject(101 * MS);
    monitor.onReject(161 * MS + 1);
    expect(halts).toEqual([]);
    monitor.onReject(200 * MS);
    expect(halts).toEqual([`${KILL_REASON.rejectStorm}: 3 rejects within 100 ms`]);
  });

  it('order-rate anomaly: N orders within T halts', () => {
    const { monitor, killSwitch } = monitored('global kill_order_rate_count 1000\nglobal kill_order_rate_window_ms 1000');
    for (let i = 0; i < 999; i++) monitor.onOrderSent(i * MS);
    expect(killSwitch.halted).toBe(false);
    monitor.onOrderSent(999 * MS);
    expect(killSwitch.status?.reason).toBe('order_rate');
  });

  it('market data stale: from the last record, or from the first poll when none came', () => {
    const { monitor, killSwitch } = monitored('global kill_md_stale_ms 500');
    monitor.poll(1_000 * MS);
    monitor.poll(1_499 * MS);
    expect(killSwitch.halted).toBe(false);
    monitor.onMarketData(1_400 * MS);
    monitor.poll(1_899 * MS);
    expect(killSwitch.halted).toBe(false);
    monitor.poll(1_900 * MS);
    expect(killSwitch.status).toMatchObject({ reason: 'market_data_stale', detail: 'no market data for 500 ms (limit 500 ms)' });
  });

  it('market data gap: one gap of kill_md_gap_records or more halts', () => {
    const { monitor, killSwitch } = monitored('global kill_md_gap_records 100');
    monitor.onMarketDataGap(99, 1);
    expect(killSwitch.halted).toBe(false);
    monitor.onMarketDataGap(100, 2);
    expect(killSwitch.status?.reason).toBe('market_data_gap');
  });

  it('session lost: down for kill_session_lost_ms halts; back up in time does not', () => {
    const { monitor, killSwitch } = monitored('global kill_session_lost_ms 2000');
    monitor.onSessionState(true, 0);
    monitor.onSessionState(false, 10 * MS);
    monitor.poll(2_009 * MS);
    monitor.onSessionState(true, 2_009 * MS);
    monitor.poll(5_000 * MS);
    expect(killSwitch.halted).toBe(false);
    monitor.onSessionState(false, 6_000 * MS);
    monitor.poll(8_000 * MS);
    expect(killSwitch.status?.reason).toBe('session_lost');
    const immediate = monitored('global kill_session_lost_ms 0');
    immediate.monitor.onSessionState(false, 1);
    expect(immediate.killSwitch.status?.reason).toBe('session_lost');
  });

  it('leaves rules without settings off, and fires nothing more once halted', () => {
    const quiet = monitored('');
    quiet.monitor.onPnl(-1e12, 1);
    for (let i = 0; i < 10_000; i++) quiet.monitor.onReject(i);
    quiet.monitor.onMarketDataGap(1e9, 1);
    quiet.monitor.onSessionState(false, 1);
    quiet.monitor.poll(1e15);
    expect(quiet.killSwitch.halted).toBe(false);

    const { monitor, halts } = monitored('global kill_max_loss 0\nglobal kill_md_stale_ms 1');
    monitor.onPnl(-1, 1);
    monitor.poll(1e12);
    monitor.poll(2e12);
    expect(halts).toHaveLength(1);
  });

  it('takes new settings on reload', () => {
    const { monitor, killSwitch } = monitored('global kill_max_loss 100');
    monitor.applyLimits(parseRiskLimits('global kill_max_loss 1000', 'reload').global);
    monitor.onPnl(-500, 1);
    expect(killSwitch.halted).toBe(false);
  });
});
