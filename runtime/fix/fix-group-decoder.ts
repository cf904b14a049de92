// Group-aware decoding of a parsed message with a data dictionary: NoXxx count fields
// open repeating groups whose entries start at the group's delimiter field and hold only
// the group's member tags; a count that does not match the entries found is an error.
// This allocates a tree and is meant for logs, tools and tests, not the hot path.
import type { FixDictionary, FixGroupDef } from './fix-dictionary.ts';
import { FixError } from './fix-error.ts';
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

export function decodeFixMessage(view: FixMessageView, dictionary: FixDictionary): DecodedMessage {
  const msgType = view.getString(35);
  const def = dictionary.messagesByType.get(msgType);
  const nameOf = (tag: number): string => dictionary.fieldsByNumber.get(tag)?.name ?? String(tag);
  const topGroup = (tag: number): FixGroupDef | undefined =>
    def?.groups.get(tag) ?? dictionary.header.groups.get(tag) ?? dictionary.trailer.groups.get(tag);

  const readGroup = (countIndex: number, group: FixGroupDef): [DecodedGroup, number] => {
    const expected = view.intAt(countIndex);
    const decoded: DecodedGroup = { tag: group.countTag, name: nameOf(group.countTag), entries: [] };
    let i = countIndex + 1;
    const first = i < view.count ? view.tags[i] : -1;
    const delimiterTag = first !== group.delimiterTag && group.tags.has(first) ? first : group.delimiterTag;
    while (i < view.count && view.tags[i] === delimiterTag) {
      const entry: DecodedField[] = [];
      do {
        const tag = view.tags[i];
        const nested = group.groups.get(tag);
        if (nested !== undefined) {
          const [inner, next] = readGroup(i, nested);
          entry.push(inner);
          i = next;
        } else {
          entry.push({ tag, name: nameOf(tag), value: view.stringAt(i) });
          i++;
        }
      } while (i < view.count && view.tags[i] !== delimiterTag && group.tags.has(view.tags[i]));
      decoded.entries.push(entry);
    }
    if (decoded.entries.length !== expected) {
      throw new FixError('BadGroup', view.valueStarts[countIndex],
        `${nameOf(group.countTag)} (${group.countTag}) says ${expected} entries, found ${decoded.entries.length}`);
    }
    return [decoded, i];
  };

  const fields: DecodedField[] = [];
  let i = 0;
  while (i < view.count) {
    const group = topGroup(view.tags[i]);
    if (group !== undefined) {
      const [decoded, next] = readGroup(i, group);
      fields.push(decoded);
      i = next;
    } else {
      fields.push({ tag: view.tags[i], name: nameOf(view.tags[i]), value: view.stringAt(i) });
      i++;
    }
  }
  return { msgType, name: def?.name ?? msgType, fields };
}
