// `marketfeed fix decode`: pretty-prints a FIX log (a file or stdin; SOH or '|' delimiters)
// one message per line, with message, field and enumeration names from a QuickFIX data
// dictionary, which also validates its repeating groups (and, with --strict, what a session
// layer checks). Bad messages and validation findings are reported on stderr, one line each,
// in one form (fix-log-decoder.ts): the message's number and byte in the input, the check, the
// byte in the message and the tag; every message that parses still prints. Exits 1 when any
// message was bad or failed validation.
import fs from 'node:fs';
import { FixLogDecoder, detectDelimiter } from '../../fix/fix-log-decoder.ts';
import { defineCommand } from '../command.ts';
import { loadDictionaryOption } from '../dictionary-option.ts';
import { UsageError } from '../options.ts';

export const fixDecodeCommand = defineCommand({
  name: 'fix decode',
  description:
    'Reads FIX messages from --file (default stdin), checks BeginString, BodyLength and CheckSum, and prints one line per\n' +
    'message: `MessageName (MsgType) | FieldName(tag)=value [meaning] | …` with --dictionary (QuickFIX XML, e.g.\n' +
    'FIX44.xml; add --transport FIXT11.xml for FIX 5.x), else `tag=value | …`. With --dictionary, repeating group counts\n' +
    'are checked; --strict adds what a FIX session checks (field order, MsgType, required fields, repeated tags, empty\n' +
    'values, value formats, enumerations, unknown tags). Errors and findings go to stderr, one line each, all alike:\n' +
    '`error: message N (byte B of the input): Code at byte K of the message: what is wrong`. N numbers in input order\n' +
    'every message, good or bad, and every stretch of bytes that is no message (text between messages); B is where it\n' +
    'begins, K where in it the problem is. After bytes that do not frame, decoding goes on at the next 8= after their\n' +
    'first byte (a message inside them, or after them). Every message that parses still prints. Exit 1 if any message\n' +
    'was bad or failed validation.',
  examples: [
    'npx marketfeed fix decode --file session.log --dictionary FIX44.xml',
    'tail -f session.log | npx marketfeed fix decode --dictionary FIX44.xml',
    'npx marketfeed fix decode --file session.log --dictionary FIX44.xml --strict',
  ],
  options: {
    file: { type: 'string', description: 'FIX log to read (default: stdin)' },
    dictionary: { type: 'string', description: 'QuickFIX XML data dictionary for names; its repeating groups are validated' },
    transport: { type: 'string', description: 'transport dictionary (FIXT11.xml) for FIX 5.x application dictionaries' },
    delimiter: { type: 'choice', choices: ['auto', 'soh', 'pipe'], default: 'auto', description: "field delimiter; auto = SOH if the input has one, else '|'" },
    checksum: { type: 'choice', choices: ['soh', 'bytes'], default: 'soh', description: "with '|': CheckSum computed as if '|' were SOH (a log of real traffic), or over the bytes as written" },
    strict: { type: 'boolean', default: false, description: 'with --dictionary: validate as a FIX session does (required fields, enumerations, empty values, …)' },
  },
  async run(options) {
    if (options.strict && options.dictionary === undefined) throw new UsageError('marketfeed fix decode: --strict needs --dictionary');
    const dictionary = options.dictionary === undefined ? undefined : loadDictionaryOption(options.dictionary, options.transport);
    const input = options.file === undefined ? process.stdin : fs.createReadStream(options.file);
    let decoder: FixLogDecoder | undefined;
    // With --delimiter auto, the first bytes are held until they show the delimiter after a BeginString.
    const held: Buffer[] = [];
    const start = (delimiter: '\x01' | '|'): FixLogDecoder =>
      new FixLogDecoder({
        delimiter,
        checksumOver: options.checksum,
        dictionary,
        strict: options.strict,
        onMessage: (line) => process.stdout.write(`${line}\n`),
        onError: (description) => process.stderr.write(`error: ${description}\n`),
      });
    const fixed = options.delimiter === 'auto' ? undefined : options.delimiter === 'soh' ? '\x01' : '|';
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (decoder === undefined) {
        held.push(chunk);
        const sample = Buffer.concat(held);
        // Past 64 KiB without a BeginString the input is no FIX log to wait on: decide now.
        const delimiter = fixed ?? detectDelimiter(sample, sample.length > 65_536);
        if (delimiter === undefined) continue;
        decoder = start(delimiter);
        for (const piece of held.splice(0)) decoder.push(piece);
        continue;
      }
      decoder.push(chunk);
    }
    if (decoder === undefined && held.length > 0) {
      decoder = start(fixed ?? detectDelimiter(Buffer.concat(held))!);
      for (const piece of held.splice(0)) decoder.push(piece);
    }
    decoder?.end();
    const validation = dictionary === undefined ? '' : `, ${decoder?.invalid ?? 0} failed validation`;
    process.stderr.write(`${decoder?.messages ?? 0} messages, ${decoder?.errors ?? 0} errors${validation}\n`);
    return (decoder?.errors ?? 0) + (decoder?.invalid ?? 0) > 0 ? 1 : 0;
  },
});
