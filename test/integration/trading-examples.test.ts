// The trading-core examples run as users run them and print what the data says: the FIX
// example round-trips an order with names from the dictionary, the LOBSTER example ends on
// the book of the orderbook file's last row.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../helpers/shared-data.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);
const DICTIONARY = 'fix/dictionaries/FIX44.xml';
const STEM = 'lobster/AAPL_2012-06-21_34200000_57600000';
const MESSAGES = `${STEM}_message_10.first998.csv`;
const ORDERBOOK = `${STEM}_orderbook_10.first998.csv`;

describe('trading-core examples', () => {
  it('fix-order.ts encodes, parses and names a NewOrderSingle', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'examples', 'fix-order.ts'), dataPath(DICTIONARY)]);
    const [wire, typed, named] = stdout.trim().split('\n');
    expect(wire).toMatch(/^8=FIX\.4\.4\|9=\d+\|35=D\|.*\|44=101\.25\|10=\d{3}\|$/);
    expect(typed).toBe('AAPL side 1 100 @ 101.25');
    expect(named).toMatch(/^NewOrderSingle \(D\) \|.*Side\(54\)=1 \[BUY\].*OrdType\(40\)=2 \[LIMIT\]/);
  });

  it('lobster-book.ts ends on the last orderbook row', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'examples', 'lobster-book.ts'), dataPath(MESSAGES), dataPath(ORDERBOOK)]);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^998 messages, \d+ resting orders, 0 rejected$/);
    // The last row: askPrice1, askSize1, bidPrice1, bidSize1, … for 10 levels.
    const rows = readFileSync(dataPath(ORDERBOOK), 'utf8').trim().split('\n');
    const last = rows[rows.length - 1].split(',').map(Number);
    const level = (side: 'ask' | 'bid', k: number): string => {
      const at = 4 * k + (side === 'ask' ? 0 : 2);
      return `${last[at + 1]}@${last[at]}`;
    };
    expect(lines[1]).toBe(`best bid ${last[3]} @ ${last[2]}, best ask ${last[1]} @ ${last[0]}`);
    expect(lines[2]).toBe(`buy: ${[0, 1, 2, 3, 4].map((k) => level('bid', k)).join(' ')}`);
    expect(lines[3]).toBe(`sell: ${[0, 1, 2, 3, 4].map((k) => level('ask', k)).join(' ')}`);
  });
});
