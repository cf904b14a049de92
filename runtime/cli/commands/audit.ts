// `marketfeed audit show FILE` and `marketfeed audit verify FILE`: read an audit-journal file
// (runtime/journal/journal-file.ts) and print its entries, or check every frame's CRC, the
// header and the sequence; both exit 1 naming the byte offset of the first bad entry.
import { journalKindName } from '../../journal/journal-entry-layout.ts';
import type { JournalEntry } from '../../journal/journal-entry.ts';
import { CorruptJournalError, readJournal, type JournalFileSummary } from '../../journal/journal-file.ts';
import { defineCommand, type Command } from '../command.ts';
import { UsageError } from '../options.ts';

/** FIX character fields (ExecType, OrdStatus) as their character, 0 as empty. */
function fixChar(code: number): string {
  return code === 0 ? '' : String.fromCharCode(code);
}

function sideName(side: number): string {
  return side === 1 ? 'buy' : side === 2 ? 'sell' : side === 0 ? '' : String(side);
}

function entryObject(e: JournalEntry): Record<string, number | string> {
  const kind = journalKindName(e.kind);
  const targetsAnother = kind === 'cancelSent' || kind === 'replaceSent';
  return {
    sequence: e.sequence,
    kind,
    monotonicNs: e.monotonicNs,
    wallNs: e.wallNs,
    wall: new Date(e.wallNs / 1e6).toISOString(),
    instrument: e.instrument,
    side: sideName(e.side),
    orderCounter: e.orderCounter,
    price: e.price,
    quantity: e.quantity,
    ...(targetsAnother ? { origOrderCounter: e.origOrderCounter } : { cumQuantity: e.cumQuantity, leavesQuantity: e.leavesQuantity }),
    execType: fixChar(e.execType),
    ordStatus: fixChar(e.ordStatus),
    reason: e.reason,
    flags: e.flags,
  };
}

function entryLine(e: JournalEntry): string {
  return Object.entries(entryObject(e))
    .filter(([name, value]) => name !== 'wallNs' && value !== '')
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

/** Reads `file`, or reports why not on stderr: exit 1 for a bad entry (its offset named), a torn tail, or an unreadable file. */
function readOrReport(file: string, onEntry: (entry: JournalEntry) => void): JournalFileSummary | undefined {
  try {
    const summary = readJournal(file, onEntry);
    if (summary.tornTail !== undefined) {
      process.stderr.write(`${file}: bad entry at offset ${summary.tornTail.offset}: torn tail (${summary.tornTail.reason}, ${summary.tornTail.bytes} bytes: an interrupted write; recovery cuts it); the ${summary.entries} entries before it are valid\n`);
      return undefined;
    }
    return summary;
  } catch (error) {
    if (error instanceof CorruptJournalError) {
      process.stderr.write(`${error.message}\n`);
      return undefined;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') {
      process.stderr.write(`${file}: cannot read (${(error as Error).message})\n`);
      return undefined;
    }
    throw error;
  }
}

/** FILE as the first argument (or --file): the option parser knows flags only. */
function withFileArgument(command: Command): Command {
  return {
    ...command,
    execute(argv, env) {
      const words = argv[0] !== undefined && !argv[0].startsWith('--') ? ['--file', argv[0], ...argv.slice(1)] : argv;
      return command.execute(words, env);
    },
  };
}

function requireFile(name: string, file: string | undefined): string {
  if (file === undefined) throw new UsageError(`marketfeed ${name}: which journal file? (npx marketfeed ${name} FILE)`);
  return file;
}

export const auditShowCommand = withFileArgument(
  defineCommand({
    name: 'audit show',
    description:
      'Prints the entries of an audit-journal file (journal-<first sequence>.log, written by `marketfeed trade`), one a\n' +
      'line: sequence, kind (orderSent, cancelSent, replaceSent, reportReceived, riskReject, riskPass, killEvent, reset),\n' +
      'monotonic and wall time, instrument, side, ClOrdID counter, price (ticks), quantities (lots), ExecType, OrdStatus,\n' +
      'reason code. --json prints one JSON object a line. A bad entry or a torn tail stops the listing: the entries before it\n' +
      'print, the offset of the bad one goes to stderr, exit 1.',
    examples: ['npx marketfeed audit show journal/journal-0000000000000001.log', 'npx marketfeed audit show journal/journal-0000000000000001.log --json | jq .kind'],
    options: {
      file: { type: 'string', description: 'journal file (or give it as the first argument)' },
      json: { type: 'boolean', default: false, description: 'one JSON object per entry' },
    },
    run(options) {
      const file = requireFile('audit show', options.file);
      const summary = readOrReport(file, (entry) => process.stdout.write(`${options.json ? JSON.stringify(entryObject(entry)) : entryLine(entry)}\n`));
      return Promise.resolve(summary === undefined ? 1 : 0);
    },
  }),
);

export const auditVerifyCommand = withFileArgument(
  defineCommand({
    name: 'audit verify',
    description:
      'Checks an audit-journal file: its header, every entry frame (CRC-32 over header and entry), and that sequences go\n' +
      'up by one. Exit 0 with a one-line summary; exit 1 naming the byte offset of the first bad entry (a torn tail, a CRC\n' +
      'mismatch, a missing entry). Reads only: a torn tail is cut by the trader\'s recovery at its next start.',
    examples: [
      'npx marketfeed audit verify journal/journal-0000000000000001.log',
      'npx marketfeed audit verify journal/journal-0000000000000001.log && echo intact',
    ],
    options: {
      file: { type: 'string', description: 'journal file (or give it as the first argument)' },
    },
    run(options) {
      const file = requireFile('audit verify', options.file);
      const summary = readOrReport(file, () => {});
      if (summary === undefined) return Promise.resolve(1);
      const range = summary.entries === 0 ? 'no entries' : `sequences ${summary.firstSequence}…${summary.lastSequence}`;
      process.stdout.write(`${file}: ${summary.entries} entries, ${range}, ${summary.validBytes} bytes: OK\n`);
      return Promise.resolve(0);
    },
  }),
);
