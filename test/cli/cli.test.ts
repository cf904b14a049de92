// The real CLI's front end: help on every command, exit 2 and a clear message on bad usage.
import { describe, expect, it } from 'vitest';
import { runCliToEnd } from '../helpers/cli.ts';

describe('marketfeed CLI', () => {
  it('lists its commands', async () => {
    const run = await runCliToEnd(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/Commands:[\s\S]*demo[\s\S]*publish[\s\S]*consume shm/);
  });

  it.each(['demo', 'publish', 'consume shm'])('has --help on %s', async (command) => {
    const run = await runCliToEnd([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    const help = run.stdout.join('\n');
    expect(help).toMatch(new RegExp(`Usage: npx marketfeed ${command} \\[options\\]`));
    expect(help).toMatch(/--duration/);
  });

  it.each([
    [['publish', '--bogus'], /marketfeed publish: unknown option --bogus \(see npx marketfeed publish --help\)/],
    [['publish', '--rate', 'fast'], /--rate must be a rate per second/],
    [['publish', '--capacity', '1000'], /--capacity must be a power of two, got 1000/],
    [['consume', 'shm', '--idle', 'nap'], /--idle must be one of busy-spin, yield, spin-yield, sleep, got "nap"/],
    [['consume', 'shm', '--cpus', 'x'], /--cpus must be a CPU list/],
    [['consume'], /unknown command "consume": try npx marketfeed consume shm/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('%j exits 2 and says what is wrong', async (args, message) => {
    const run = await runCliToEnd(args);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(message);
  });

  it('takes options from the environment and names a bad variable', async () => {
    const run = await runCliToEnd(['publish'], { MARKETFEED_METRICS_PORT: 'ninety' });
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/MARKETFEED_METRICS_PORT must be an integer/);
  });

  it('exits 2 naming --feed when the feed name is invalid', async () => {
    const run = await runCliToEnd(['publish', '--feed', '../etc', '--count', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/--feed: segment name "..\/etc" contains "\/"/);
  });
});
