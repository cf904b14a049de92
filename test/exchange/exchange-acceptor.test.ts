// attachFixAcceptor, the exchange's one integration point with the FIX session layer: an
// acceptor-like stand-in (no transport) logs a session on, sends an order, logs it out.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { exchangeProcess, attachFixAcceptor, type FixAcceptorLike } from '../../runtime/exchange/exchange-producer.ts';
import type { OrderEntrySession } from '../../runtime/exchange/fix-order-entry.ts';
import { FixEncoder } from '../../runtime/fix/fix-encoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';

type Application = Parameters<FixAcceptorLike['setApplication']>[0];

describe('attachFixAcceptor', () => {
  it('opens a session per logon, routes its orders, counts sessions and times messages', async () => {
    const { orderEntry } = exchangeProcess({
      symbols: ['AAPL'], tickSize: '0.01', startPrice: 100, seed: 1, liquidity: 'none', liquidityRate: 1, ackDelayUs: 0, rejectRatio: 0, selfTradePrevention: 0,
    });
    let application: Application | undefined;
    const registry = new Registry();
    attachFixAcceptor(orderEntry, { setApplication: (app) => (application = app) }, registry);
    const sent: string[] = [];
    const session: OrderEntrySession = {
      beginString: 'FIX.4.4',
      send: (bytes) => sent.push(Buffer.from(bytes).toString('latin1').replaceAll('\x01', '|')),
      writeHeader: (e) => e.string(49, 'EXCH').string(56, 'CLIENT').int(34, sent.length + 1),
    };
    application!.onLogon(session);
    const encoder = new FixEncoder();
    encoder.begin('D').string(11, 'A1').string(55, 'AAPL').char(54, '1').int(38, 10).char(40, '2').string(44, '100.5').finish();
    expect(application!.onApplicationMessage(session, new FixParser().parse(encoder.buffer, encoder.start, encoder.end))).toBe(true);
    encoder.begin('B').string(148, 'news').finish();
    expect(application!.onApplicationMessage(session, new FixParser().parse(encoder.buffer, encoder.start, encoder.end))).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/\|35=8\|49=EXCH\|56=CLIENT\|34=1\|37=\d+\|11=A1\|.*150=0\|39=0\|/);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/marketfeed_exchange_fix_sessions 1/);
    expect(metrics).toMatch(/marketfeed_exchange_message_seconds_count 2/);
    application!.onLogout(session);
    expect(await registry.metrics()).toMatch(/marketfeed_exchange_fix_sessions 0/);
  });
});
