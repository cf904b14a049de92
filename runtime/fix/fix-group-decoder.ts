// Group-aware decoding of a parsed message with a data dictionary into a tree: repeating
// groups (read by walkFixGroups) become lists of entries; a count that does not match the
// entries found is an error. This allocates a tree and is meant for logs, tools and tests,
// not the hot path (FixValidator checks the same groups without allocating).
import type { FixDictionary, FixGroupDef } from './fix-dictionary.ts';
import { FixError } from './fix-error.ts';
import { type FixGroupVisitor, groupCountMismatch, walkFixGroups } from './fix-group-walk.ts';
import type { FixMessageView } from './fix-message-view.ts';

export interface DecodedValue {
  tag: number;
  name: string;
  value: string;
}

export interface DecodedGroup {
  tag: number;
  name: string;
  entries: DecodedField[][];
}

export type DecodedField = DecodedValue | DecodedGroup;

export interface DecodedMessage {
  msgType: string;
  /** Message name from the dictionary, or the MsgType itself when the dictionary does not know it. */
  name: string;
  fields: DecodedField[];
}

interface OpenGroup {
  decoded: DecodedGroup;
  /** The list the group sits in, current again once it ends. */
  parent: DecodedField[];
  expected: number;
}

class TreeBuilder implements FixGroupVisitor {
  readonly fields: DecodedField[] = [];
  private current = this.fields;
  private readonly open: OpenGroup[] = [];

  private readonly view: FixMessageView;
  private readonly dictionary: FixDictionary;

  constructor(view: FixMessageView, dictionary: FixDictionary) {
    this.view = view;
    this.dictionary = dictionary;
  }

  private nameOf(tag: number): string {
    return this.dictionary.fieldsByNumber.get(tag)?.name ?? String(tag);
  }

  field(index: number): void {
    const tag = this.view.tags[index];
    this.current.push({ tag, name: this.nameOf(tag), value: this.view.stringAt(index) });
  }

  groupStart(countIndex: number, group: FixGroupDef): void {
    const expected = this.view.intAt(countIndex);
    const decoded: DecodedGroup = { tag: group.countTag, name: this.nameOf(group.countTag), entries: [] };
    this.current.push(decoded);
    this.open.push({ decoded, parent: this.current, expected });
  }

  entryStart(): void {
    const entry: DecodedField[] = [];
    this.open[this.open.length - 1].decoded.entries.push(entry);
    this.current = entry;
  }

  entryEnd(): void {}

  groupEnd(countIndex: number, group: FixGroupDef, entries: number): void {
    const { parent, expected } = this.open.pop()!;
    if (entries !== expected) {
      throw new FixError('BadGroup', this.view.valueStarts[countIndex], `${this.nameOf(group.countTag)} (${group.countTag}) ${groupCountMismatch(expected, entries)}`);
    }
    this.current = parent;
  }
}

export function decodeFixMessage(view: FixMessageView, dictionary: FixDictionary): DecodedMessage {
  const msgType = view.getString(35);
  const def = dictionary.messagesByType.get(msgType);
  const builder = new TreeBuilder(view, dictionary);
  walkFixGroups(view, dictionary, def, builder);
  return { msgType, name: def?.name ?? msgType, fields: builder.fields };
}
