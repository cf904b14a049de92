// Child of clock.test.ts: answers each line with its own CLOCK_MONOTONIC reading.
import readline from 'node:readline';
import { monotonicNs } from '../../runtime/clock/clock.ts';

readline.createInterface({ input: process.stdin }).on('line', () => {
  process.stdout.write(`${monotonicNs()}\n`);
});
