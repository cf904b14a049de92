// Helpers for the jspurefix golden files (../shared/data/README.md §2b): turn jspurefix's decoded
// object.json and our DecodedMessage into the same flat form, one "path = JSON value" line per
// field, so the two can be compared as multisets and every difference printed on one line.
//   NoPartyIDs[1].PartyRole = 2        a field inside entry 1 of a repeating group
//   NoPartyIDs.length = 3              the entry count of a group
// Components are flattened away on both sides (our decoder has none; jspurefix nests them).
import { readFileSync } from 'node:fs';
import type { FixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import type { DecodedField } from '../../runtime/fix/fix-group-decoder.ts';
import { parseXml } from '../../runtime/fix/fix-xml.ts';
import { dataFiles, dataPath } from '../helpers/shared-data.ts';

export const GOLDEN_ROOT = 'fix/jspurefix-examples';

export interface GoldenMessage {
  /** e.g. FIX.4.4/quickfix/logon */
  id: string;
  version: string;
  fix: string;
  object: unknown;
}

/** Every examples/<ver>/<source>/<msg>/ that has both fix.txt and object.json, in folder order. */
export function goldenMessages(): GoldenMessage[] {
  const examples = `${GOLDEN_ROOT}/examples`;
  const files = new Set(dataFiles(examples));
  const ids = [...files]
    .filter((file) => file.endsWith('/object.json') && files.has(file.replace(/object\.json$/, 'fix.txt')))
    .map((file) => file.slice(examples.length + 1, -'/object.json'.length).split('/'))
    .filter((segments) => segments.length === 3)
    .sort(compareSegments);
  return ids.map((segments) => {
    const dir = `${examples}/${segments.join('/')}`;
    return {
      id: segments.join('/'),
      version: segments[0],
      // Some fixtures end with a newline, which is not part of the message.
      fix: readFileSync(dataPath(`${dir}/fix.txt`), 'latin1').trimEnd(),
      object: JSON.parse(readFileSync(dataPath(`${dir}/object.json`), 'utf8')) as unknown,
    };
  });
}

/** The corpus case names (corpus/<case>/), sorted. */
export function corpusCases(): string[] {
  const corpus = `${GOLDEN_ROOT}/corpus`;
  return [...new Set(dataFiles(corpus).map((file) => file.slice(corpus.length + 1).split('/')[0]))].sort();
}

/** Folder by folder, as a directory walk sorts (a plain string sort puts "a-b/" before "a/"). */
function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * A raw FIX value typed the way jspurefix's AsciiView.toTyped types it, from the field's
 * dictionary type (jspurefix Tags.toType): numbers, Y/N booleans, dates as the ISO string of
 * the Date it builds (UTC), DATA as a Buffer (JSON {type:'Buffer',data}); anything else stays a
 * string (so MONTHYEAR, DAYOFMONTH, EXCHANGE, CURRENCY… are strings there too).
 */
export function jspurefixTyped(raw: string, type: string | undefined): unknown {
  switch ((type ?? 'string').toLowerCase()) {
    case 'int': case 'numingroup': case 'seqnum': case 'length':
    case 'qty': case 'percentage': case 'amt': case 'price': case 'priceoffset': case 'float':
      return Number(raw);
    case 'boolean':
      return raw.startsWith('Y');
    case 'utctimestamp': case 'localmktdate': case 'utcdateonly':
      return utcDate(raw);
    case 'utctimeonly':
      // jspurefix builds Date.UTC(0, 0, 0, h, m, s, ms): the time on 1899-12-31.
      return utcTime(raw, Date.UTC(0, 0, 0));
    case 'data':
      return Buffer.from(raw, 'latin1').toJSON();
    default:
      return raw;
  }
}

const DATE = /^(\d{4})(\d\d)(\d\d)(?:-(.*))?$/;
const TIME = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,3})\d*)?$/;

function utcTime(raw: string, day: number): string {
  const match = TIME.exec(raw);
  if (match === null) throw new Error(`not a UTC time: ${raw}`);
  const [hours, minutes, seconds] = [match[1], match[2], match[3]].map(Number);
  const millis = match[4] === undefined ? 0 : Number(match[4].padEnd(3, '0'));
  return new Date(day + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis).toISOString();
}

function utcDate(raw: string): string {
  const match = DATE.exec(raw);
  if (match === null) throw new Error(`not a UTC date or timestamp: ${raw}`);
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return match[4] === undefined ? new Date(day).toISOString() : utcTime(match[4], day);
}

/**
 * jspurefix names a group by its component when the dictionary wraps the group in one
 * (repo dictionaries: "Parties": [...]), by the NoXxx field otherwise. QuickFIX dictionaries
 * declare the same wrappers (<component name='Parties'><group name='NoPartyIDs'>), so the
 * component name → group name map comes from our XML.
 */
export function groupAliases(...xmlPaths: string[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const path of xmlPaths) {
    const fix = parseXml(readFileSync(path, 'utf8')).children.find((element) => element.name === 'fix');
    const components = fix?.children.find((element) => element.name === 'components')?.children ?? [];
    for (const component of components) {
      const [only, ...rest] = component.children;
      if (only?.name === 'group' && rest.length === 0 && component.attributes.name !== undefined && only.attributes.name !== undefined) {
        aliases.set(component.attributes.name, only.attributes.name);
      }
    }
  }
  return aliases;
}

function isBufferJson(value: object): boolean {
  return 'type' in value && value.type === 'Buffer' && 'data' in value;
}

/** jspurefix's object as lines: components flattened, arrays are groups. */
export function flattenJspurefix(object: unknown, aliases: ReadonlyMap<string, string>, prefix = '', out: string[] = []): string[] {
  for (const [key, value] of Object.entries(object as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      const group = aliases.get(key) ?? key;
      out.push(`${prefix}${group}.length = ${value.length}`);
      value.forEach((entry, index) => flattenJspurefix(entry, aliases, `${prefix}${group}[${index}].`, out));
    } else if (value !== null && typeof value === 'object' && !isBufferJson(value)) {
      flattenJspurefix(value, aliases, prefix, out);
    } else {
      out.push(`${prefix}${key} = ${JSON.stringify(value)}`);
    }
  }
  return out;
}

/** Our decoded fields as lines, values typed as jspurefix types them; `skip` drops top-level tags. */
export function flattenDecoded(fields: readonly DecodedField[], dictionary: FixDictionary, skip: ReadonlySet<number> = new Set(), prefix = '', out: string[] = []): string[] {
  for (const field of fields) {
    if (prefix === '' && skip.has(field.tag)) continue;
    if ('entries' in field) {
      out.push(`${prefix}${field.name}.length = ${field.entries.length}`);
      field.entries.forEach((entry, index) => flattenDecoded(entry, dictionary, skip, `${prefix}${field.name}[${index}].`, out));
    } else {
      const typed = jspurefixTyped(field.value, dictionary.fieldsByNumber.get(field.tag)?.type);
      out.push(`${prefix}${field.name} = ${JSON.stringify(typed)}`);
    }
  }
  return out;
}

/** Lines of `a` not matched in `b` and of `b` not matched in `a`, counting repeats. */
export function multisetDiff(a: readonly string[], b: readonly string[]): [onlyA: string[], onlyB: string[]] {
  const counts = new Map<string, number>();
  for (const line of a) counts.set(line, (counts.get(line) ?? 0) + 1);
  const onlyB: string[] = [];
  for (const line of b) {
    const count = counts.get(line) ?? 0;
    if (count > 0) counts.set(line, count - 1);
    else onlyB.push(line);
  }
  const onlyA = [...counts].flatMap(([line, count]) => Array<string>(count).fill(line));
  return [onlyA.sort(), onlyB.sort()];
}
