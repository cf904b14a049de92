// Golden files from jspurefix (the data README §2b, fix/jspurefix-examples):
// 1. examples/<ver>/<source>/<msg>/: our parser + decodeFixMessage give the same fields, values
//    (typed as jspurefix types them), group paths and entry counts as jspurefix's object.json.
// 2. corpus/<case>/: a message with a component's tags in canonical order and scattered decodes
//    to the same content both ways, and keeps the fields case.json says jspurefix loses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type FixDictionary, loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { decodeFixMessage } from '../../runtime/fix/fix-group-decoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { GOLDEN_ROOT, corpusCases, flattenDecoded, flattenJspurefix, goldenMessages, groupAliases, multisetDiff } from './jspurefix-golden.ts';

interface Dictionary {
  dictionary: FixDictionary;
  /** Group wrapper component → NoXxx group name (see groupAliases). */
  aliases: Map<string, string>;
}

function load(...files: string[]): Dictionary {
  const paths = files.map((file) => dataPath(`fix/dictionaries/${file}`));
  return { dictionary: loadFixDictionary(paths[0], paths[1]), aliases: groupAliases(...paths) };
}

/** One difference that is not ours to fix, found in the lines of one side only. */
interface Allowed {
  id: string;
  side: 'ours' | 'theirs';
  line: string;
  why: string;
}

const ALLOWED: Allowed[] = [
  // FIX.4.3 is read with FIX44.xml: the shared data has no FIX 4.3 dictionary (jspurefix used
  // its own FIX43.xml). FIX44.xml has no field 47 (Rule80A, retired in 4.4), so we name it by tag.
  { id: 'FIX.4.3/quickfix/new-order-single', side: 'ours', line: '47 = "A"', why: 'tag 47 is not in FIX44.xml' },
  { id: 'FIX.4.3/quickfix/new-order-single', side: 'theirs', line: 'Rule80A = "A"', why: 'tag 47 is Rule80A in jspurefix FIX43.xml' },
  // jspurefix quirk: 207 comes after 40, 44, 59, 1 and 21, so Instrument is in two runs
  // (structure.json lists two "Instrument" segments) and toObject() keeps only the first one.
  // The corpus "loses-fields" cases are about the same behaviour. Our decoder keeps it.
  { id: 'FIX.4.3/quickfix/new-order-single', side: 'ours', line: 'SecurityExchange = "N"', why: 'jspurefix drops the second run of a scattered component' },
  // Stale fixture: this object.json (and token.txt) was made from a fix.txt with a line break in
  // 613's value ("eros.\nNam"); that byte is gone from the fix.txt, which is why BodyLength is
  // 6545 for a 6544-byte body. repo/execution-report is the same message and agrees with us.
  { id: 'FIX.4.4/quickfix/execution-report', side: 'ours', line: 'NoLegs[0].LegOptAttribute = "eros.Nam"', why: 'object.json made from an older fix.txt' },
  { id: 'FIX.4.4/quickfix/execution-report', side: 'theirs', line: 'NoLegs[0].LegOptAttribute = "eros.\\nNam"', why: 'object.json made from an older fix.txt' },
  // Stale fixture: StrikeCurrency (947) is a Currency, a string in jspurefix's typing (and in
  // repo/trade-capture's object.json), but this object.json holds the number -2928.1.
  { id: 'FIX.4.4/repo/trade-capture-no-groups', side: 'ours', line: 'StrikeCurrency = "-2928.1"', why: 'object.json types a Currency as a number' },
  { id: 'FIX.4.4/repo/trade-capture-no-groups', side: 'theirs', line: 'StrikeCurrency = -2928.1', why: 'object.json types a Currency as a number' },
  // Tag 20460 is a custom field that jspurefix added to its FIX50SP2.xml (Instrument); the
  // standard FIX50SP2.xml has no such field, so we name it by tag. The value agrees.
  { id: 'FIX.5.0SP2/quickfix/md-data-snapshot', side: 'ours', line: '20460 = "EUZZ02X3F8ZYPHZZZZ"', why: 'custom tag not in FIX50SP2.xml' },
  { id: 'FIX.5.0SP2/quickfix/md-data-snapshot', side: 'theirs', line: 'InstrumentCustom = "EUZZ02X3F8ZYPHZZZZ"', why: 'custom tag in jspurefix FIX50SP2.xml' },
];

/** Our lines for a message, less the header/trailer fields when object.json leaves them out. */
function ourLines(text: string, { dictionary }: Dictionary, parser: FixParser, object: object): string[] {
  const skip = new Set<number>();
  if (!('StandardHeader' in object)) for (const tag of dictionary.header.tags) skip.add(tag);
  if (!('StandardTrailer' in object)) for (const tag of dictionary.trailer.tags) skip.add(tag);
  const view = parser.parse(Buffer.from(text, 'latin1'));
  return flattenDecoded(decodeFixMessage(view, dictionary).fields, dictionary, skip);
}

describe('jspurefix golden files', () => {
  const fix44 = load('FIX44.xml');
  const fix50 = load('FIX50SP2.xml', 'FIXT11.xml');
  // FIX.4.3: no FIX43.xml in the shared dictionaries, so FIX44.xml (see ALLOWED).
  const dictionaries: Record<string, Dictionary> = { 'FIX.4.3': fix44, 'FIX.4.4': fix44, 'FIX.5.0SP2': fix50 };

  describe('examples: fix.txt decodes to object.json', () => {
    const messages = goldenMessages();
    // CheckSum, and in some files BodyLength, are hand-edited and wrong in these fixtures (README).
    const parser = new FixParser({ delimiter: '|', skipFramingChecks: true });

    it('finds the 16 single-message fixtures of FIX.4.3, FIX.4.4 and FIX.5.0SP2', () => {
      expect(messages.map((message) => message.id.split('/')[0]).sort().join()).toBe(
        ['FIX.4.3', ...Array<string>(13).fill('FIX.4.4'), 'FIX.5.0SP2', 'FIX.5.0SP2'].join());
    });

    it.each(messages.map((message) => [message.id, message] as const))('%s', (id, { version, fix, object }) => {
      const dictionary = dictionaries[version];
      expect(dictionary, `no dictionary for ${version}`).toBeDefined();
      const ours = ourLines(fix, dictionary, parser, object as object);
      const theirs = flattenJspurefix(object, dictionary.aliases);
      const [onlyOurs, onlyTheirs] = multisetDiff(ours, theirs);
      const allowed = ALLOWED.filter((entry) => entry.id === id);
      const unexplained = (side: Allowed['side'], lines: string[]): string[] =>
        lines.filter((line) => !allowed.some((entry) => entry.side === side && entry.line === line));
      expect(unexplained('ours', onlyOurs), 'only in our decode').toEqual([]);
      expect(unexplained('theirs', onlyTheirs), 'only in object.json').toEqual([]);
      // Every allow-list entry still describes a real difference.
      for (const entry of allowed) expect(entry.side === 'ours' ? onlyOurs : onlyTheirs).toContain(entry.line);
      expect(ours.length).toBeGreaterThan(5);
    });
  });

  describe('corpus: canonical and scattered component order decode alike', () => {
    const corpus = `${GOLDEN_ROOT}/corpus`;
    const cases = corpusCases();
    const byName: Record<string, Dictionary> = { repo44: fix44, qf50sp2: fix50 };

    it('finds the 9 corpus cases', () => {
      expect(cases).toHaveLength(9);
    });

    it.each(cases)('%s', (name) => {
      const spec = JSON.parse(readFileSync(dataPath(`${corpus}/${name}/case.json`), 'utf8')) as CorpusCase;
      const dictionary = byName[spec.dictionary];
      expect(dictionary, `no dictionary ${spec.dictionary}`).toBeDefined();
      // These messages have valid BodyLength and CheckSum (over the '|' bytes): parse strictly.
      const parser = new FixParser({ delimiter: spec.delimiter });
      const decode = (file: string): string[] => {
        const lines = readFileSync(dataPath(`${corpus}/${name}/${file}`), 'latin1').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
        expect(lines).toHaveLength(1);
        return flattenDecoded(decodeFixMessage(parser.parse(Buffer.from(lines[0], 'latin1')), dictionary.dictionary).fields, dictionary.dictionary);
      };
      const canonical = decode('canonical.txt');
      const scattered = decode('scattered.txt');
      // Same fields in the same group entries; only the order within a level may differ.
      expect(multisetDiff(scattered, canonical)).toEqual([[], []]);

      // Each scattered site's tags are decoded at the site's level (root or group entry).
      for (const site of spec.plan.sites) {
        const prefix = ourPrefix(site.level.split('.').slice(1).flatMap(splitIndex), dictionary.aliases);
        for (const tag of site.tags) {
          const field = `${prefix}${dictionary.dictionary.fieldsByNumber.get(tag)?.name ?? tag} = `;
          expect(scattered.some((line) => line.startsWith(field)), `${field} in ${site.component}`).toBe(true);
        }
      }
      // case.json's expected result is jspurefix's: the fields it loses (missing) or attributes
      // to the wrong component (added). We keep each of those exactly as in canonical order.
      expect(['round-trips', 'loses-fields', 'mis-attributes']).toContain(spec.expected);
      const named = [...(spec.missing ?? []), ...(spec.added ?? [])];
      expect(named.length > 0).toBe(spec.expected !== 'round-trips');
      for (const path of named) {
        const segments = path.split('.').slice(1);
        const field = `${ourPrefix(segments.slice(0, -1), dictionary.aliases)}${segments.at(-1)} = `;
        const matching = (lines: string[]): string[] => lines.filter((line) => line.startsWith(field));
        expect(matching(scattered), path).toHaveLength(1);
        expect(matching(scattered)).toEqual(matching(canonical));
      }
    });
  });
});

interface CorpusCase {
  dictionary: string;
  delimiter: '|';
  expected: string;
  /** jspurefix paths (".Group.0.Component.Field") of fields it loses from the scattered message. */
  missing?: string[];
  /** jspurefix paths of fields it invents in a component from a sibling tag. */
  added?: string[];
  plan: { sites: { level: string; component: string; tags: number[] }[] };
}

/** "MDIncGrp[0]" → ["MDIncGrp", "0"]; "Instrument" → ["Instrument"]. */
function splitIndex(segment: string): string[] {
  const match = /^(.*)\[(\d+)\]$/.exec(segment);
  return match === null ? [segment] : [match[1], match[2]];
}

/**
 * Our line prefix for a jspurefix path without its field: a name followed by an index is a group
 * entry ("NoMDEntries[0]."), any other name is a component, which our decoder flattens away.
 */
function ourPrefix(segments: string[], aliases: ReadonlyMap<string, string>): string {
  let prefix = '';
  for (let i = 0; i < segments.length; i++) {
    if (i + 1 < segments.length && /^\d+$/.test(segments[i + 1])) {
      prefix += `${aliases.get(segments[i]) ?? segments[i]}[${segments[i + 1]}].`;
      i++;
    }
  }
  return prefix;
}
