// The marketfeed impl: FixParser.parse (validates BeginString, BodyLength, MsgType and
// CheckSum, records field offsets in a reused FixMessageView), then the fields a handler
// reads through the view's typed accessors. NoMDEntries entries are walked by field index
// with the group layout from the data dictionary (delimiter and member tags), which is
// how a hot-path handler reads groups without building decodeFixMessage's tree.
import type { FixDictionary, FixGroupDef } from '../../runtime/fix/fix-dictionary.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import type { FixMessageView } from '../../runtime/fix/fix-message-view.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import type { FieldReading } from './fix-cases.ts';
import { type MessageHandler, foldResult } from './message-loop.ts';

const NO_MD_ENTRIES = 268;

export function marketfeedHandler(dictionary: FixDictionary, reading: FieldReading): MessageHandler {
  const parser = new FixParser();
  const entries = groupOf(dictionary, 'X', NO_MD_ENTRIES);
  const members = memberTable(entries);
  const strings = reading === 'handler-fields';
  if (reading === 'parse-only') {
    return (message) => {
      const view = parser.parse(message);
      return foldResult(view.buffer[view.valueStarts[2]] + view.intAt(view.count - 1));
    };
  }
  return (message) => {
    const view = parser.parse(message);
    // MsgType is the third field (the parser checks); the three types read here are one character.
    const msgType = view.valueEnds[2] - view.valueStarts[2] === 1 ? view.buffer[view.valueStarts[2]] : 0;
    if (msgType === 0x44) return newOrderSingle(view, strings);
    if (msgType === 0x38) return executionReport(view, strings);
    if (msgType === 0x58) return marketDataIncrementalRefresh(view, entries.delimiterTag, members);
    throw new Error(`unexpected MsgType ${view.getString(35)}`);
  };
}

function newOrderSingle(view: FixMessageView, strings: boolean): number {
  let sink = view.getChar(54).charCodeAt(0) + view.getPrice(38) + view.getPrice(44) + view.getUtcTimestamp(60);
  if (strings) sink += view.getString(11).length + view.getString(55).length;
  return foldResult(sink);
}

function executionReport(view: FixMessageView, strings: boolean): number {
  let sink = view.getChar(150).charCodeAt(0) + view.getChar(39).charCodeAt(0) + view.getChar(54).charCodeAt(0) +
    view.getPrice(32) + view.getPrice(31) + view.getPrice(151) + view.getPrice(14) + view.getPrice(6) + view.getUtcTimestamp(60);
  if (strings) sink += view.getString(37).length + view.getString(17).length + view.getString(55).length;
  return foldResult(sink);
}

/** Every entry's MDUpdateAction (279), MDEntryType (269), MDEntryPx (270) and MDEntrySize (271). */
function marketDataIncrementalRefresh(view: FixMessageView, delimiterTag: number, members: Uint8Array): number {
  const countIndex = view.indexOf(NO_MD_ENTRIES);
  if (countIndex < 0) throw new FixError('MissingField', view.start, 'no NoMDEntries (268)');
  const expected = view.intAt(countIndex);
  let found = 0;
  let sink = 0;
  const tags = view.tags;
  for (let i = countIndex + 1; i < view.count; i++) {
    const tag = tags[i];
    if (tag >= members.length || members[tag] === 0) break;
    if (tag === delimiterTag) found++;
    if (tag === 279 || tag === 269) sink += view.charAt(i).charCodeAt(0);
    else if (tag === 270 || tag === 271) sink += view.priceAt(i);
  }
  if (found !== expected) throw new FixError('BadGroup', view.valueStarts[countIndex], `NoMDEntries says ${expected} entries, found ${found}`);
  return foldResult(sink);
}

function groupOf(dictionary: FixDictionary, msgType: string, countTag: number): FixGroupDef {
  const group = dictionary.messagesByType.get(msgType)?.groups.get(countTag);
  if (group === undefined) throw new Error(`dictionary ${dictionary.version} has no group ${countTag} in MsgType ${msgType}`);
  return group;
}

/** members[tag] = 1 for the group's own tags: a typed-array lookup per field instead of a Set. */
function memberTable(group: FixGroupDef): Uint8Array {
  const members = new Uint8Array(Math.max(...group.tags) + 1);
  for (const tag of group.tags) members[tag] = 1;
  return members;
}
