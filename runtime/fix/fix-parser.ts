// Validating tag=value parser: checks BeginString (8) first and of the form FIX.n.m or
// FIXT.n.m, BodyLength (9) second and equal to the body's size, MsgType (35) third,
// CheckSum (10) last and correct, and that no body tag has a leading zero or is 8, 9 or 10
// (a second CheckSum would be read instead of the checked one), then
// records every field's tag and value offsets in a reused FixMessageView. Nothing is
// allocated per message or per field; the returned view is overwritten by the next parse.
// A failure gets the code of what was seen (fix-error.ts): bytes that end too soon are
// Truncated, a body that ends where BodyLength says with no CheckSum after it is
// MissingCheckSum, and BadBodyLength is kept for a BodyLength that disagrees with where the
// CheckSum field is (fix-framing-diagnosis.ts); those checks run only once a check has failed.
// skipFramingChecks (fixtures only) drops the BodyLength and CheckSum checks.
import { DIGIT_0, DIGIT_9, EQUALS, type FixDelimiter, delimiterByte, isBeginString } from './fix-bytes.ts';
import { STANDARD_DATA_FIELDS } from './fix-data-fields.ts';
import { FixError } from './fix-error.ts';
import { diagnoseBody, isBeginStringPrefix, messageStartAt, shown } from './fix-framing-diagnosis.ts';
import { FixMessageView } from './fix-message-view.ts';

export interface FixParserOptions {
  /** Field delimiter: SOH (default) or '|' for human-readable logs. */
  delimiter?: FixDelimiter;
  /**
   * What the CheckSum was computed over when the delimiter is '|': 'bytes' (the bytes as
   * they are, default) or 'soh' (as if every '|' were SOH, i.e. a log of real SOH traffic).
   */
  checksumOver?: 'bytes' | 'soh';
  /** Initial field capacity of the reused view. */
  fieldCapacity?: number;
  /**
   * Data tag → length tag of fields whose value may hold the delimiter (default: the FIX
   * standard pairs; dataFieldsOf(dictionary) for a venue's own).
   */
  dataFields?: ReadonlyMap<number, number>;
  /**
   * Skip the BodyLength (9) and CheckSum (10) checks: the body ends where the message's last
   * field, which must still be CheckSum, begins, and neither value is checked. Only for
   * hand-edited fixtures whose framing values are known to be wrong (jspurefix's single-message
   * examples); never for traffic. Default false: both are checked.
   */
  skipFramingChecks?: boolean;
}

const MAX_TAG = 999_999_999;
/** A tag above this cannot take another digit. */
const MAX_TAG_PREFIX = Math.floor(MAX_TAG / 10);

export class FixParser {
  readonly delimiter: number;
  private readonly delimiterAdjust: number;
  private readonly skipFramingChecks: boolean;
  private readonly view: FixMessageView;
  /** lengthTagOf[dataTag] = its length tag, 0 for ordinary fields. */
  private readonly lengthTagOf: Int32Array;

  constructor(options: FixParserOptions = {}) {
    this.delimiter = delimiterByte(options.delimiter);
    this.delimiterAdjust = options.checksumOver === 'soh' ? this.delimiter - 1 : 0;
    this.skipFramingChecks = options.skipFramingChecks ?? false;
    this.view = new FixMessageView(options.fieldCapacity ?? 64);
    const dataFields = options.dataFields ?? STANDARD_DATA_FIELDS;
    let largest = 0;
    for (const tag of dataFields.keys()) largest = Math.max(largest, tag);
    this.lengthTagOf = new Int32Array(largest + 1);
    for (const [tag, lengthTag] of dataFields) this.lengthTagOf[tag] = lengthTag;
  }

  /** Parses exactly one message occupying bytes [start, end) of `buffer`. */
  parse(buffer: Uint8Array, start = 0, end = buffer.length): FixMessageView {
    const delimiter = this.delimiter;
    const view = this.view;
    view.buffer = buffer;
    view.start = start;
    view.end = end;
    view.count = 0;
    if (start < 0 || end > buffer.length || start > end) throw new FixError('InvalidValue', start, `bytes [${start}, ${end}) are not within the buffer of ${buffer.length}`);
    if (start === end) throw new FixError('Truncated', start, 'the message is empty');
    // Every field takes at least 3 bytes ("t=" and its delimiter): room for all of them, once.
    view.reserve(((end - start) / 3 + 1) | 0);

    // 8=<version><d>
    if (buffer[start] !== 0x38 || start + 1 >= end || buffer[start + 1] !== EQUALS) {
      if (buffer[start] === 0x38 && start + 1 === end) throw new FixError('Truncated', end, 'the message ends after its first byte, "8"');
      throw new FixError('BadBeginString', start, `message does not start with 8=: ${shown(buffer, start, end, delimiter, 12)}`);
    }
    let i = start + 2;
    const beginValue = i;
    while (i < end && buffer[i] !== delimiter) i++;
    if (i === end && isBeginStringPrefix(buffer, beginValue, end)) throw new FixError('Truncated', end, `the message ends inside BeginString (8), ${shown(buffer, start, end, delimiter)}`);
    if (i === end || i === beginValue) throw new FixError('BadBeginString', beginValue, 'BeginString is empty or not terminated');
    if (!this.skipFramingChecks && !isBeginString(buffer, beginValue, i)) throw new FixError('BadBeginString', beginValue, 'BeginString is not FIX.n.m or FIXT.n.m');
    view.push(8, beginValue, i);
    i++;

    // 9=<digits><d>
    const lengthField = i;
    if (i + 1 >= end || buffer[i] !== 0x39 || buffer[i + 1] !== EQUALS) {
      if (i === end || (i + 1 === end && buffer[i] === 0x39)) throw new FixError('Truncated', end, 'the message ends before BodyLength (9)');
      throw new FixError('BadBodyLength', lengthField, `second field is not BodyLength (9): ${shown(buffer, i, end, delimiter, 12)}`);
    }
    i += 2;
    const lengthValue = i;
    let bodyLength = 0;
    while (i < end && buffer[i] !== delimiter) {
      const byte = buffer[i];
      if (byte < DIGIT_0 || byte > DIGIT_9 || i - lengthValue >= 9) {
        throw new FixError('BadBodyLength', i, 'BodyLength is not a number of at most 9 digits');
      }
      bodyLength = bodyLength * 10 + byte - DIGIT_0;
      i++;
    }
    if (i === end) throw new FixError('Truncated', end, 'the message ends inside BodyLength (9)');
    if (i === lengthValue) throw new FixError('BadBodyLength', lengthValue, 'BodyLength is empty');
    view.push(9, lengthValue, i);
    i++;
    const bodyStart = i;
    const skip = this.skipFramingChecks;
    const bodyEnd = skip ? this.lastFieldStart(buffer, bodyStart, end) : bodyStart + bodyLength;
    const checksumValue = bodyEnd + 3;
    const checksumEnd = skip ? end - 1 : checksumValue + 3;
    let stated = -1;
    if (skip) {
      if (buffer[bodyEnd] !== 0x31 || buffer[bodyEnd + 1] !== 0x30 || buffer[bodyEnd + 2] !== EQUALS) {
        throw new FixError('BadCheckSum', bodyEnd, 'last field is not CheckSum (10)');
      }
    } else {
      // 10=<3 digits><d> right after the body, and nothing after it. A BodyLength that does
      // lead to "10=" is right even when the CheckSum value after it is not.
      if (bodyEnd + 3 > end || buffer[bodyEnd] !== 0x31 || buffer[bodyEnd + 1] !== 0x30 || buffer[bodyEnd + 2] !== EQUALS ||
        (bodyEnd > bodyStart && buffer[bodyEnd - 1] !== delimiter)) {
        const problem = diagnoseBody(buffer, delimiter, { lengthAt: lengthValue, bodyStart, bodyLength }, end, 'message');
        throw new FixError(problem.code, problem.at, problem.detail);
      }
      let checksumStated = 0;
      for (let k = checksumValue; k < checksumValue + 3; k++) {
        const byte = k < end ? buffer[k] : 0;
        if (byte < DIGIT_0 || byte > DIGIT_9) {
          if (k === end) throw new FixError('Truncated', end, `the message ends inside its CheckSum (10), ${shown(buffer, bodyEnd, end, delimiter)}`);
          throw new FixError('BadCheckSum', checksumValue, `CheckSum is not 3 digits: ${shown(buffer, bodyEnd, end, delimiter)}`);
        }
        checksumStated = checksumStated * 10 + byte - DIGIT_0;
      }
      if (checksumValue + 3 === end) throw new FixError('Truncated', end, 'the message ends before the delimiter after its CheckSum (10)');
      if (buffer[checksumValue + 3] !== delimiter) throw new FixError('BadCheckSum', checksumValue + 3, 'CheckSum is not 3 digits followed by the delimiter');
      if (checksumValue + 4 !== end) throw new FixError('Garbled', checksumValue + 4, `bytes after CheckSum (10): ${shown(buffer, checksumValue + 4, end, delimiter)}`);
      stated = checksumStated;
    }

    // Body fields: <tag>=<value><d>, the first one MsgType (35). The CheckSum is summed in
    // the same pass (one read per byte); a malformed field is reported only once the sum has
    // been checked, so a corrupted byte is named as a CheckSum failure, as in a two-pass parser.
    let sum = this.sumOf(buffer, start, bodyStart);
    const delimiterValue = delimiter - this.delimiterAdjust;
    i = bodyStart;
    while (i < bodyEnd) {
      const fieldStart = i;
      let tag = 0;
      while (i < bodyEnd) {
        const byte = buffer[i];
        if (byte === EQUALS) break;
        const digit = byte - DIGIT_0;
        if (digit >>> 0 > 9 || tag > MAX_TAG_PREFIX) this.fieldError(buffer, start, bodyEnd, stated, checksumValue, this.badField(buffer, fieldStart, bodyEnd));
        tag = tag * 10 + digit;
        sum += byte;
        i++;
      }
      // The trailer check put a delimiter at bodyEnd - 1, a non-digit, so the loop ends at '=' here.
      if (i === fieldStart || tag === 0 || buffer[fieldStart] === DIGIT_0) this.fieldError(buffer, start, bodyEnd, stated, checksumValue, this.badField(buffer, fieldStart, bodyEnd));
      if (tag <= 10 && (tag === 8 || tag === 9 || tag === 10)) {
        this.fieldError(buffer, start, bodyEnd, stated, checksumValue, new FixError('TagOutOfOrder', fieldStart, `tag ${tag} belongs to the header or trailer, not the body`));
      }
      sum += EQUALS;
      i++;
      const valueStart = i;
      const lengthTag = tag < this.lengthTagOf.length ? this.lengthTagOf[tag] : 0;
      if (lengthTag !== 0 && view.tags[view.count - 1] === lengthTag) {
        const length = view.intAt(view.count - 1);
        i = valueStart + length;
        if (length < 0 || i >= bodyEnd || buffer[i] !== delimiter) {
          this.fieldError(buffer, start, bodyEnd, stated, checksumValue, new FixError('BadDataLength', valueStart, `data field ${tag} is not ${length} bytes (its length field ${lengthTag}) followed by the delimiter`));
        }
        sum += this.sumOf(buffer, valueStart, i);
      } else {
        // The trailer check above put a delimiter at bodyEnd - 1, so this loop stops in the body.
        let byte = buffer[i];
        while (byte !== delimiter) {
          sum += byte;
          byte = buffer[++i];
        }
      }
      sum += delimiterValue;
      if (view.count === 2 && tag !== 35) this.fieldError(buffer, start, bodyEnd, stated, checksumValue, new FixError('BadMsgType', fieldStart, `third field is not MsgType (35) but tag ${tag}`));
      view.push(tag, valueStart, i);
      i++;
    }
    if (stated >= 0 && (sum & 0xff) !== stated) throw this.checksumError(buffer, bodyStart, bodyEnd, stated, sum & 0xff, checksumValue);
    if (view.count === 2) throw new FixError('BadMsgType', bodyStart, 'message has no MsgType (35)');
    view.push(10, checksumValue, checksumEnd);
    return view;
  }

  /** Sum of bytes [from, to) with delimiters counted as checksumOver says. */
  private sumOf(buffer: Uint8Array, from: number, to: number): number {
    const delimiter = this.delimiter;
    let sum = 0;
    for (let k = from; k < to; k++) {
      const byte = buffer[k];
      sum += byte === delimiter ? byte - this.delimiterAdjust : byte;
    }
    return sum;
  }

  /**
   * Throws `error` for a malformed field: BadCheckSum instead when the stated CheckSum (-1: not
   * checked) does not match the whole body, since the damage is then what broke the field.
   */
  private fieldError(buffer: Uint8Array, start: number, bodyEnd: number, stated: number, checksumAt: number, error: FixError): never {
    const computed = this.sumOf(buffer, start, bodyEnd) & 0xff;
    const bodyStart = this.view.valueEnds[1] + 1;
    if (stated >= 0 && computed !== stated) throw this.checksumError(buffer, bodyStart, bodyEnd, stated, computed, checksumAt);
    const cut = this.newMessageInside(buffer, bodyStart, bodyEnd);
    if (cut >= 0) throw new FixError('Truncated', cut, 'the message is cut short: a new message begins there');
    throw error;
  }

  /**
   * A CheckSum that does not match: BadCheckSum, or Truncated if a new message begins inside
   * the body (a message cut short, and the next one's bytes took the place of its rest; the
   * error's offset is where that message begins, for FixFramer.resumeAt).
   */
  private checksumError(buffer: Uint8Array, bodyStart: number, bodyEnd: number, stated: number, computed: number, checksumAt: number): FixError {
    const cut = this.newMessageInside(buffer, bodyStart, bodyEnd);
    if (cut >= 0) return new FixError('Truncated', cut, `the message is cut short: a new message begins there (CheckSum is ${stated}, computed ${computed})`);
    return new FixError('BadCheckSum', checksumAt, `CheckSum is ${stated}, computed ${computed}`);
  }

  /** Where a whole message header ("8=FIX.n.m", "9=") begins inside bytes [from, to), or -1. */
  private newMessageInside(buffer: Uint8Array, from: number, to: number): number {
    for (let k = from; k < to; k++) if (buffer[k] === 0x38 && messageStartAt(buffer, k, to, this.delimiter, false) === 1) return k;
    return -1;
  }

  /** What is wrong with the field at `fieldStart`, whose tag did not read as a number: no '=' at all, or a tag that is no valid number. */
  private badField(buffer: Uint8Array, fieldStart: number, bodyEnd: number): FixError {
    const delimiter = this.delimiter;
    let equals = -1;
    let fieldEnd = fieldStart;
    for (; fieldEnd < bodyEnd && buffer[fieldEnd] !== delimiter; fieldEnd++) if (equals < 0 && buffer[fieldEnd] === EQUALS) equals = fieldEnd;
    const field = shown(buffer, fieldStart, fieldEnd, delimiter);
    if (fieldEnd === fieldStart) return new FixError('MissingEquals', fieldStart, 'an empty field: two delimiters in a row');
    if (equals < 0) return new FixError('MissingEquals', fieldStart, `field ${field} has no '='`);
    if (equals === fieldStart) return new FixError('BadTag', fieldStart, `field ${field} has no tag`);
    const tag = shown(buffer, fieldStart, equals, delimiter);
    for (let k = fieldStart; k < equals; k++) {
      if (buffer[k] < DIGIT_0 || buffer[k] > DIGIT_9) return new FixError('BadTag', fieldStart, `tag ${tag} is not a number`);
    }
    if (equals - fieldStart > 9) return new FixError('BadTag', fieldStart, `tag ${tag} is larger than ${MAX_TAG}`);
    let zeros = fieldStart;
    while (zeros < equals && buffer[zeros] === DIGIT_0) zeros++;
    if (zeros === equals) return new FixError('BadTag', fieldStart, `tag ${tag} is 0, not a tag number`);
    return new FixError('BadTag', fieldStart, `tag ${tag} is written with a leading zero`);
  }

  /** Where the message's last field begins (skipFramingChecks): after the delimiter before the final one. */
  private lastFieldStart(buffer: Uint8Array, bodyStart: number, end: number): number {
    if (buffer[end - 1] !== this.delimiter) throw new FixError('Truncated', end, 'the message does not end with the delimiter');
    let k = end - 2;
    while (k >= bodyStart && buffer[k] !== this.delimiter) k--;
    return k + 1;
  }

}
