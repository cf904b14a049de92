// QuickFIX's acceptance scripts (FIX 4.2 and 4.4, 1,060 messages) as a parser oracle: every
// message a script sends or expects parses to the same tags and values as jspurefix gives,
// with the same repeating groups; the messages that are malformed on purpose are rejected
// with the check the script is about; and a session's stream through the framer, cut
// anywhere, loses none of the good messages around the bad ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FixDictionary, loadFixDictionary } from '../../runtime/fix/fix-dictionary.ts';
import { FixError, type FixErrorCode } from '../../runtime/fix/fix-error.ts';
import { FixFramer } from '../../runtime/fix/fix-framer.ts';
import { decodeFixMessage } from '../../runtime/fix/fix-group-decoder.ts';
import { FixParser } from '../../runtime/fix/fix-parser.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { groupsOf } from './fix-groups.ts';
import { makeJspurefixParser } from './jspurefix-oracle.ts';
import { ACCEPTANCE_VERSIONS, type AcceptanceMessage, type AcceptanceVersion, acceptanceMessages, acceptanceScripts, allAcceptanceMessages } from './quickfix-acceptance.ts';

const DICTIONARY_FILE: Record<AcceptanceVersion, string> = { fix42: 'FIX42.xml', fix44: 'FIX44.xml' };

/** The scripts that send malformed framing on purpose, and what our parser says of each such message (same in 4.2 and 4.4). */
const EXPECTED_REJECTIONS: Record<string, FixErrorCode[]> = {
  // Tag 0 (`0=HI`) and a negative tag (`-1=HI`).
  '14a_BadField.def': ['BadTag', 'BadTag'],
  // BodyLength 40 for a 59-byte body.
  '1d_InvalidLogonLengthInvalid.def': ['BadBodyLength'],
  // A garbled tag (`4garbled9=TW`, `49garbled=TW`) in a message whose CheckSum is the script's `10=0`.
  '2d_GarbledMessage.def': ['BadCheckSum', 'BadCheckSum'],
  '3c_GarbledMessage.def': ['BadCheckSum', 'BadCheckSum'],
  // BodyLength 30 and 111 for a 97-byte body.
  '2m_BodyLengthValueNotCorrect.def': ['BadBodyLength', 'BadBodyLength'],
  // `35=0` before `8=`, then `34=2` where MsgType belongs.
  '2t_FirstThreeFieldsOutOfOrder.def': ['BadBeginString', 'BadMsgType'],
  // CheckSum 256.
  '3b_InvalidChecksum.def': ['BadCheckSum', 'BadCheckSum'],
};

interface Parsed {
  message: AcceptanceMessage;
  fields: { tag: number; value: string }[];
  /** NoXxx:entries of decodeFixMessage, or its error. */
  groups: string[] | FixError;
}

function parseAll(messages: AcceptanceMessage[], dictionaries: Map<AcceptanceVersion, FixDictionary>): { parsed: Parsed[]; rejected: [AcceptanceMessage, FixError][] } {
  const parser = new FixParser();
  const parsed: Parsed[] = [];
  const rejected: [AcceptanceMessage, FixError][] = [];
  for (const message of messages) {
    let view;
    try {
      view = parser.parse(message.bytes);
    } catch (error) {
      if (!(error instanceof FixError)) throw error;
      rejected.push([message, error]);
      continue;
    }
    const fields = [];
    for (let i = 0; i < view.count; i++) fields.push({ tag: view.tags[i], value: view.stringAt(i) });
    let groups: string[] | FixError;
    try {
      groups = groupsOf(decodeFixMessage(view, dictionaries.get(message.version)!).fields).sort();
    } catch (error) {
      if (!(error instanceof FixError)) throw error;
      groups = error;
    }
    parsed.push({ message, fields, groups });
  }
  return { parsed, rejected };
}

const where = (message: AcceptanceMessage): string => `${message.version}/${message.file}:${message.line}`;

describe('FixParser on the QuickFIX acceptance scripts', () => {
  const dictionaries = new Map(ACCEPTANCE_VERSIONS.map((version) => [version, loadFixDictionary(dataPath(`fix/dictionaries/${DICTIONARY_FILE[version]}`))]));
  const messages = allAcceptanceMessages();
  const { parsed, rejected } = parseAll(messages, dictionaries);

  it('reads all 1,060 messages of the 117 scripts', () => {
    expect(ACCEPTANCE_VERSIONS.map((version) => acceptanceScripts(version).length)).toEqual([58, 59]);
    expect(messages).toHaveLength(1060);
    expect(parsed.length + rejected.length).toBe(1060);
  });

  it('rejects exactly the malformed messages, each with the check its script is about', () => {
    const found = new Map<string, FixErrorCode[]>();
    for (const [message, error] of rejected) {
      expect(message.direction, `${where(message)} is a message QuickFIX sends, and must parse`).toBe('I');
      const key = `${message.version}/${message.file}`;
      found.set(key, [...(found.get(key) ?? []), error.code]);
      expect(error.offset).toBeGreaterThanOrEqual(0);
      expect(error.offset).toBeLessThan(message.bytes.length);
    }
    const expected = new Map(ACCEPTANCE_VERSIONS.flatMap((version) => Object.entries(EXPECTED_REJECTIONS).map(([file, codes]) => [`${version}/${file}`, codes] as const)));
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expected));
  });

  it('parses every other message to the same tags and values as jspurefix, with the same repeating groups', async () => {
    let compared = 0;
    let withGroups = 0;
    for (const version of ACCEPTANCE_VERSIONS) {
      const jspurefix = await makeJspurefixParser(dataPath(`fix/dictionaries/${DICTIONARY_FILE[version]}`));
      for (const { message, fields, groups } of parsed.filter((entry) => entry.message.version === version)) {
        const theirs = jspurefix(message.bytes);
        expect(theirs, where(message)).toHaveLength(1);
        expect(fields, where(message)).toEqual(theirs[0].fields);
        if (message.file === '14i_RepeatingGroupCountNotEqual.def' && groups instanceof FixError) {
          // NoTradingSessions=3 with 2 entries: jspurefix takes the 2 and says nothing; we name the group.
          expect(groups.message).toMatch(/NoTradingSessions \(386\) says 3 entries, found 2/);
          expect(theirs[0].groups).toEqual(['NoTradingSessions:2']);
          continue;
        }
        expect(groups, where(message)).toEqual(theirs[0].groups);
        if (Array.isArray(groups) && groups.length > 0) withGroups++;
        compared++;
      }
    }
    expect(compared).toBe(1060 - rejected.length - 2);
    expect(withGroups).toBeGreaterThan(0);
  });

  it('frames each script sent as one stream, cut anywhere: the same messages and errors as uncut, every good message whole and in order', () => {
    const scripts = ACCEPTANCE_VERSIONS.flatMap((version) => acceptanceScripts(version).map((file) => acceptanceMessages(version, file).filter((message) => message.direction === 'I')));
    const parser = new FixParser();
    const parses = (bytes: string): boolean => {
      try {
        parser.parse(Buffer.from(bytes, 'latin1'));
        return true;
      } catch {
        return false;
      }
    };
    const frame = (stream: Buffer, points: number[]): { framed: string[]; errors: string[]; buffered: number } => {
      const framed: string[] = [];
      const errors: string[] = [];
      const framer = new FixFramer({ onMessage: (buffer, start, end) => framed.push(buffer.toString('latin1', start, end)), onError: (error) => errors.push(error.message) });
      let last = 0;
      for (const point of [...points, stream.length]) {
        framer.push(stream.subarray(last, point));
        last = point;
      }
      return { framed, errors, buffered: framer.buffered };
    };
    fc.assert(
      fc.property(fc.nat({ max: scripts.length - 1 }), fc.array(fc.nat(), { maxLength: 12 }), (script, cuts) => {
        const sent = scripts[script];
        const stream = Buffer.concat(sent.map((message) => message.bytes));
        const whole = frame(stream, []);
        const good = sent.map((message) => message.bytes.toString('latin1')).filter(parses);
        expect(whole.framed.filter(parses)).toEqual(good);
        // One report at least for each bad message, from the framer or from the parser.
        expect(whole.errors.length + whole.framed.filter((bytes) => !parses(bytes)).length).toBeGreaterThanOrEqual(sent.length - good.length);
        expect(whole.buffered).toBe(0);
        const points = [...new Set(cuts.map((point) => point % (stream.length + 1)))].sort((a, b) => a - b);
        expect(frame(stream, points)).toEqual(whole);
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });
});
