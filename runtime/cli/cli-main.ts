// What every `marketfeed` entry point does with its command table: resolve the command
// named at the start of argv, print help or run it, and map the outcome to an exit code. The
// full CLI (marketfeed.ts) and the bundled operator (operator/main.ts) share it, so both
// answer the same way.
import { fatalLine } from '../observability/fatal-error.ts';
import type { Command } from './command.ts';
import { commandHelp } from './command.ts';
import { formatColumns } from './help-layout.ts';
import { UsageError } from './options.ts';
import { stopWhenStdoutReaderGoes } from './stdout-reader-gone.ts';

export interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

export type CommandTable = Record<string, CommandEntry>;

function mainHelp(commands: CommandTable): string {
  return [
    'Usage: npx marketfeed <command> [options]',
    '',
    'Commands:',
    ...formatColumns(Object.entries(commands).map(([name, entry]) => [name, entry.summary])),
    '',
    'Run `npx marketfeed <command> --help` for the options of a command.',
    '',
    'Exit codes: 0 done (or stopped by SIGTERM, SIGINT or a reader of stdout that went away),',
    '1 failed (the reason on the last line of stderr), 2 bad usage (the option named).',
    '',
  ].join('\n');
}

/** Finds the longest command name at the start of argv ("consume shm" before "consume"). */
function resolve(commands: CommandTable, argv: readonly string[]): { name: string; rest: readonly string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (argv.length >= words && Object.hasOwn(commands, name)) return { name, rest: argv.slice(words) };
  }
  return undefined;
}

export async function runCli(commands: CommandTable, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // No command is a usage error: the usage goes to stderr. Asked for, help goes to stdout.
  if (argv.length === 0) {
    process.stderr.write(mainHelp(commands));
    return 2;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(mainHelp(commands));
    return 0;
  }
  const found = resolve(commands, argv);
  if (found === undefined) {
    const group = Object.keys(commands).filter((name) => name.startsWith(`${argv[0]} `));
    const hint = group.length > 0 ? `: try ${group.map((name) => `npx marketfeed ${name}`).join(', ')}` : ' (see npx marketfeed --help)';
    process.stderr.write(`marketfeed: unknown command "${argv.slice(0, 2).join(' ')}"${hint}\n`);
    return 2;
  }
  const entry = commands[found.name];
  const command = await entry.load();
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    process.stdout.write(commandHelp(command, entry.summary));
    return 0;
  }
  try {
    return await command.execute(found.rest, env);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message} (see npx marketfeed ${found.name} --help)\n`);
      return 2;
    }
    process.stderr.write(fatalLine(found.name, error));
    return 1;
  }
}

/** Runs the command process.argv names and exits with its code. */
export async function runCliProcess(commands: CommandTable): Promise<never> {
  stopWhenStdoutReaderGoes();
  process.exit(await runCli(commands, process.argv.slice(2)));
}
