// `marketfeed kill` as a real process against an admin port: halts with a reason, asks the
// state, resets with an operator; the token file is needed and must be the trader's; a
// trader that refuses or is not there is exit 1 with the reason.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from '../../runtime/trader/admin-server.ts';
import { loadAdminToken } from '../../runtime/trader/admin-token.ts';
import { runCliToEnd } from '../helpers/cli.ts';
import { freePort } from '../helpers/ports.ts';

let dir: string;
let tokenFile: string;
let server: AdminServer;
const calls: string[] = [];
let halted = false;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-kill-'));
  tokenFile = path.join(dir, 'admin-token');
  const { token } = loadAdminToken({ file: tokenFile, env: {} });
  server = await startAdminServer({
    port: 0,
    token,
    logger: pino({ level: 'silent' }),
    actions: {
      state: () => ({ state: halted ? 'HALTED' : 'ACTIVE' }),
      kill: (reason) => {
        calls.push(`kill ${reason}`);
        halted = true;
        return { state: 'HALTED', canceled: 2 };
      },
      reset: (operator) => {
        if (!halted) throw new Error('the trader is not halted');
        calls.push(`reset ${operator}`);
        halted = false;
        return { state: 'ACTIVE' };
      },
    },
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const kill = (args: string[]) => runCliToEnd(['kill', '--admin-port', String(server.port), '--admin-token-file', tokenFile, ...args], { MARKETFEED_ADMIN_TOKEN: '' });

describe('marketfeed kill', () => {
  it('halts with a reason, shows the state, and resets with an operator', async () => {
    const halt = await kill(['--reason', 'runaway quotes']);
    expect(halt.code, halt.stderr.join('\n')).toBe(0);
    expect(JSON.parse(halt.stdout.join('\n'))).toEqual({ state: 'HALTED', canceled: 2 });
    const status = await kill(['--status']);
    expect(JSON.parse(status.stdout.join('\n'))).toEqual({ state: 'HALTED' });
    const reset = await kill(['--reset', '--operator', 'alice']);
    expect(reset.code).toBe(0);
    expect(calls).toEqual(['kill runaway quotes', 'reset alice']);
    const again = await kill(['--reset', '--operator', 'alice']);
    expect(again.code).toBe(1);
    expect(again.stderr.join('\n')).toMatch(/POST \/reset refused \(409\): .*the trader is not halted/);
  });

  it('exit 1 with the reason: a wrong token, no token file, nobody listening; exit 2 on a reset without operator', async () => {
    const otherFile = path.join(dir, 'other-token');
    loadAdminToken({ file: otherFile, env: {} });
    const wrong = await runCliToEnd(['kill', '--admin-port', String(server.port), '--admin-token-file', otherFile], { MARKETFEED_ADMIN_TOKEN: '' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.join('\n')).toMatch(/refused \(401\)/);
    const missing = await kill(['--admin-token-file', path.join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toMatch(/no admin token file .*nope: is the trader running/);
    const nobody = await runCliToEnd(['kill', '--admin-port', String(await freePort()), '--admin-token-file', tokenFile], { MARKETFEED_ADMIN_TOKEN: '' });
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.join('\n')).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+\/kill: ECONNREFUSED/);
    const usage = await kill(['--reset']);
    expect(usage.code).toBe(2);
    expect(calls.filter((call) => call.startsWith('kill'))).toHaveLength(1);
  });
});
