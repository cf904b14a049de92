import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GLOBAL_FIELDS,
  INSTRUMENT_FIELDS,
  type RiskLimits,
  RiskLimitsError,
  effectiveEnabled,
  effectiveLimit,
  parseRiskLimits,
  riskLimitsWithFlags,
} from '../../runtime/risk/risk-limits.ts';
import { RiskLimitsFile } from '../../runtime/risk/risk-limits-file.ts';

function refused(text: string): RiskLimitsError {
  try {
    parseRiskLimits(text, 'limits.txt');
  } catch (error) {
    expect(error).toBeInstanceOf(RiskLimitsError);
    return error as RiskLimitsError;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseRiskLimits', () => {
  it('reads every global field', () => {
    const text = GLOBAL_FIELDS.map((field, index) => `global ${field} ${index + 1}`).join('\n');
    const limits = parseRiskLimits(text, 'limits.txt');
    GLOBAL_FIELDS.forEach((field, index) => expect(limits.global[field]).toBe(index + 1));
  });

  it('reads every instrument field, for a symbol and under default', () => {
    const numeric = INSTRUMENT_FIELDS.filter((field) => field !== 'enabled');
    const text = [
      '# a risk file',
      '',
      'AAPL enabled false   # halted by compliance',
      ...numeric.map((field, index) => `AAPL ${field} ${index + 10}`),
      'default enabled true',
      ...numeric.map((field, index) => `default ${field} ${index + 100}`),
    ].join('\r\n');
    const limits = parseRiskLimits(text, 'limits.txt');
    expect(effectiveEnabled(limits, 'AAPL')).toBe(false);
    expect(effectiveEnabled(limits, 'MSFT')).toBe(true);
    numeric.forEach((field, index) => {
      expect(effectiveLimit(limits, 'AAPL', field)).toBe(index + 10);
      expect(effectiveLimit(limits, 'MSFT', field)).toBe(index + 100);
    });
    expect(limits.instruments.get('AAPL')?.line).toBe(3);
  });

  it('leaves an unset limit unlimited and an unlisted instrument enabled', () => {
    const limits = parseRiskLimits('', 'empty');
    expect(effectiveLimit(limits, 'AAPL', 'max_order_qty')).toBe(Infinity);
    expect(effectiveEnabled(limits, 'AAPL')).toBe(true);
  });

  it('takes a fractional order rate', () => {
    expect(parseRiskLimits('AAPL max_orders_per_s 0.5', 'x').instruments.get('AAPL')?.max_orders_per_s).toBe(0.5);
  });

  it.each([
    ['AAPL max_order_qty', 1, 'max_order_qty', /expected "SCOPE FIELD VALUE", got 2 words/],
    ['\n\nAAPL max_order_qty 5 extra', 3, 'max_order_qty', /got 4 words/],
    ['AAPL', 1, '', /got 1 word$/],
    ['AAPL max_qty 5', 1, 'max_qty', /unknown instrument field/],
    ['global max_order_qty 5', 1, 'max_order_qty', /unknown global field/],
    ['default max_gross_position 5', 1, 'max_gross_position', /unknown instrument field/],
    ['A$PL max_order_qty 5', 1, '', /"A\$PL" is not global, default or an instrument symbol/],
    ['AAPL max_order_qty -5', 1, 'max_order_qty', /"-5" is not a non-negative integer/],
    ['AAPL max_order_qty 1.5', 1, 'max_order_qty', /not a non-negative integer/],
    ['AAPL max_order_qty 1e3', 1, 'max_order_qty', /not a non-negative integer/],
    ['AAPL max_order_qty 007', 1, 'max_order_qty', /not a non-negative integer/],
    ['AAPL max_notional 9007199254740993', 1, 'max_notional', /above 2\^53/],
    ['AAPL max_orders_per_s abc', 1, 'max_orders_per_s', /not a non-negative number/],
    ['AAPL max_orders_per_s 0', 1, 'max_orders_per_s', /greater than 0/],
    ['AAPL order_burst 0', 1, 'order_burst', /greater than 0/],
    ['global kill_md_stale_ms 0', 1, 'kill_md_stale_ms', /greater than 0/],
    ['AAPL enabled yes', 1, 'enabled', /"yes" is not true or false/],
    ['AAPL max_order_qty 5\nAAPL max_order_qty 6', 2, 'max_order_qty', /already set on line 1/],
  ])('refuses %j with line %i and field %j', (text, line, field, message) => {
    const error = refused(text);
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.source).toBe('limits.txt');
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`limits.txt:${line}: `)).toBe(true);
  });

  it('lets flags override the file, with flag positions in errors', () => {
    const limits = riskLimitsWithFlags('AAPL max_order_qty 500\nglobal max_orders_per_s 100', 'limits.txt', ['AAPL max_order_qty 100', 'MSFT enabled false']);
    expect(effectiveLimit(limits, 'AAPL', 'max_order_qty')).toBe(100);
    expect(limits.global.max_orders_per_s).toBe(100);
    expect(effectiveEnabled(limits, 'MSFT')).toBe(false);
    expect(() => riskLimitsWithFlags('', 'limits.txt', ['AAPL enabled true', 'AAPL bogus 1'])).toThrow('--risk-limit #2:1: bogus: unknown instrument field');
  });

  it('never changes the base it layers on', () => {
    const base = parseRiskLimits('AAPL max_order_qty 5', 'a');
    parseRiskLimits('AAPL max_order_qty 6', 'b', base);
    expect(base.instruments.get('AAPL')?.max_order_qty).toBe(5);
  });
});

describe('RiskLimitsFile', () => {
  let directory = '';
  afterEach(() => {
    if (directory !== '') rmSync(directory, { recursive: true, force: true });
  });

  it('reloads a good file, and keeps the old limits when the new file is bad, unreadable or refused', () => {
    directory = mkdtempSync(join(tmpdir(), 'risk-limits-'));
    const path = join(directory, 'limits.txt');
    writeFileSync(path, 'AAPL max_order_qty 500\n');
    const applied: RiskLimits[] = [];
    const file = new RiskLimitsFile(path, ['global max_orders_per_s 10'], (limits) => {
      if (limits.instruments.has('NOPE')) throw new RiskLimitsError(path, limits.instruments.get('NOPE')?.line ?? 0, '', 'unknown instrument NOPE');
      applied.push(limits);
    });
    expect(effectiveLimit(file.current, 'AAPL', 'max_order_qty')).toBe(500);
    expect(file.current.global.max_orders_per_s).toBe(10);

    writeFileSync(path, 'AAPL max_order_qty 300\n');
    expect(file.reload().ok).toBe(true);
    expect(effectiveLimit(file.current, 'AAPL', 'max_order_qty')).toBe(300);

    writeFileSync(path, 'AAPL max_order_qty 200\nMSFT max_order_qty x\n');
    const bad = file.reload();
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toBe(`${path}:2: max_order_qty: "x" is not a non-negative integer`);
    expect(effectiveLimit(file.current, 'AAPL', 'max_order_qty')).toBe(300);

    writeFileSync(path, '\nNOPE max_order_qty 1\n');
    const refusedByConsumer = file.reload();
    expect(refusedByConsumer.ok || refusedByConsumer.error.line).toBe(2);
    expect(effectiveLimit(file.current, 'AAPL', 'max_order_qty')).toBe(300);

    rmSync(path);
    const unreadable = file.reload();
    expect(unreadable.ok || unreadable.error.message).toMatch(/cannot read the limits file/);
    expect(applied).toHaveLength(2);
    expect(effectiveLimit(file.current, 'AAPL', 'max_order_qty')).toBe(300);
  });

  it('refuses to start on a bad file', () => {
    directory = mkdtempSync(join(tmpdir(), 'risk-limits-'));
    const path = join(directory, 'limits.txt');
    writeFileSync(path, 'global max_gross_position ten\n');
    expect(() => new RiskLimitsFile(path, [], () => undefined)).toThrow(RiskLimitsError);
  });
});

describe('the README limits file', () => {
  it('parses as documented', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('# risk.limits:');
    const text = readme.slice(start, readme.indexOf('```', start));
    const limits = parseRiskLimits(text, 'README risk.limits');
    expect(effectiveLimit(limits, 'AAPL', 'max_order_qty')).toBe(500);
    expect(effectiveLimit(limits, 'MSFT', 'max_order_qty')).toBe(1000);
    expect(effectiveEnabled(limits, 'MSFT')).toBe(false);
    expect(Object.keys(limits.global).sort()).toEqual([...GLOBAL_FIELDS].sort());
  });
});
