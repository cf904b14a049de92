// The demo's child supervision against small scripted children: SIGTERM only once the
// child says it handles one, exactly once, and SIGKILL only for a child that will not stop.
import { describe, expect, it } from 'vitest';
import { DemoChild } from '../../runtime/demo/demo-child.ts';

const LOG_LINE = 'console.error(JSON.stringify({ level: 30, msg: "running" }))';

function child(script: string, limits: { graceMs?: number; startupLimitMs?: number } = {}): DemoChild & { lines: string[] } {
  const lines: string[] = [];
  const supervised = new DemoChild({
    name: 'scripted',
    command: process.execPath,
    args: ['-e', script],
    env: process.env,
    graceMs: limits.graceMs ?? 30_000,
    startupLimitMs: limits.startupLimitMs ?? 30_000,
    onStdoutLine: (line) => lines.push(line),
    onStderrLine: (line) => lines.push(line),
  });
  return Object.assign(supervised, { lines });
}

describe('demo child', () => {
  it('holds a stop asked while the child is still starting until it handles SIGTERM', async () => {
    // Installs its handler (and says so) only after a while, as a loading CLI does.
    const c = child(`setTimeout(() => { process.on("SIGTERM", () => { console.log("terminated"); process.exit(0); }); ${LOG_LINE}; }, 300); setInterval(() => {}, 1000);`);
    c.stop();
    expect(await c.exited).toEqual({ code: 0, signal: null });
    expect(c.lines).toContain('terminated');
    expect(c.started).toBe(true);
  });

  it('sends one SIGTERM however often it is asked to stop', async () => {
    const c = child(`let n = 0; process.on("SIGTERM", () => { n++; setTimeout(() => process.exit(n), 300); }); ${LOG_LINE}; setInterval(() => {}, 1000);`);
    while (!c.started) await new Promise((resolve) => setTimeout(resolve, 10));
    c.stop();
    c.stop();
    c.stop();
    expect(await c.exited).toEqual({ code: 1, signal: null });
    expect(c.killed).toBe(false);
  });

  it('kills a child that has not exited a grace period after its SIGTERM', async () => {
    const c = child(`process.on("SIGTERM", () => {}); ${LOG_LINE}; setInterval(() => {}, 1000);`, { graceMs: 200 });
    while (!c.started) await new Promise((resolve) => setTimeout(resolve, 10));
    c.stop();
    expect(await c.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(c.killed).toBe(true);
  });

  it('kills a child asked to stop that never finishes starting', async () => {
    const c = child('setInterval(() => {}, 1000);', { startupLimitMs: 200 });
    c.stop();
    expect(await c.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(c.killed).toBe(true);
    expect(c.started).toBe(false);
  });

  it('leaves a child that was never asked to stop alone, and reports how it ended', async () => {
    const c = child(`${LOG_LINE}; process.exit(3);`, { graceMs: 1, startupLimitMs: 1 });
    expect(await c.exited).toEqual({ code: 3, signal: null });
    c.stop();
    expect(c.killed).toBe(false);
  });
});
