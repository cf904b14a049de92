#!/usr/bin/env node
// The `marketfeed` command: one entry point, a subcommand per process. Each subcommand's
// module is loaded only when it runs, so `--help` needs nothing built.
import { runCliProcess, type CommandEntry } from './cli-main.ts';
import { operatorEntry } from './commands/operator-entry.ts';

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
  exchange: {
    summary: 'a simulated exchange: matching engines, background liquidity, its quotes and trades into the feed',
    load: async () => (await import('./commands/exchange.ts')).exchangeCommand,
  },
  kill: {
    summary: "halt a running trader through its admin port (new orders refused, open orders canceled); --reset lifts it",
    load: async () => (await import('./commands/kill.ts')).killCommand,
  },
  'fix decode': {
    summary: 'pretty-print a FIX log (file or stdin, SOH or | delimiters) with names from a data dictionary',
    load: async () => (await import('./commands/fix-decode.ts')).fixDecodeCommand,
  },
  'fix send': {
    summary: 'log on to a FIX acceptor, send orders (flags or tag=value lines), print the execution reports',
    load: async () => (await import('./commands/fix-send.ts')).fixSendCommand,
  },
  operator: operatorEntry,
  'audit show': {
    summary: 'print the entries of an audit-journal file, one a line (--json)',
    load: async () => (await import('./commands/audit.ts')).auditShowCommand,
  },
  'audit verify': {
    summary: 'check an audit-journal file; exit 1 naming the offset of the first bad entry',
    load: async () => (await import('./commands/audit.ts')).auditVerifyCommand,
  },
};

await runCliProcess(commands);
