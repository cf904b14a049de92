// QuickFIX's server acceptance scripts (../shared/data/README.md §2a, fix/quickfix-acceptance)
// as FIX messages. Each `.def` line `I<msg>` is sent to the engine under test and `E<msg>`
// is what it must answer (`I1,`/`E2,` name a connection). Their framing values are filled in
// the way QuickFIX's own harness does it (test/Reflector.rb `fixify!` and `timify!`):
// - I: <TIME> and <TIME±n> become a UTC time; a missing BodyLength (9) is inserted and a
//   missing CheckSum (10) appended; values the script states are kept, since stating a wrong
//   one is what a test like 2m_BodyLengthValueNotCorrect or 3b_InvalidChecksum is about.
// - E: 9 and 10 are placeholders its comparator matches by pattern (test/definitions/fields.fmt:
//   `9=.`, `10=\d{3}`), so both are dropped and filled in.
import { readFileSync } from 'node:fs';
import { dataFiles, dataPath } from '../helpers/shared-data.ts';

export const ACCEPTANCE_ROOT = 'fix/quickfix-acceptance';
export const ACCEPTANCE_VERSIONS = ['fix42', 'fix44'] as const;
export type AcceptanceVersion = (typeof ACCEPTANCE_VERSIONS)[number];

export interface AcceptanceMessage {
  version: AcceptanceVersion;
  /** The script's file name, e.g. 3b_InvalidChecksum.def. */
  file: string;
  /** 1-based line in the script. */
  line: number;
  direction: 'I' | 'E';
  bytes: Buffer;
}

const SOH = '\x01';
/** Fixed, so that every run parses the same bytes. */
const TIME = '20261202-04:15:00';

function checksumField(text: string): string {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return `10=${String(sum & 0xff).padStart(3, '0')}${SOH}`;
}

/** QuickFIX's fixify!: fills in BodyLength and CheckSum where the message has none. */
function fixify(message: string): string {
  const headEnd = message.indexOf(SOH) + 1;
  if (!message.startsWith('8=') || headEnd === 0) return message;
  const head = message.slice(0, headEnd);
  let rest = message.slice(headEnd);
  const hasLength = message.includes(`${SOH}9=`);
  // As its /[\001]10=.*[\001]$/: from the first SOH 10= to a final SOH.
  const trailerAt = rest.indexOf(`${SOH}10=`);
  const trailer = trailerAt >= 0 && rest.endsWith(SOH) ? rest.slice(trailerAt + 1) : undefined;
  if (trailer !== undefined) rest = rest.slice(0, trailerAt + 1);
  const length = hasLength ? '' : `9=${rest.length}${SOH}`;
  return head + length + rest + (trailer ?? checksumField(head + length + rest));
}

/** An E line without its placeholder BodyLength (second field) and CheckSum (last field). */
function withoutPlaceholders(message: string): string {
  const headEnd = message.indexOf(SOH) + 1;
  let text = message;
  if (headEnd > 0 && text.startsWith('9=', headEnd)) text = text.slice(0, headEnd) + text.slice(text.indexOf(SOH, headEnd) + 1);
  const trailerAt = text.lastIndexOf(`${SOH}10=`);
  return trailerAt >= 0 && text.endsWith(SOH) ? text.slice(0, trailerAt + 1) : text;
}

/** The script file names of one version, sorted. */
export function acceptanceScripts(version: AcceptanceVersion): string[] {
  const folder = `${ACCEPTANCE_ROOT}/${version}`;
  return dataFiles(folder).filter((file) => file.endsWith('.def')).map((file) => file.slice(folder.length + 1));
}

/** Every I and E message of one script, in script order. */
export function acceptanceMessages(version: AcceptanceVersion, file: string): AcceptanceMessage[] {
  const text = readFileSync(dataPath(`${ACCEPTANCE_ROOT}/${version}/${file}`), 'latin1');
  const messages: AcceptanceMessage[] = [];
  text.split('\n').forEach((raw, index) => {
    const match = /^([IE])(?:\d,)?(.+)$/.exec(raw.replace(/\r$/, ''));
    if (match === null) return;
    const direction = match[1] as 'I' | 'E';
    const timed = match[2].replace(/<TIME(?:[+-]\d+)?>/g, TIME);
    const message = direction === 'I' ? fixify(timed) : fixify(withoutPlaceholders(timed));
    messages.push({ version, file, line: index + 1, direction, bytes: Buffer.from(message, 'latin1') });
  });
  return messages;
}

/** One step of a script as QuickFIX's runner plays it: connect, send, expect a message, expect a disconnect, disconnect. */
export interface AcceptanceStep {
  line: number;
  /** The connection (1 unless the script names another, as `I2,`). */
  connection: number;
  action: 'connect' | 'send' | 'expect' | 'expectDisconnect' | 'disconnect';
  /** For send and expect: the message, its <TIME>s the time `nowMs` (QuickFIX's runner times each line as it plays it). */
  message?: (nowMs: number) => Buffer;
}

/**
 * QuickFIX's timify!: a UTCTimestamp `offsetSeconds` from `nowMs`. With milliseconds (it
 * writes whole seconds): a time cut to the second can fall up to a second short of its
 * offset, and 2o_SendingTimeValueOutOfRange's <TIME+121> then lands within 120 s of the
 * receiver's clock when the machine is busy.
 */
function timeAt(nowMs: number, offsetSeconds: number): string {
  const iso = new Date(nowMs + offsetSeconds * 1000).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 23)}`;
}

/**
 * Every step of a script, the I lines framed as QuickFIX's harness does, with <TIME> and
 * <TIME±n> real times (a session checks SendingTime against its clock).
 */
export function acceptanceSteps(version: AcceptanceVersion, file: string): AcceptanceStep[] {
  const text = readFileSync(dataPath(`${ACCEPTANCE_ROOT}/${version}/${file}`), 'latin1');
  const steps: AcceptanceStep[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const control = /^([ie])(?:(\d),)?(CONNECT|DISCONNECT)$/.exec(line);
    if (control !== null) {
      const connection = Number(control[2] ?? 1);
      const action = control[1] === 'i' ? (control[3] === 'CONNECT' ? 'connect' : 'disconnect') : 'expectDisconnect';
      steps.push({ line: index + 1, connection, action });
      return;
    }
    const match = /^([IE])(?:(\d),)?(.+)$/.exec(line);
    if (match === null) return;
    const input = match[1] === 'I';
    const message = (nowMs: number): Buffer => {
      const timed = match[3].replace(/<TIME([+-]\d+)?>/g, (_, offset: string | undefined) => timeAt(nowMs, Number(offset ?? 0)));
      return Buffer.from(input ? fixify(timed) : fixify(withoutPlaceholders(timed)), 'latin1');
    };
    steps.push({ line: index + 1, connection: Number(match[2] ?? 1), action: input ? 'send' : 'expect', message });
  });
  return steps;
}

export function allAcceptanceMessages(): AcceptanceMessage[] {
  return ACCEPTANCE_VERSIONS.flatMap((version) => acceptanceScripts(version).flatMap((file) => acceptanceMessages(version, file)));
}
