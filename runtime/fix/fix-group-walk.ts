// Walks a parsed message's fields by a data dictionary's repeating-group layouts: a NoXxx
// count field opens a group whose entries start at the group's delimiter field and hold only
// the group's member tags (nested groups recursing); the first field that is not a member
// ends the group. The one reading of groups that the tree decoder (decodeFixMessage) and the
// validator (FixValidator) share; it allocates nothing, the visitor decides what to keep.
import type { FixDictionary, FixGroupDef, FixMessageDef } from './fix-dictionary.ts';
import type { FixMessageView } from './fix-message-view.ts';

export interface FixGroupVisitor {
  /** A field that is no group count: at the top level (group undefined) or in an entry of `group`. */
  field(index: number, group: FixGroupDef | undefined): void;
  /**
   * A group's count field. Its entries start at `delimiterTag`: the group's delimiter, or the
   * member the first entry starts with when that is another member (some senders' order).
   */
  groupStart(countIndex: number, group: FixGroupDef, delimiterTag: number): void;
  /** Entry `entry` (0-based) of `group` begins at field `index`. */
  entryStart(index: number, group: FixGroupDef, entry: number): void;
  entryEnd(group: FixGroupDef): void;
  /** The group ends after `entries` entries. */
  groupEnd(countIndex: number, group: FixGroupDef, entries: number): void;
}

/** Visits every field of `view` in order; `def` is the message's layout (undefined: only header and trailer groups are known). */
export function walkFixGroups(view: FixMessageView, dictionary: FixDictionary, def: FixMessageDef | undefined, visitor: FixGroupVisitor): void {
  let i = 0;
  while (i < view.count) {
    const tag = view.tags[i];
    const group = def?.groups.get(tag) ?? dictionary.header.groups.get(tag) ?? dictionary.trailer.groups.get(tag);
    if (group === undefined) {
      visitor.field(i, undefined);
      i++;
    } else {
      i = walkGroup(view, i, group, visitor);
    }
  }
}

/** Visits the group whose count is field `countIndex`; returns the index of the first field after it. */
function walkGroup(view: FixMessageView, countIndex: number, group: FixGroupDef, visitor: FixGroupVisitor): number {
  const tags = view.tags;
  const count = view.count;
  let i = countIndex + 1;
  const first = i < count ? tags[i] : -1;
  const delimiterTag = first !== group.delimiterTag && group.tags.has(first) ? first : group.delimiterTag;
  visitor.groupStart(countIndex, group, delimiterTag);
  let entries = 0;
  while (i < count && tags[i] === delimiterTag) {
    visitor.entryStart(i, group, entries++);
    do {
      const nested = group.groups.get(tags[i]);
      if (nested !== undefined) {
        i = walkGroup(view, i, nested, visitor);
      } else {
        visitor.field(i, group);
        i++;
      }
    } while (i < count && tags[i] !== delimiterTag && group.tags.has(tags[i]));
    visitor.entryEnd(group);
  }
  visitor.groupEnd(countIndex, group, entries);
  return i;
}

/** What a group whose count disagrees with its entries is reported as. */
export function groupCountMismatch(expected: number, found: number): string {
  return `says ${expected} ${expected === 1 ? 'entry' : 'entries'}, found ${found}`;
}
