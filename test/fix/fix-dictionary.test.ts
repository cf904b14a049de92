// Data dictionary tests: the QuickFIX XML files load with their fields, messages and
// repeating groups, and the 50 generated FIX 4.4 messages (deep groups) decode with every
// group count matching the entries found.
import { describe, expect, it } from 'vitest';
import { loadFixDictionary, parseFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixError } from '../../runtime/fix/fix-error.ts';
import { type DecodedField, decodeFixMessage } from '../../runtime/fix/fix-group-decoder.ts';
import { formatFixMessage } from '../../runtime/fix/fix-format.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { readFixLines } from './fix-data.ts';

const dictionary = (file: string): string => dataPath(`fix/dictionaries/${file}`);
const fix44 = loadFixDictionary(dictionary('FIX44.xml'));

function countFields(fields: DecodedField[]): number {
  let count = 0;
  for (const field of fields) count += 'entries' in field ? 1 + field.entries.reduce((sum, entry) => sum + countFields(entry), 0) : 1;
  return count;
}

describe('FIX data dictionary', () => {
  it('loads FIX 4.2, 4.4 and 5.0 SP2 with FIXT 1.1', () => {
    const fix42 = loadFixDictionary(dictionary('FIX42.xml'));
    const fix50 = loadFixDictionary(dictionary('FIX50SP2.xml'), dictionary('FIXT11.xml'));
    expect([fix42.version, fix44.version, fix50.version]).toEqual(['FIX.4.2', 'FIX.4.4', 'FIXT.1.1 + FIX.5.0SP2']);
    expect(fix44.fieldsByNumber.get(44)?.name).toBe('Price');
    expect(fix44.fieldsByNumber.get(54)?.values.get('1')).toBe('BUY');
    expect(fix44.messagesByType.get('D')?.name).toBe('NewOrderSingle');
    for (const dictionary of [fix42, fix44, fix50]) {
      const incremental = dictionary.messagesByType.get('X');
      expect(incremental?.name).toBe('MarketDataIncrementalRefresh');
      expect(incremental?.groups.get(268)?.delimiterTag).toBe(279);
    }
    // NoPartyIDs comes through the Parties component, delimiter PartyID, nested NoPartySubIDs.
    const parties = fix44.messagesByType.get('D')?.groups.get(453);
    expect(parties?.delimiterTag).toBe(448);
    expect(parties?.groups.get(802)?.delimiterTag).toBe(523);
    expect(fix50.header.tags.has(1128)).toBe(true);
    // Fields both files define keep the application file's enumerations (FIXT 1.1 lists only the session MsgTypes).
    const application = loadFixDictionary(dictionary('FIX50SP2.xml'));
    for (const tag of [35, 1128, 1409]) {
      const merged = fix50.fieldsByNumber.get(tag)!.values;
      for (const [code, meaning] of application.fieldsByNumber.get(tag)!.values) expect(merged.get(code), `tag ${tag} value ${code}`).toBe(meaning);
    }
    expect(fix50.fieldsByNumber.get(35)?.values.get('W')).toBe('MARKET_DATA_SNAPSHOT_FULL_REFRESH');
    expect(fix50.fieldsByNumber.get(35)?.values.get('A')).toBe('LOGON');
  });

  it('rejects a dictionary that refers to an unknown field', () => {
    expect(() => parseFixDictionary("<fix major='4' minor='4'><messages><message name='X' msgtype='X'><field name='Nope' required='Y'/></message></messages><fields/></fix>")).toThrow(FixError);
    expect(() => parseFixDictionary('<fix><fields>')).toThrow(FixError);
  });

  it('decodes the 50 generated FIX 4.4 messages with consistent repeating groups', () => {
    const parser = new FixParser({ delimiter: '|' });
    let groups = 0;
    for (const line of readFixLines('fix/jspurefix-examples/examples/FIX.4.4/fix.txt')) {
      const view = parser.parse(Buffer.from(line, 'latin1'));
      const decoded = decodeFixMessage(view, fix44);
      expect(decoded.name).not.toBe(decoded.msgType);
      expect(countFields(decoded.fields)).toBe(view.count);
      groups += decoded.fields.filter((field) => 'entries' in field).length;
    }
    expect(groups).toBeGreaterThan(50);
  });

  it('reports a group count that does not match its entries', () => {
    const body = '35=X|49=A|56=B|34=1|52=20240101-00:00:00|268=2|279=0|269=0|270=1.5|';
    const head = `8=FIX.4.4|9=${body.length}|${body}`;
    let sum = 0;
    for (const c of head) sum += c.charCodeAt(0);
    const view = new FixParser({ delimiter: '|' }).parse(Buffer.from(`${head}10=${String(sum & 0xff).padStart(3, '0')}|`, 'latin1'));
    expect(() => decodeFixMessage(view, fix44)).toThrow(/NoMDEntries \(268\) says 2 entries, found 1/);
  });
});

describe('formatFixMessage', () => {
  it('names the message, the fields and enumerated values', () => {
    const line = readFixLines('fix/jspurefix-examples/examples/FIX.4.4/jsfix.test_client.txt')[0];
    const view = new FixParser({ delimiter: '|', checksumOver: 'soh' }).parse(Buffer.from(line, 'latin1'));
    const text = formatFixMessage(view, fix44);
    expect(text.startsWith('Logon (A) | BeginString(8)=FIX.4.4 | BodyLength(9)=0000117 | MsgType(35)=A [LOGON]')).toBe(true);
    expect(text).toContain('EncryptMethod(98)=0 [NONE]');
    expect(text).toContain('Username(553)=js-client');
  });
});
