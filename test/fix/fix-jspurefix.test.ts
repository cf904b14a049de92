// Differential test: every sample message gives the same tags and values in our parser as
// in jspurefix's parser fed the same bytes (SOH-delimited).
import { describe, expect, it } from 'vitest';
import { loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { decodeFixMessage } from '../../runtime/fix/fix-group-decoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { readFixLines, soh } from './fix-data.ts';
import { groupsOf } from './fix-groups.ts';
import { makeJspurefixParser } from './jspurefix-oracle.ts';

const EXAMPLES = 'fix/jspurefix-examples/examples/FIX.4.4';

describe('FixParser against jspurefix', () => {
  it('decodes every sample message to the same tags, values and repeating groups', async () => {
    const dictionaryPath = dataPath('fix/dictionaries/FIX44.xml');
    const jspurefix = await makeJspurefixParser(dictionaryPath);
    const dictionary = loadFixDictionary(dictionaryPath);
    let groups = 0;
    const files: [string, FixParser, (line: string) => Buffer][] = [
      ['fixsim/fix.txt', new FixParser(), soh],
      ['jsfix.test_client.txt', new FixParser(), soh],
      // CheckSum over '|' in this file: our parser reads it with '|', jspurefix with SOH.
      ['fix.txt', new FixParser({ delimiter: '|' }), (line) => Buffer.from(line, 'latin1')],
    ];
    let compared = 0;
    for (const [file, parser, bytesOf] of files) {
      for (const line of readFixLines(`${EXAMPLES}/${file}`)) {
        const view = parser.parse(bytesOf(line));
        const ours = [];
        for (let i = 0; i < view.count; i++) ours.push({ tag: view.tags[i], value: view.stringAt(i) });
        const theirs = jspurefix(soh(line));
        expect(theirs).toHaveLength(1);
        expect(theirs[0].msgType).toBe(view.getString(35));
        expect(ours).toEqual(theirs[0].fields);
        // Repeating groups: same groups with the same entry counts.
        const ourGroups = groupsOf(decodeFixMessage(view, dictionary).fields).sort();
        expect(ourGroups).toEqual(theirs[0].groups);
        groups += ourGroups.length;
        compared++;
      }
    }
    expect(compared).toBe(46 + 15 + 50);
    expect(groups).toBeGreaterThan(100);
  });
});
