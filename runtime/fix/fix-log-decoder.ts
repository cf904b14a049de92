// Turns the bytes of a FIX log (a file or stdin, split anywhere) into one readable line
// per message, for `marketfeed fix decode`: framed by FixFramer, validated by FixParser,
// named by a data dictionary when there is one, and with one checked by FixValidator (its
// repeating groups, or with `strict` everything a session layer checks). A message that fails
// framing or parsing becomes an error line naming the check and the byte; one that parses
// still prints, with an error line per validation finding; the rest still decode.
// Every report has one form, `message N (byte B of the input): Code at byte K of the message:
// detail`: N numbers what the input holds in order, messages that parse or not and bytes that
// are no message at all (text between messages, one number per stretch), so a framing error
// too has its number, its first byte B in the input and the byte K where it was found.
// Log lines may start with a prefix (QuickFIX's "20241013-14:03:55.006 : "); the
// dictionary's own LENGTH/DATA field pairs are read as data (a venue's SecurityXML).
import type { FixDelimiter } from './fix-bytes.ts';
import { dataFieldsOf } from './fix-data-fields.ts';
import type { FixDictionary } from './fix-dictionary.ts';
import { FixError } from './fix-error.ts';
import { formatFixMessage } from './fix-format.ts';
import { FixFramer } from './fix-framer.ts';
import type { FixMessageView } from './fix-message-view.ts';
import { FixParser } from './fix-parser.ts';
import { FixValidator } from './fix-validator.ts';

export interface FixLogDecoderOptions {
  delimiter: FixDelimiter;
  /** With '|': whether CheckSum was computed over the '|' bytes or as if they were SOH. */
  checksumOver: 'bytes' | 'soh';
  dictionary: FixDictionary | undefined;
  /** With a dictionary: also check what a session layer checks, not only repeating groups. */
  strict?: boolean;
  onMessage: (line: string) => void;
  /** A message that could not be framed or parsed, or a validation finding, described for people. */
  onError: (description: string) => void;
}

export class FixLogDecoder {
  /** Messages parsed (and printed), those that failed validation included. */
  messages = 0;
  /** Framing and parsing errors. */
  errors = 0;
  /** Messages with at least one validation finding. */
  invalid = 0;
  /** Messages and stretches of bytes that are none, so far: the number a report gives them. */
  private framed = 0;
  private readonly framer: FixFramer;
  private readonly parser: FixParser;
  private readonly validator: FixValidator | undefined;
  private readonly options: FixLogDecoderOptions;

  constructor(options: FixLogDecoderOptions) {
    this.options = options;
    this.parser = new FixParser({
      delimiter: options.delimiter,
      checksumOver: options.checksumOver,
      ...(options.dictionary === undefined ? {} : { dataFields: dataFieldsOf(options.dictionary) }),
    });
    this.validator = options.dictionary === undefined ? undefined : new FixValidator(options.dictionary, { strict: options.strict ?? false });
    this.framer = new FixFramer({
      delimiter: options.delimiter,
      linePrefixes: true,
      onMessage: (buffer, start, end, offset) => this.message(buffer, start, end, offset),
      onError: (error, at) => this.error(this.where(error.offset), error.code, at - error.offset, error.detail),
    });
  }

  push(chunk: Uint8Array): void {
    this.framer.push(chunk);
  }

  /** The end of the input: a last message cut short is reported, and whole messages after its start still decode. */
  end(): void {
    this.framer.end();
  }

  private message(buffer: Buffer, start: number, end: number, offset: number): void {
    const where = this.where(offset);
    let view: FixMessageView;
    try {
      view = this.parser.parse(buffer, start, end);
    } catch (error) {
      if (!(error instanceof FixError)) throw error;
      // Cut short where a new message begins inside it: that message is framed next.
      if (error.code === 'Truncated' && error.offset > start && error.offset < end) this.framer.resumeAt(error.offset);
      // The parser's offset is into the framer's buffer: say where in the message instead.
      this.error(where, error.code, error.offset - start, error.detail);
      return;
    }
    this.messages++;
    this.options.onMessage(this.options.dictionary === undefined ? rawLine(view) : formatFixMessage(view, this.options.dictionary));
    const findings = this.validator?.validate(view) ?? 0;
    if (findings === 0) return;
    this.invalid++;
    for (let k = 0; k < findings; k++) {
      this.options.onError(report(where, this.validator!.codeAt(k), this.validator!.offsetAt(k) - start, this.validator!.describe(k)));
    }
  }

  /** The next number, and the byte of the input where what it numbers begins. */
  private where(offset: number): string {
    return `message ${++this.framed} (byte ${offset} of the input)`;
  }

  private error(where: string, code: string, byteInMessage: number, detail: string): void {
    this.errors++;
    this.options.onError(report(where, code, byteInMessage, detail));
  }
}

/** The one form of every report line (after `error: `), as `fix decode --help` documents it. */
function report(where: string, code: string, byteInMessage: number, detail: string): string {
  return `${where}: ${code} at byte ${byteInMessage} of the message: ${detail}`;
}

/** Without a dictionary: tag=value, readable separators. */
function rawLine(view: FixMessageView): string {
  const parts: string[] = [];
  for (let i = 0; i < view.count; i++) parts.push(`${view.tags[i]}=${view.stringAt(i)}`);
  return parts.join(' | ');
}

/**
 * The delimiter of a log from its first bytes: the byte after the first BeginString value
 * (SOH or '|'); undefined while the sample holds no BeginString and its delimiter yet.
 * `complete`: the sample is all there is, so decide anyway (SOH if it holds one, else '|').
 */
export function detectDelimiter(sample: Uint8Array, complete = true): FixDelimiter | undefined {
  for (let at = sample.indexOf(0x38); at >= 0 && at + 1 < sample.length; at = sample.indexOf(0x38, at + 1)) {
    if (sample[at + 1] !== 0x3d) continue;
    let i = at + 2;
    while (i < sample.length && i - at < 34 && sample[i] !== 0x01 && sample[i] !== 0x7c && sample[i] !== 0x0a) i++;
    if (i < sample.length && (sample[i] === 0x01 || sample[i] === 0x7c)) return sample[i] === 0x01 ? '\x01' : '|';
  }
  if (!complete) return undefined;
  return sample.includes(0x01) ? '\x01' : '|';
}
