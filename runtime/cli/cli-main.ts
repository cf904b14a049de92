// What every `marketfeed` entry point does with its command table: resolve the command
// named at the start of argv, print help (of the CLI, a group or a command) or the version, or
// run it, and map the outcome to an exit code. The full CLI (marketfeed.ts) and the bundled
// operator (operator/main.ts) share it, so both answer the same way.
import { fatalLine } from '../observability/fatal-error.ts';
import { readOwnPackageJson } from '../own-package-json.ts';
import type { Command } from './command.ts';
import { commandHelp } from './command.ts';
import { formatColumns } from './help-layout.ts';
import { UsageError } from './options.ts';
import { exitCodeOnceStdoutFlushed, stopWhenStdoutFails } from './stdout-failures.ts';

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
    'Run `npx marketfeed <command> --help` (or `npx marketfeed help <command>`) for the options of a',
    'command; `npx marketfeed --version` (-V) prints the version.',
    '',
    'Exit codes: 0 done (or stopped by SIGTERM, SIGINT or a reader of stdout that went away),',
    '1 failed (the reason on the last line of stderr; also a stdout that cannot be written,',
    'e.g. a full disk), 2 bad usage (the option named).',
    '',
  ].join('\n');
}

/** The commands whose first word is `group` ("consume" → consume shm, consume tcp). */
function commandsOfGroup(commands: CommandTable, group: string): string[] {
  return Object.keys(commands).filter((name) => name.startsWith(`${group} `));
}

function groupHelp(commands: CommandTable, group: string): string {
  return [
    `Usage: npx marketfeed ${group} <command> [options]`,
    '',
    'Commands:',
    ...formatColumns(commandsOfGroup(commands, group).map((name) => [name, commands[name].summary])),
    '',
    `Run \`npx marketfeed ${group} <command> --help\` for the options of a command.`,
    '',
  ].join('\n');
}

/** The help of what `words` name: nothing (the whole CLI), a command or a group; undefined if they name none. */
async function helpOf(commands: CommandTable, words: readonly string[]): Promise<string | undefined> {
  if (words.length === 0) return mainHelp(commands);
  const name = words.join(' ');
  if (Object.hasOwn(commands, name)) return commandHelp(await commands[name].load(), commands[name].summary);
  if (words.length === 1 && commandsOfGroup(commands, name).length > 0) return groupHelp(commands, name);
  return undefined;
}

function unknownCommand(commands: CommandTable, words: readonly string[]): number {
  const group = commandsOfGroup(commands, words[0]);
  const hint = group.length > 0 ? `: try ${group.map((name) => `npx marketfeed ${name}`).join(', ')}` : ' (see npx marketfeed --help)';
  process.stderr.write(`marketfeed: unknown command "${words.slice(0, 2).join(' ')}"${hint}\n`);
  return 2;
}

/** Finds the longest command name at the start of argv ("consume shm" before "consume"). */
function resolve(commands: CommandTable, argv: readonly string[]): { name: string; rest: readonly string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (argv.length >= words && Object.hasOwn(commands, name)) return { name, rest: argv.slice(words) };
  }
  return undefined;
}

const isHelpFlag = (word: string | undefined): boolean => word === '--help' || word === '-h';

/** Who reports a failure on stderr: the command, once it is known. */
let commandName = 'marketfeed';

export async function runCli(commands: CommandTable, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // No command is a usage error: the usage goes to stderr. Asked for, help goes to stdout.
  if (argv.length === 0) {
    process.stderr.write(mainHelp(commands));
    return 2;
  }
  if (isHelpFlag(argv[0])) {
    process.stdout.write(mainHelp(commands));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${readOwnPackageJson(import.meta.dirname).version}\n`);
    return 0;
  }
  if (argv[0] === 'help') {
    const help = await helpOf(commands, argv.slice(1));
    if (help === undefined) return unknownCommand(commands, argv.slice(1));
    process.stdout.write(help);
    return 0;
  }
  const found = resolve(commands, argv);
  if (found === undefined) {
    // A group with --help: its commands. Alone: they go to stderr, before what is wrong.
    if (commandsOfGroup(commands, argv[0]).length > 0 && isHelpFlag(argv[1])) {
      process.stdout.write(groupHelp(commands, argv[0]));
      return 0;
    }
    if (commandsOfGroup(commands, argv[0]).length > 0 && argv.length === 1) process.stderr.write(`${groupHelp(commands, argv[0])}\n`);
    return unknownCommand(commands, argv);
  }
  const entry = commands[found.name];
  commandName = `marketfeed ${found.name}`;
  const command = await entry.load();
  if (found.rest.some(isHelpFlag)) {
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

/** Runs the command process.argv names and exits with its code, once stdout is written. */
export async function runCliProcess(commands: CommandTable): Promise<never> {
  stopWhenStdoutFails(() => commandName);
  process.exit(await exitCodeOnceStdoutFlushed(await runCli(commands, process.argv.slice(2))));
}
