#!/usr/bin/env node
// The `marketfeed` command: one entry point, a subcommand per process. Each subcommand's
// module is loaded only when it runs, so `--help` needs nothing built.
import { fatalLine } from '../observability/fatal-error.ts';
import { readOwnPackageJson } from '../own-package-json.ts';
import type { Command } from './command.ts';
import { commandHelp } from './command.ts';
import { formatColumns } from './help-layout.ts';
import { UsageError } from './options.ts';
import { exitCodeOnceStdoutFlushed, stopWhenStdoutFails } from './stdout-failures.ts';

interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

const commands: Record<string, CommandEntry> = {
  demo: {
    summary: 'start a publisher and two SHM consumers and print live latency (what `npm start` runs)',
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
  publish: {
    summary: 'generate quotes into a shared-memory ring',
    load: async () => (await import('./commands/publish.ts')).publishCommand,
  },
  'consume shm': {
    summary: 'read a feed from shared memory and measure one-way latency',
    load: async () => (await import('./commands/consume-shm.ts')).consumeShmCommand,
  },
  'consume tcp': {
    summary: "subscribe to a publisher's TCP feed (binary or NDJSON) and measure one-way latency",
    load: async () => (await import('./commands/consume-tcp.ts')).consumeTcpCommand,
  },
  relay: {
    summary: "republish a publisher's TCP feed bit-for-bit into this host's shared memory",
    load: async () => (await import('./commands/relay.ts')).relayCommand,
  },
  record: {
    summary: 'capture a live feed (shared memory or TCP) into a CRC-checked capture file, records bit-for-bit',
    load: async () => (await import('./commands/record.ts')).recordCommand,
  },
  replay: {
    summary: 'publish a capture file or a LOBSTER file into a feed at original, scaled or flat-out speed',
    load: async () => (await import('./commands/replay.ts')).replayCommand,
  },
  'fix decode': {
    summary: 'pretty-print a FIX log (file or stdin, SOH or | delimiters) with names from a data dictionary',
    load: async () => (await import('./commands/fix-decode.ts')).fixDecodeCommand,
  },
  operator: {
    summary: 'run the MarketFeed operator: reconcile MarketFeeds on Kubernetes (in-cluster or from a kubeconfig)',
    load: async () => (await import('./commands/operator.ts')).operatorCommand,
  },
};

function mainHelp(): string {
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
function commandsOfGroup(group: string): string[] {
  return Object.keys(commands).filter((name) => name.startsWith(`${group} `));
}

function groupHelp(group: string): string {
  return [
    `Usage: npx marketfeed ${group} <command> [options]`,
    '',
    'Commands:',
    ...formatColumns(commandsOfGroup(group).map((name) => [name, commands[name].summary])),
    '',
    `Run \`npx marketfeed ${group} <command> --help\` for the options of a command.`,
    '',
  ].join('\n');
}

/** The help of what `words` name: nothing (the whole CLI), a command or a group; undefined if they name none. */
async function helpOf(words: readonly string[]): Promise<string | undefined> {
  if (words.length === 0) return mainHelp();
  const name = words.join(' ');
  if (Object.hasOwn(commands, name)) return commandHelp(await commands[name].load(), commands[name].summary);
  if (words.length === 1 && commandsOfGroup(name).length > 0) return groupHelp(name);
  return undefined;
}

function unknownCommand(words: readonly string[]): number {
  const group = commandsOfGroup(words[0]);
  const hint = group.length > 0 ? `: try ${group.map((name) => `npx marketfeed ${name}`).join(', ')}` : ' (see npx marketfeed --help)';
  process.stderr.write(`marketfeed: unknown command "${words.slice(0, 2).join(' ')}"${hint}\n`);
  return 2;
}

/** Finds the longest command name at the start of argv ("consume shm" before "consume"). */
function resolve(argv: readonly string[]): { name: string; rest: readonly string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    if (argv.length >= words && Object.hasOwn(commands, name)) return { name, rest: argv.slice(words) };
  }
  return undefined;
}

const isHelpFlag = (word: string | undefined): boolean => word === '--help' || word === '-h';

/** Who reports a failure on stderr: the command, once it is known. */
let commandName = 'marketfeed';

async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // No command is a usage error: the usage goes to stderr. Asked for, help goes to stdout.
  if (argv.length === 0) {
    process.stderr.write(mainHelp());
    return 2;
  }
  if (isHelpFlag(argv[0])) {
    process.stdout.write(mainHelp());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`${readOwnPackageJson(import.meta.dirname).version}\n`);
    return 0;
  }
  if (argv[0] === 'help') {
    const help = await helpOf(argv.slice(1));
    if (help === undefined) return unknownCommand(argv.slice(1));
    process.stdout.write(help);
    return 0;
  }
  const found = resolve(argv);
  if (found === undefined) {
    // A group with --help: its commands. Alone: they go to stderr, before what is wrong.
    if (commandsOfGroup(argv[0]).length > 0 && isHelpFlag(argv[1])) {
      process.stdout.write(groupHelp(argv[0]));
      return 0;
    }
    if (commandsOfGroup(argv[0]).length > 0 && argv.length === 1) process.stderr.write(`${groupHelp(argv[0])}\n`);
    return unknownCommand(argv);
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

stopWhenStdoutFails(() => commandName);
process.exit(await exitCodeOnceStdoutFlushed(await main(process.argv.slice(2))));
