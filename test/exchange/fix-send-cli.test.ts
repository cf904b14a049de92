// `marketfeed fix send` against a running `marketfeed exchange` (no background liquidity,
// so every fill is between our own orders): an order from flags rests, another crosses it
// and prints its fill with named fields; tag=value lines on stdin (an order and its cancel)
// end when both are done; --json; a reject, a session-level Reject, a message without an
// answer, a refused logon and bad input exit non-zero.
import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixAcceptor } from '../../runtime/fix/session/fix-acceptor.ts';
import { FixSession } from '../../runtime/fix/session/fix-session.ts';
import { MemoryMessageStore } from '../../runtime/fix/session/message-store.ts';
import { CLI, type CliRun, killLeftoverProcesses, runCli, runCliToEnd } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { makeShmDir, removeShmDir, uniqueFeed } from '../helpers/shm-dir.ts';

const DICTIONARY = dataPath('fix/dictionaries/FIX44.xml');

let dir: string;
let exchange: CliRun;
let fixPort: number;
beforeAll(async () => {
  dir = makeShmDir();
  fixPort = await freePort();
  exchange = runCli([
    'exchange', '--feed', uniqueFeed('exchange'), '--shm-dir', dir, '--tcp-port', '0', '--liquidity', 'none',
    '--fix-port', String(fixPort), '--fix-host', '127.0.0.1', '--dictionary', DICTIONARY, '--fix-sessions', 'CLIENT1,CLIENT2', '--json',
  ]);
  await exchange.waitForLog('fix order entry listening');
});
afterAll(async () => {
  await killLeftoverProcesses();
  removeShmDir(dir);
});
afterEach(() => expect(exchange.child.exitCode).toBeNull());

const send = (args: string[]) => runCliToEnd(['fix', 'send', '--port', String(fixPort), '--dictionary', DICTIONARY, ...args]);

function sendStdin(input: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'fix', 'send', '--port', String(fixPort), '--dictionary', DICTIONARY, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('marketfeed fix send', () => {
  it('sends an order from flags, prints its reports with field names, and the fill of a crossing order from another session', async () => {
    const rest = await send(['--sender-comp-id', 'CLIENT2', '--side', 'sell', '--symbol', 'AAPL', '--qty', '40', '--price', '100.10', '--cl-ord-id', 'S1', '--wait', '0.2']);
    expect(rest.code, rest.stderr.join('\n')).toBe(0);
    expect(rest.stdout).toHaveLength(1);
    expect(rest.stdout[0]).toMatch(/^ExecutionReport \(8\) \| .*ClOrdID\(11\)=S1 \| .*ExecType\(150\)=0 \[NEW\] \| OrdStatus\(39\)=0 \[NEW\] \|/);
    expect(rest.stderr.join('\n')).toMatch(/still open after 0\.2 s: ClOrdID S1/);

    const cross = await send(['--side', 'buy', '--symbol', 'AAPL', '--qty', '40', '--price', '100.20', '--cl-ord-id', 'B1']);
    expect(cross.code, cross.stderr.join('\n')).toBe(0);
    expect(cross.stdout).toHaveLength(2);
    expect(cross.stdout[1]).toMatch(/ExecType\(150\)=F \[TRADE\] \| OrdStatus\(39\)=2 \[FILLED\] \|.* LastQty\(32\)=40 \| LastPx\(31\)=100\.10 \| LeavesQty\(151\)=0 \| CumQty\(14\)=40 \| AvgPx\(6\)=100\.10 \|/);
  });

  it('reads tag=value lines from stdin (| or SOH), follows an order through a status request and its cancel, prints --json', async () => {
    const run = await sendStdin('11=L1|55=AAPL|54=1|38=10|40=2|44=90.00\n35=H|11=L1|55=AAPL|54=1\n35=F\x0111=L2\x0141=L1\x0155=AAPL\x0154=1\n', ['--json']);
    expect(run.code, run.stderr).toBe(0);
    const reports = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    expect(reports.map((r) => [r.ClOrdID, r.OrigClOrdID, r.ExecType, r.OrdStatus, r.LeavesQty])).toEqual([
      ['L1', undefined, '0', '0', '10'],
      ['L1', undefined, 'I', '0', '10'],
      ['L2', 'L1', '4', '4', '0'],
    ]);
  });

  it('exits 1 on a reject, printing it', async () => {
    const run = await send(['--side', 'buy', '--symbol', 'NOPE', '--qty', '1', '--type', 'market']);
    expect(run.code).toBe(1);
    expect(run.stdout[0]).toMatch(/ExecType\(150\)=8 \[REJECTED\].*OrdRejReason\(103\)=1 \[UNKNOWN_SYMBOL\]/);
    expect(run.stderr.join('\n')).toMatch(/1 reject\(s\)/);
  });

  it('exits 1 on a session-level Reject (Side missing), printing it, without waiting for an answer that cannot come', async () => {
    const run = await sendStdin('11=U1|55=AAPL|38=1|40=1\n', ['--wait', '30']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Reject \(3\) \| .*RefSeqNum\(45\)=2 \|.*RefTagID\(371\)=54 \|.*SessionRejectReason\(373\)=1 \[REQUIRED_TAG_MISSING\]/);
    expect(run.stderr).toMatch(/1 reject\(s\)/);
    expect(run.stderr).not.toMatch(/no answer|still open/);
  });

  it('exits 1 when a message gets no answer within --wait, naming it', async () => {
    // The exchange answers everything, so the acceptor here is one whose application takes orders and says nothing.
    const silent = new FixSession({
      beginString: 'FIX.4.4', senderCompID: 'EXCH', targetCompID: 'CLIENT1', dictionary: loadFixDictionary(DICTIONARY),
      store: new MemoryMessageStore(), role: 'acceptor', application: { msgTypes: new Set(['D']), onApplicationMessage: () => {} },
    });
    const acceptor = new FixAcceptor({ sessions: [silent], port: 0, host: '127.0.0.1' });
    const { port } = await acceptor.listen();
    try {
      const run = await runCliToEnd(['fix', 'send', '--port', String(port), '--dictionary', DICTIONARY, '--side', 'buy', '--cl-ord-id', 'Q1', '--wait', '1']);
      expect(run.code).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr.join('\n')).toMatch(/no answer after 1 s: ClOrdID Q1/);
    } finally {
      await acceptor.close(500);
    }
  });

  it('exits 1 when the logon fails, saying why', async () => {
    const unknown = await send(['--sender-comp-id', 'STRANGER', '--side', 'buy']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.join('\n')).toMatch(/logon to 127\.0\.0\.1:\d+ as STRANGER→EXCH \(FIX\.4\.4\) failed: the acceptor closed the connection/);
    const nobody = await runCliToEnd(['fix', 'send', '--port', String(await freePort()), '--dictionary', DICTIONARY, '--side', 'buy', '--logon-timeout', '1']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.join('\n')).toMatch(/failed: /);
  });

  it('refuses a line that is not tag=value, naming it, and sends nothing', async () => {
    const run = await sendStdin('11=X1|55=AAPL|54=1|38=1|40=1\nhello\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/stdin line 2: "hello" is not tag=value/);
  });
});
