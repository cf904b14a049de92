// `marketfeed exchange` trading over FIX, as real processes: our FixInitiator (in the test
// process) logs two clients on to the exchange, one's resting orders are swept by the
// other's NewOrderSingle; each side's ExecutionReports carry CumQty/LeavesQty/AvgPx of every
// state, the trades reach `consume tcp --encoding json`, and
// SIGTERM logs the sessions out (the initiators see the exchange's Logout); --fix-store keeps
// each session's messages in its own file store.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixInitiator } from '../../runtime/fix/session/fix-initiator.ts';
import { FixSession } from '../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../runtime/fix/session/message-store.ts';
import { killLeftoverProcesses, runCli, runCliToEnd } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

const DICTIONARY = dataPath('fix/dictionaries/FIX44.xml');
const FIX44 = loadFixDictionary(DICTIONARY);

let dir: string;
beforeAll(() => {
  dir = makeShmDir();
});
const initiators: FixInitiator[] = [];
afterEach(async () => {
  for (const initiator of initiators.splice(0)) await initiator.stop(500);
  await killLeftoverProcesses();
});
afterAll(() => removeShmDir(dir));

type Fields = Record<number, string>;

/** A client of the exchange: its ExecutionReports as tag → value. */
async function client(compId: string, port: number): Promise<{ session: FixSession; reports: Fields[]; logouts: () => number }> {
  const reports: Fields[] = [];
  let logouts = 0;
  const session = new FixSession({
    beginString: 'FIX.4.4',
    senderCompID: compId,
    targetCompID: 'EXCH',
    dictionary: FIX44,
    store: new MemoryMessageStore(),
    role: 'initiator',
    heartBtInt: 30,
    application: {
      msgTypes: new Set(['8', '9']),
      onApplicationMessage(_, view) {
        const fields: Fields = {};
        for (let i = 0; i < view.count; i++) fields[view.tags[i]] = view.stringAt(i);
        reports.push(fields);
      },
      onLogout: () => logouts++,
    },
  });
  const initiator = new FixInitiator({ session, host: '127.0.0.1', port, reconnectIntervalMs: 60_000 });
  initiators.push(initiator);
  initiator.start();
  await initiator.loggedOn();
  return { session, reports, logouts: () => logouts };
}

function limitOrder(session: FixSession, clOrdId: string, side: '1' | '2', qty: number, price: string): void {
  session.send('D', (e) => e.string(11, clOrdId).char(21, '1').string(55, 'AAPL').char(54, side).utcTimestamp(60, Date.now()).int(38, qty).char(40, '2').string(44, price));
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const state = (report: Fields) => ({ clOrdId: report[11], execType: report[150], ordStatus: report[39], lastQty: report[32], lastPx: report[31], cumQty: report[14], leavesQty: report[151], avgPx: report[6] });

describe('marketfeed exchange over FIX', () => {
  it('matches a client order against another session’s resting orders: reports, trades on the feed, logout on SIGTERM', async () => {
    const [tcpPort, fixPort] = [await freePort(), await freePort()];
    const store = path.join(dir, `fix-store-${process.pid}`);
    const exchange = runCli([
      'exchange', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', String(tcpPort), '--liquidity', 'none',
      '--fix-port', String(fixPort), '--fix-host', '127.0.0.1', '--dictionary', DICTIONARY, '--fix-sessions', 'MAKER,TAKER', '--fix-store', store, '--json',
    ]);
    await exchange.waitForLog('fix order entry listening');
    const consumer = runCli(['consume', 'tcp', '--port', String(tcpPort), '--encoding', 'json', '--json']);
    await consumer.waitForLog(/connected|subscribed/);
    const maker = await client('MAKER', fixPort);
    const taker = await client('TAKER', fixPort);

    limitOrder(maker.session, 'M1', '2', 50, '100.25');
    limitOrder(maker.session, 'M2', '2', 100, '100.50');
    await until(() => maker.reports.length === 2, 'the maker’s acks');
    limitOrder(taker.session, 'T1', '1', 120, '100.50');
    await until(() => taker.reports.length === 3 && maker.reports.length === 4, 'the fills');

    expect(taker.reports.map(state)).toEqual([
      { clOrdId: 'T1', execType: '0', ordStatus: '0', lastQty: undefined, lastPx: undefined, cumQty: '0', leavesQty: '120', avgPx: '0' },
      { clOrdId: 'T1', execType: 'F', ordStatus: '1', lastQty: '50', lastPx: '100.25', cumQty: '50', leavesQty: '70', avgPx: '100.25' },
      { clOrdId: 'T1', execType: 'F', ordStatus: '2', lastQty: '70', lastPx: '100.50', cumQty: '120', leavesQty: '0', avgPx: '100.39583333' },
    ]);
    expect(maker.reports.map(state).slice(2)).toEqual([
      { clOrdId: 'M1', execType: 'F', ordStatus: '2', lastQty: '50', lastPx: '100.25', cumQty: '50', leavesQty: '0', avgPx: '100.25' },
      { clOrdId: 'M2', execType: 'F', ordStatus: '1', lastQty: '70', lastPx: '100.50', cumQty: '70', leavesQty: '30', avgPx: '100.50' },
    ]);
    exchange.child.kill('SIGTERM');
    expect((await exchange.exit).code).toBe(0);
    await until(() => maker.logouts() === 1 && taker.logouts() === 1, 'the exchange’s Logout on SIGTERM');
    // Both sessions answered the Logout before the feed stopped (the summary comes after the logouts).
    expect(exchange.summary()).toMatchObject({ orders: 3, fills: 4, trades: 2, fixSessions: { loggedOn: 2, loggedOut: 2 } });
    // Each session's messages are in its file store (the reports sent, then the Logout): a restart resumes from them.
    for (const client of ['MAKER', 'TAKER']) expect(fs.statSync(path.join(store, `FIX.4.4-EXCH-${client}`, 'messages.log')).size).toBeGreaterThan(1000);
    consumer.child.kill('SIGTERM');
    await consumer.exit;
    expect(consumer.summary()).toMatchObject({ trades: 2 });
  });

  it('refuses to start FIX order entry without a dictionary, or with one of another version', async () => {
    const missing = await runCliToEnd(['exchange', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--fix-port', String(await freePort())]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/FIX order entry needs --dictionary/);
    const other = await runCliToEnd(['exchange', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--dictionary', dataPath('fix/dictionaries/FIX42.xml')]);
    expect(other.code).toBe(2);
    expect(other.stderr.join('\n')).toMatch(/is FIX\.4\.2, not the FIX\.4\.4 of --fix-version/);
  });
});
