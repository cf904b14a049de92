// The trader's admin port: nothing without the token (logged with the peer), kill / reset /
// state with it, bad requests answered with a reason; the token file created owner-only and
// refused when others can read it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from '../../runtime/trader/admin-server.ts';
import { AdminTokenError, loadAdminToken, tokenMatches } from '../../runtime/trader/admin-token.ts';

const TOKEN = 'a-token-of-enough-length';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function admin(): Promise<{ server: AdminServer; calls: string[]; logs: Record<string, unknown>[]; request: (method: string, url: string, token?: string, body?: string) => Promise<{ status: number; json: Record<string, unknown> }> }> {
  const calls: string[] = [];
  let halted = false;
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const server = await startAdminServer({
    port: 0,
    token: TOKEN,
    logger,
    actions: {
      state: () => ({ halted }),
      kill: (reason) => {
        calls.push(`kill ${reason}`);
        halted = true;
        return { halted, canceled: 3 };
      },
      reset: (operator) => {
        if (!halted) throw new Error('not halted');
        calls.push(`reset ${operator}`);
        halted = false;
        return { halted };
      },
    },
  });
  cleanups.push(() => server.close());
  const request = async (method: string, url: string, token?: string, body?: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${url}`, { method, body, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { server, calls, logs, request };
}

describe('admin server', () => {
  it('refuses every request without the right token, and logs who asked', async () => {
    const a = await admin();
    expect((await a.request('POST', '/kill')).status).toBe(401);
    expect((await a.request('POST', '/kill', 'wrong-token-of-some-length')).status).toBe(401);
    expect((await a.request('GET', '/state', `${TOKEN}x`)).status).toBe(401);
    expect(a.calls).toEqual([]);
    const refused = a.logs.filter((line) => line.msg === 'admin request refused');
    expect(refused.map((line) => [line.route, line.reason])).toEqual([
      ['POST /kill', 'no token'],
      ['POST /kill', 'wrong token'],
      ['GET /state', 'wrong token'],
    ]);
    expect(refused[0].peer).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('with the token: kill (reason from the body), state, reset by a named operator', async () => {
    const a = await admin();
    expect(await a.request('POST', '/kill', TOKEN, '{"reason":"fat finger"}')).toEqual({ status: 200, json: { halted: true, canceled: 3 } });
    expect(await a.request('GET', '/state', TOKEN)).toEqual({ status: 200, json: { halted: true } });
    expect((await a.request('POST', '/reset', TOKEN, '{}')).status).toBe(400);
    expect(await a.request('POST', '/reset', TOKEN, '{"operator":"alice"}')).toEqual({ status: 200, json: { halted: false } });
    expect(await a.request('POST', '/reset', TOKEN, '{"operator":"alice"}')).toEqual({ status: 409, json: { error: 'not halted' } });
    expect(a.calls).toEqual(['kill fat finger', 'reset alice']);
  });

  it('answers bad requests with a status and a reason, acting on none', async () => {
    const a = await admin();
    expect((await a.request('GET', '/kill', TOKEN)).status).toBe(405);
    expect((await a.request('GET', '/nowhere', TOKEN)).status).toBe(404);
    expect(await a.request('POST', '/kill', TOKEN, '[1]')).toEqual({ status: 400, json: { error: 'the body must be a JSON object' } });
    expect((await a.request('POST', '/kill', TOKEN, 'x'.repeat(10_000)).catch(() => ({ status: 413 }))).status).toBe(413);
    expect(a.calls).toEqual([]);
  });
});

describe('admin token', () => {
  const dir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-admin-token-'));
    cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
    return d;
  };

  it('creates a missing token file with a random token, owner-only, and reads the same token again', () => {
    const file = path.join(dir(), 'admin-token');
    const first = loadAdminToken({ file, env: {} });
    expect(first.from).toBe(`${file} (created)`);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadAdminToken({ file, env: {} })).toEqual({ token: first.token, from: file });
  });

  it('takes MARKETFEED_ADMIN_TOKEN first; refuses a file others can read, a short token, and no source at all', () => {
    const file = path.join(dir(), 'admin-token');
    expect(loadAdminToken({ file, env: { MARKETFEED_ADMIN_TOKEN: TOKEN } })).toEqual({ token: TOKEN, from: 'MARKETFEED_ADMIN_TOKEN' });
    fs.writeFileSync(file, `${TOKEN}\n`, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => loadAdminToken({ file, env: {} })).toThrow(/readable by others \(mode 644\): chmod 600 it/);
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, 'short\n');
    expect(() => loadAdminToken({ file, env: {} })).toThrow(/shorter than 16 characters/);
    expect(() => loadAdminToken({ env: {} })).toThrow(AdminTokenError);
  });

  it('compares tokens whatever their lengths', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(TOKEN, '')).toBe(false);
    expect(tokenMatches(TOKEN, `${TOKEN}${TOKEN}`)).toBe(false);
  });
});
