// Turns the bytes of a FIX log (a file or stdin, split anywhere) into one readable line
// per message, for `marketfeed fix decode`: framed by FixFramer, validated by FixParser,
// named by a data dictionary when there is one. A message that fails framing or
// validation becomes an error line naming the check and the byte; the rest still decode.
import type { FixDelimiter } from './fix-bytes.ts';
import type { FixDictionary } from './fix-dictionary.ts';
import { FixError } from './fix-error.ts';
import { formatFixMessage } from './fix-format.ts';
import { FixFramer } from './fix-framer.ts';
import type { FixMessageView } from './fix-message-view.ts';
import { FixParser } from './fix-parser.ts';

export interface FixLogDecoderOptions {
  delimiter: FixDelimiter;
  /** With '|': whether CheckSum was computed over the '|' bytes or as if they were SOH. */
  checksumOver: 'bytes' | 'soh';
  dictionary: FixDictionary | undefined;
  onMessage: (line: string) => void;
  /** A message that could not be framed or validated, described for people. */
  onError: (description: string) => void;
}

export class FixLogDecoder {
  messages = 0;
  errors = 0;
  private readonly framer: FixFramer;
  private readonly parser: FixParser;
  private readonly options: FixLogDecoderOptions;
  private offset = 0;

  constructor(options: FixLogDecoderOptions) {
    this.options = options;
    this.parser = new FixParser({ delimiter: options.delimiter, checksumOver: options.checksumOver });
    this.framer = new FixFramer({
      delimiter: options.delimiter,
      onMessage: (buffer, start, end) => this.message(buffer, start, end),
      onError: (error) => this.error(`in the stream: ${error.message}`),
    });
  }

  push(chunk: Uint8Array): void {
    this.framer.push(chunk);
    this.offset += chunk.length;
  }

  /** Reports bytes left over at the end of the input (a truncated last message). */
  end(): void {
    const left = this.framer.buffered;
    if (left > 0) this.error(`the input ends inside a message: its last ${left} bytes, from byte ${this.offset - left}, are not a whole message`);
  }

  private message(buffer: Buffer, start: number, end: number): void {
    let view: FixMessageView;
    try {
      view = this.parser.parse(buffer, start, end);
    } catch (error) {
      if (!(error instanceof FixError)) throw error;
      // The parser's offset is into the framer's buffer: say where in the message instead.
      this.error(`message ${this.messages + this.errors + 1}: ${error.code} at byte ${error.offset - start} of the message: ${error.message.replace(/^\S+ at byte \d+: /, '')}`);
      return;
    }
    this.messages++;
    this.options.onMessage(this.options.dictionary === undefined ? rawLine(view) : formatFixMessage(view, this.options.dictionary));
  }

  private error(description: string): void {
    this.errors++;
    this.options.onError(description);
  }
}

/** Without a dictionary: tag=value, readable separators. */
function rawLine(view: FixMessageView): string {
  const parts: string[] = [];
  for (let i = 0; i < view.count; i++) parts.push(`${view.tags[i]}=${view.stringAt(i)}`);
  return parts.join(' | ');
}

/** SOH when the input holds one, else '|' (a human-readable log). */
export function detectDelimiter(sample: Uint8Array): FixDelimiter {
  return sample.includes(0x01) ? '\x01' : '|';
}
