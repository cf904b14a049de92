// Checks a parsed message against a data dictionary, as a FIX session layer does before it
// accepts a message, and keeps every finding (code, tag, byte, and what a Reject needs) in
// reused typed arrays: validating a valid message allocates nothing (field and message rules
// are compiled once, enumerations and MsgTypes are looked up by their bytes, not as strings).
// Text is built only when a finding is described.
//
// Always: repeating groups, read as decodeFixMessage reads them (walkFixGroups), whose
// NumInGroup count must equal their entries (BadGroup). With `strict`, also what QuickFIX's
// DataDictionary checks, in its order (the first finding is the one a Reject names):
//   1 TagOutOfOrder    a header field after a body field, a body or header field after the trailer
//   2 UnknownMsgType   a MsgType the dictionary does not define
//   3 MissingField     a required field absent: header, body, trailer, and in each group entry
//   4 per field, in message order, at most one each: RepeatedTag, EmptyValue, UnknownTag,
//     MalformedValue (the type's syntax), BadEnumValue, TagNotDefinedForMessage, then
//     GroupOutOfOrder and BadGroup at a group's count.
import type { FixDictionary, FixFieldDef, FixGroupDef, FixLayout, FixMessageDef } from './fix-dictionary.ts';
import { FixError, type FixErrorCode } from './fix-error.ts';
import { type FixGroupVisitor, groupCountMismatch, walkFixGroups } from './fix-group-walk.ts';
import type { FixMessageView } from './fix-message-view.ts';
import { FORMAT_DESCRIPTION, type ValueFormat, formatOfType, hasFormat } from './fix-value-format.ts';

export interface FixValidatorOptions {
  /**
   * Also check field order, MsgType, required fields, empty values, value formats,
   * enumerations, unknown and repeated tags, as a session layer does. Default false:
   * repeating group counts only.
   */
  strict?: boolean;
  /** Findings kept per message (default 32); more are counted in `dropped`. */
  maxFindings?: number;
}

/** SessionRejectReason (373) of a Reject (35=3) for each finding, as FIX defines them. */
export const SESSION_REJECT_REASON: Readonly<Partial<Record<FixErrorCode, number>>> = {
  BadTag: 0,
  UnknownTag: 0,
  MissingField: 1,
  TagNotDefinedForMessage: 2,
  EmptyValue: 4,
  BadEnumValue: 5,
  MalformedValue: 6,
  UnknownMsgType: 11,
  RepeatedTag: 13,
  TagOutOfOrder: 14,
  GroupOutOfOrder: 15,
  BadGroup: 16,
};

const SECTION_NAMES = ['header', 'body', 'trailer'];
const HEADER = 0;
const BODY = 1;
const TRAILER = 2;
/** Where a missing field was required: SECTION_NAMES, or a group entry. */
const IN_ENTRY = 3;

// Finding priorities: QuickFIX's order of checks.
const ORDER = 0;
const MESSAGE_TYPE = 1;
const REQUIRED = 2;
const FIELD = 3;

/** Most bytes a value may have to be looked up as a number (packedKey). */
const PACKED_BYTES = 6;
const TWO_TO_48 = 2 ** 48;

/** A value's bytes as one number (length included), or -1 if longer than PACKED_BYTES: a lookup key that costs no string. */
function packedKey(buffer: Uint8Array, start: number, end: number): number {
  if (end - start > PACKED_BYTES) return -1;
  let key = 0;
  for (let i = start; i < end; i++) key = key * 256 + buffer[i];
  return key + (end - start) * TWO_TO_48;
}

function latin1(buffer: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(buffer[i]);
  return text;
}

/**
 * Strings looked up by their bytes without allocating: short ones as packedKey numbers in a
 * sorted Float64Array, searched by bisection (a Map would box keys above 2^30 on each get),
 * longer ones (rare) as strings.
 */
class ByteKeyedMap<T> {
  private readonly keys: Float64Array;
  private readonly values: T[];
  private readonly long = new Map<string, T>();

  constructor(entries: Iterable<[string, T]>) {
    const packed: [number, T][] = [];
    for (const [text, value] of entries) {
      const key = packedKey(Buffer.from(text, 'latin1'), 0, Buffer.byteLength(text, 'latin1'));
      if (key < 0) this.long.set(text, value);
      else packed.push([key, value]);
    }
    packed.sort((a, b) => a[0] - b[0]);
    this.keys = Float64Array.from(packed, ([key]) => key);
    this.values = packed.map(([, value]) => value);
  }

  get(buffer: Uint8Array, start: number, end: number): T | undefined {
    const key = packedKey(buffer, start, end);
    if (key < 0) return this.long.get(latin1(buffer, start, end));
    const keys = this.keys;
    let low = 0;
    let high = keys.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = keys[middle];
      if (found === key) return this.values[middle];
      if (found < key) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}

interface FieldRule {
  /** Dense index for the per-scope `seen` stamps. */
  id: number;
  def: FixFieldDef;
  format: ValueFormat;
  /** Enumerated values; undefined if not an enumeration. */
  values: ByteKeyedMap<true> | undefined;
  /** Space-separated values, each checked (MultipleValueString, MultipleCharValue, MultipleStringValue). */
  multiple: boolean;
}

interface MessageRule {
  def: FixMessageDef;
  /** Required tags in the header, the body and the trailer (SECTION_NAMES order). */
  required: readonly number[][];
}

export class FixValidator implements FixGroupVisitor {
  readonly dictionary: FixDictionary;
  readonly strict: boolean;
  /** Findings of the last validate(), in the order a session would report them. */
  count = 0;
  /** Findings of the last validate() beyond maxFindings, not kept. */
  dropped = 0;

  private readonly fieldRules = new Map<number, FieldRule>();
  /** fieldRules by tag, and the section of each tag up to the dictionary's largest (BODY beyond): array reads, not hash lookups, per field. */
  private readonly rulesByTag: (FieldRule | undefined)[];
  private readonly sectionsByTag: Uint8Array;
  private readonly messageRules: ByteKeyedMap<MessageRule>;
  private readonly groupRequired = new Map<FixGroupDef, number[]>();

  // Findings: parallel arrays, in the order found; `order` sorts them by priority.
  private readonly capacity: number;
  private readonly codes: FixErrorCode[];
  private readonly priorities: Uint8Array;
  private readonly tags: Int32Array;
  private readonly offsets: Int32Array;
  private readonly indexes: Int32Array;
  private readonly firsts: Float64Array;
  private readonly seconds: Float64Array;
  private readonly contexts: Int32Array;
  private readonly order: Int32Array;

  // The message being validated.
  private view: FixMessageView | undefined;
  private messageRule: MessageRule | undefined;
  private section = HEADER;
  private outOfOrderFound = false;
  /** seen[rule.id] === the scope's stamp: the field appeared in that scope (the message, or one group entry). */
  private readonly seen: Int32Array;
  private stamp = 0;
  private readonly scopeStamps = new Int32Array(64);
  private readonly scopeEntries = new Int32Array(64);
  private readonly scopeStarts = new Int32Array(64);
  /** The group of each entry scope (depth ≥ 1). */
  private readonly scopeGroups: FixGroupDef[] = [];
  private depth = 0;

  constructor(dictionary: FixDictionary, options: FixValidatorOptions = {}) {
    this.dictionary = dictionary;
    this.strict = options.strict ?? false;
    this.capacity = options.maxFindings ?? 32;
    this.codes = new Array<FixErrorCode>(this.capacity).fill('BadGroup');
    this.priorities = new Uint8Array(this.capacity);
    this.tags = new Int32Array(this.capacity);
    this.offsets = new Int32Array(this.capacity);
    this.indexes = new Int32Array(this.capacity);
    this.firsts = new Float64Array(this.capacity);
    this.seconds = new Float64Array(this.capacity);
    this.contexts = new Int32Array(this.capacity);
    this.order = new Int32Array(this.capacity);

    for (const def of dictionary.fieldsByNumber.values()) {
      const values = def.values.size === 0 ? undefined : new ByteKeyedMap([...def.values.keys()].map((value) => [value, true as const]));
      const multiple = def.type === 'MULTIPLEVALUESTRING' || def.type === 'MULTIPLECHARVALUE' || def.type === 'MULTIPLESTRINGVALUE';
      this.fieldRules.set(def.number, { id: this.fieldRules.size, def, format: formatOfType(def.type), values, multiple });
    }
    this.seen = new Int32Array(this.fieldRules.size);
    const largestTag = Math.max(0, ...this.fieldRules.keys(), ...dictionary.header.tags, ...dictionary.trailer.tags);
    this.rulesByTag = new Array<FieldRule | undefined>(largestTag + 1).fill(undefined);
    for (const [tag, rule] of this.fieldRules) this.rulesByTag[tag] = rule;
    this.sectionsByTag = new Uint8Array(largestTag + 1).fill(BODY);
    for (const tag of dictionary.trailer.tags) this.sectionsByTag[tag] = TRAILER;
    for (const tag of dictionary.header.tags) this.sectionsByTag[tag] = HEADER;
    const requiredOf = (layout: FixLayout): number[] => [...layout.required].filter((tag) => this.fieldRules.has(tag));
    this.messageRules = new ByteKeyedMap([...dictionary.messagesByType.values()].map((def) => [
      def.msgType,
      { def, required: [requiredOf(dictionary.header), requiredOf(def), requiredOf(dictionary.trailer)] },
    ]));
    const addGroups = (layout: FixLayout): void => {
      for (const group of layout.groups.values()) {
        if (this.groupRequired.has(group)) continue;
        this.groupRequired.set(group, requiredOf(group));
        addGroups(group);
      }
    };
    for (const layout of [dictionary.header, dictionary.trailer, ...dictionary.messagesByType.values()]) addGroups(layout);
  }

  /**
   * Validates a message the parser accepted; returns the number of findings (0: valid). They
   * stay readable (codeAt, describe, …) until the next validate() or the view's next parse.
   */
  validate(view: FixMessageView): number {
    this.view = view;
    this.count = 0;
    this.dropped = 0;
    this.section = HEADER;
    this.outOfOrderFound = false;
    this.depth = 0;
    this.scopeStamps[0] = this.nextStamp();
    this.scopeStarts[0] = view.start;
    // The parser put MsgType third.
    const start = view.valueStarts[2];
    this.messageRule = this.messageRules.get(view.buffer, start, view.valueEnds[2]);
    walkFixGroups(view, this.dictionary, this.messageRule?.def, this);
    if (this.strict) {
      if (this.messageRule === undefined) this.add('UnknownMsgType', MESSAGE_TYPE, 35, start, 2, 0, 0, 0);
      else for (let section = HEADER; section <= TRAILER; section++) this.checkRequired(this.messageRule.required[section], section, 0, 0);
    }
    this.sortByPriority();
    return this.count;
  }

  codeAt(finding: number): FixErrorCode {
    return this.codes[this.order[finding]];
  }

  /** The tag the finding is about (RefTagID, 371). */
  tagAt(finding: number): number {
    return this.tags[this.order[finding]];
  }

  /** Byte offset in the view's buffer: the field (or, for a value, the value) the finding is about. */
  offsetAt(finding: number): number {
    return this.offsets[this.order[finding]];
  }

  /** SessionRejectReason (373) for a Reject of the message. */
  rejectReasonAt(finding: number): number {
    return SESSION_REJECT_REASON[this.codeAt(finding)] ?? 99;
  }

  /** The field's name in the dictionary, or "" for a tag it does not define. */
  fieldNameAt(finding: number): string {
    return this.dictionary.fieldsByNumber.get(this.tagAt(finding))?.name ?? '';
  }

  /** The finding for people: "tag 386 (NoTradingSessions) says 3 entries, found 2". Allocates. */
  describe(finding: number): string {
    const k = this.order[finding];
    const view = this.view!;
    const tag = this.tags[k];
    const field = this.dictionary.fieldsByNumber.get(tag);
    const subject = field === undefined ? `tag ${tag}` : `tag ${tag} (${field.name})`;
    const index = this.indexes[k];
    const value = index >= 0 ? JSON.stringify(view.stringAt(index)) : '';
    const first = this.firsts[k];
    const second = this.seconds[k];
    const context = this.contexts[k];
    const group = context === 0 ? '' : this.nameOf(context);
    switch (this.codes[k]) {
      case 'BadGroup':
        return `${subject} ${first < 0 ? `is not a count: ${value}` : groupCountMismatch(first, second)}`;
      case 'GroupOutOfOrder':
        return `${subject}: an entry starts with ${this.nameOf(first)}, not with ${this.nameOf(second)}`;
      case 'MissingField':
        return `${subject} is required in ${first === IN_ENTRY ? `entry ${second + 1} of ${group}` : `the ${SECTION_NAMES[first]}${first === BODY ? ` of ${this.messageName()}` : ''}`}, and missing`;
      case 'EmptyValue':
        return `${subject} has no value`;
      case 'MalformedValue':
        return `${subject} = ${value} is not ${FORMAT_DESCRIPTION[formatOfType(field?.type ?? 'STRING')]} (${field?.type})`;
      case 'BadEnumValue':
        return `${subject} = ${value} is not one of its values (${[...(field?.values.keys() ?? [])].slice(0, 12).join(', ')}${(field?.values.size ?? 0) > 12 ? ', …' : ''})`;
      case 'UnknownTag':
        return `${subject} is not in the ${this.dictionary.version} dictionary`;
      case 'TagNotDefinedForMessage':
        return `${subject} is not a field of ${this.messageName()}`;
      case 'RepeatedTag':
        return `${subject} appears more than once${context === 0 ? '' : ` in one entry of ${group}`}`;
      case 'UnknownMsgType':
        return `${subject} = ${value} is not a message type of the ${this.dictionary.version} dictionary`;
      case 'TagOutOfOrder':
        return `${subject} is a ${SECTION_NAMES[first]} field, after the ${SECTION_NAMES[second]}`;
      default:
        return subject;
    }
  }

  /** The finding as a FixError (code, byte offset, description). */
  errorAt(finding: number): FixError {
    return new FixError(this.codeAt(finding), this.offsetAt(finding), this.describe(finding));
  }

  private nameOf(tag: number): string {
    const name = this.dictionary.fieldsByNumber.get(tag)?.name;
    return name === undefined ? String(tag) : `${name} (${tag})`;
  }

  private messageName(): string {
    const view = this.view!;
    return `${this.messageRule?.def.name ?? 'message'} (${view.stringAt(2)})`;
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.seen.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private add(code: FixErrorCode, priority: number, tag: number, offset: number, index: number, first: number, second: number, context: number): void {
    if (this.count === this.capacity) {
      this.dropped++;
      return;
    }
    const k = this.count++;
    this.codes[k] = code;
    this.priorities[k] = priority;
    this.tags[k] = tag;
    this.offsets[k] = offset;
    this.indexes[k] = index;
    this.firsts[k] = first;
    this.seconds[k] = second;
    this.contexts[k] = context;
  }

  /** Stable insertion sort of the findings' order by priority (a handful of them). */
  private sortByPriority(): void {
    const order = this.order;
    for (let k = 0; k < this.count; k++) {
      let j = k;
      while (j > 0 && this.priorities[order[j - 1]] > this.priorities[k]) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = k;
    }
  }

  /** Byte offset of field `index`'s tag. */
  private fieldStart(index: number): number {
    const view = this.view!;
    let tag = view.tags[index];
    let digits = 1;
    while (tag >= 10) {
      tag = (tag / 10) | 0;
      digits++;
    }
    return view.valueStarts[index] - 1 - digits;
  }

  private checkRequired(required: readonly number[], where: number, context: number, entry: number): void {
    const stamp = this.scopeStamps[this.depth];
    for (let r = 0; r < required.length; r++) {
      const tag = required[r];
      if (this.seen[this.fieldRules.get(tag)!.id] !== stamp) this.add('MissingField', REQUIRED, tag, this.scopeStarts[this.depth], -1, where, entry, context);
    }
  }

  /** HEADER, TRAILER (a header tag that is also a trailer tag: HEADER) or BODY. */
  private sectionOf(tag: number): number {
    return tag < this.sectionsByTag.length ? this.sectionsByTag[tag] : BODY;
  }

  /** Field order at the top level: header, then body, then trailer. */
  private checkSection(index: number, tag: number): void {
    const section = this.sectionOf(tag);
    if (section >= this.section) {
      this.section = section;
    } else if (!this.outOfOrderFound) {
      this.outOfOrderFound = true;
      this.add('TagOutOfOrder', ORDER, tag, this.fieldStart(index), index, section, this.section, 0);
    }
  }

  /** The strict checks of one field, in the current scope (the message, or a group entry); at most one finding. */
  private checkField(index: number): void {
    const view = this.view!;
    const tag = view.tags[index];
    const topLevel = this.depth === 0;
    if (topLevel) this.checkSection(index, tag);
    const rule = tag < this.rulesByTag.length ? this.rulesByTag[tag] : undefined;
    const context = topLevel ? 0 : this.scopeGroups[this.depth].countTag;
    if (rule !== undefined) {
      const stamp = this.scopeStamps[this.depth];
      if (this.seen[rule.id] === stamp) {
        this.add('RepeatedTag', FIELD, tag, this.fieldStart(index), index, 0, 0, context);
        return;
      }
      this.seen[rule.id] = stamp;
    }
    const start = view.valueStarts[index];
    const end = view.valueEnds[index];
    if (start === end) return this.add('EmptyValue', FIELD, tag, start, index, 0, 0, context);
    if (rule === undefined) return this.add('UnknownTag', FIELD, tag, this.fieldStart(index), index, 0, 0, context);
    const format = rule.format;
    if (format !== 'free' && !(format === 'utcTimestamp' ? view.isUtcTimestampAt(index) : hasFormat(format, view.buffer, start, end))) {
      return this.add('MalformedValue', FIELD, tag, start, index, 0, 0, context);
    }
    // MsgType's own values are the message types: UnknownMsgType says it.
    if (rule.values !== undefined && tag !== 35 && !this.inEnumeration(rule.values, rule.multiple, view.buffer, start, end)) {
      return this.add('BadEnumValue', FIELD, tag, start, index, 0, 0, context);
    }
    const message = this.messageRule;
    if (topLevel && message !== undefined && this.sectionOf(tag) === BODY && !message.def.tags.has(tag)) {
      this.add('TagNotDefinedForMessage', FIELD, tag, this.fieldStart(index), index, 0, 0, 0);
    }
  }

  private inEnumeration(values: ByteKeyedMap<true>, multiple: boolean, buffer: Uint8Array, start: number, end: number): boolean {
    if (!multiple) return values.get(buffer, start, end) === true;
    let from = start;
    for (let i = start; i <= end; i++) {
      if (i < end && buffer[i] !== 0x20) continue;
      if (values.get(buffer, from, i) !== true) return false;
      from = i + 1;
    }
    return true;
  }

  // FixGroupVisitor: called by walkFixGroups.

  field(index: number): void {
    if (this.strict) this.checkField(index);
  }

  groupStart(countIndex: number, group: FixGroupDef, delimiterTag: number): void {
    if (this.strict) {
      this.checkField(countIndex);
      if (delimiterTag !== group.delimiterTag) {
        this.add('GroupOutOfOrder', FIELD, group.countTag, this.fieldStart(countIndex + 1), -1, delimiterTag, group.delimiterTag, group.countTag);
      }
    }
  }

  entryStart(index: number, group: FixGroupDef, entry: number): void {
    const depth = ++this.depth;
    this.scopeGroups[depth] = group;
    this.scopeStamps[depth] = this.nextStamp();
    this.scopeEntries[depth] = entry;
    this.scopeStarts[depth] = this.fieldStart(index);
  }

  entryEnd(group: FixGroupDef): void {
    if (this.strict) this.checkRequired(this.groupRequired.get(group) ?? [], IN_ENTRY, group.countTag, this.scopeEntries[this.depth]);
    this.depth--;
  }

  groupEnd(countIndex: number, group: FixGroupDef, entries: number): void {
    const view = this.view!;
    const start = view.valueStarts[countIndex];
    const end = view.valueEnds[countIndex];
    let expected = start === end ? -1 : 0;
    for (let i = start; i < end && expected >= 0; i++) {
      const digit = view.buffer[i] - 0x30;
      expected = digit >= 0 && digit <= 9 ? expected * 10 + digit : -1;
    }
    // Strict mode has already said what is wrong with a count that is no number.
    if (expected < 0 && this.strict) return;
    if (expected !== entries) this.add('BadGroup', FIELD, group.countTag, start, countIndex, expected, entries, 0);
  }
}
