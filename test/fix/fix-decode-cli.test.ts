// `marketfeed fix decode` as users run it: a '|' log file with a dictionary, and SOH bytes
// on stdin where one message has a bad CheckSum and the input ends inside another — the
// good messages still print, the bad ones are named on stderr, and the exit code is 1.
// Every report, framing errors included (text between messages, a message cut short by the
// next one or by the end of the input), has the one form --help documents, its own number in
// input order and its byte in the input, and says only what is true of what follows.
// With --dictionary its repeating groups are validated, and with --strict what a session
// layer checks (QuickFIX's acceptance messages for those rules): each finding on stderr names
// the message, its byte in the input, the rule, the tag and the field.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCliToEnd } from '../helpers/cli.ts';
import { dataPath } from '../helpers/shared-data.ts';
import { readFixLines, soh } from './fix-data.ts';
import { acceptanceMessages } from './quickfix-acceptance.ts';

const sessionLog = dataPath('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt');
const dictionary = dataPath('fix/dictionaries/FIX44.xml');

/** Decodes `input` from stdin, written in two pieces split at `splitAt` (the second after a pause, as a pipe may deliver it). */
function decodeStdin(input: Buffer, args: string[] = [], splitAt = 50): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'fix', 'decode', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.write(input.subarray(0, splitAt));
    setTimeout(() => child.stdin.end(input.subarray(splitAt)), 200);
  });
}

describe('marketfeed fix decode', () => {
  it('prints every message of a session log with message, field and enumeration names', async () => {
    const run = await runCliToEnd(['fix', 'decode', '--file', sessionLog, '--dictionary', dictionary]);
    expect(run.code).toBe(0);
    expect(run.stdout).toHaveLength(46);
    expect(run.stdout[0]).toMatch(/^Logon \(A\) \| BeginString\(8\)=FIX\.4\.4 \| .*MsgType\(35\)=A \[LOGON\]/);
    expect(run.stderr.join('\n')).toContain('46 messages, 0 errors');
  });

  it('keeps going past a bad CheckSum and reports a truncated end as Truncated, exiting 1', async () => {
    const lines = readFixLines(path.join('fix', 'jspurefix-examples', 'examples', 'FIX.4.4', 'fixsim', 'fix.txt'));
    const second = soh(lines[1]);
    // Its CheckSum's three digits sit just before the final SOH.
    const badChecksum = Buffer.concat([second.subarray(0, second.length - 4), Buffer.from('999\x01', 'latin1')]);
    const input = Buffer.concat([soh(lines[0]), badChecksum, soh(lines[2]), soh(lines[3]).subarray(0, 30)]);
    const { code, stdout, stderr } = await decodeStdin(input);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(/^8=FIX\.4\.4 \| 9=\d+ \| 35=A \|/), expect.stringMatching(/^8=FIX\.4\.4 \| 9=\d+ \| 35=0 \|/)]);
    expect(stderr).toMatch(new RegExp(`error: message 2 \\(byte ${soh(lines[0]).length} of the input\\): BadCheckSum at byte \\d+ of the message`));
    const cutAt = soh(lines[0]).length + badChecksum.length + soh(lines[2]).length;
    expect(stderr).toContain(`error: message 4 (byte ${cutAt} of the input): Truncated at byte 30 of the message: the message ends after 10 of the 111 body bytes BodyLength promises: the input ends there\n`);
    expect(stderr).toContain('2 messages, 2 errors');
  });

  it('every framing error follows the documented format, numbered in input order with its byte in the input, and says only what is true of what follows', async () => {
    const text = readFixLines(path.join('fix', 'jspurefix-examples', 'examples', 'FIX.4.4', 'fixsim', 'fix.txt'));
    const lines = text.map(soh);
    const noCheckSum = lines[2].subarray(0, lines[2].length - 7);
    // BodyLength 999: its bytes reach past the end of the input, over two whole messages.
    const tooLong = soh(text[5].replace(/\|9=\d+\|/, '|9=999|'));
    const pieces = [lines[0], Buffer.from('a line of text\n'), lines[1], noCheckSum, Buffer.from('\n'), lines[3], tooLong.subarray(0, 60), lines[6], lines[7]];
    const at = (k: number): number => pieces.slice(0, k).reduce((sum, piece) => sum + piece.length, 0);
    const { code, stdout, stderr } = await decodeStdin(Buffer.concat(pieces));
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toHaveLength(5);
    const reports = stderr.trim().split('\n');
    expect(reports.pop()).toBe('5 messages, 3 errors');
    // The format --help documents, for every line: a script reads them all alike.
    const format = /^error: message (\d+) \(byte (\d+) of the input\): ([A-Za-z]+) at byte (\d+) of the message: (.+)$/;
    expect(reports.map((line) => format.exec(line)?.slice(1, 5) ?? line)).toEqual([
      // Text between messages counts as a message of its own: every report has its number, in input order.
      ['2', String(at(1)), 'BadBeginString', '0'],
      ['4', String(at(3)), 'MissingCheckSum', String(noCheckSum.length)],
      ['6', String(at(6)), 'Truncated', '60'],
    ]);
    expect(reports[1]).toMatch(/: its line ends there$/);
    // Cut short by the end of the input, with whole messages inside its reach: it says where decoding goes on.
    const bodyStart = tooLong.indexOf('\x0135=') + 1;
    expect(reports[2]).toContain(`the message ends after ${60 - bodyStart} of the 999 body bytes BodyLength promises: a new message begins at byte ${at(7)} of the input`);
    expect(stderr).not.toMatch(/skipping/);
  });

  it('a message cut short by the end of the input with nothing after it says so, and no more', async () => {
    const lines = readFixLines(path.join('fix', 'jspurefix-examples', 'examples', 'FIX.4.4', 'fixsim', 'fix.txt')).map(soh);
    const { stderr } = await decodeStdin(Buffer.concat([lines[0], lines[1].subarray(0, 40)]));
    expect(stderr).toBe(
      `error: message 2 (byte ${lines[0].length} of the input): Truncated at byte 40 of the message: the message ends after 25 of the 95 body bytes BodyLength promises: the input ends there\n` +
        '1 messages, 1 errors\n',
    );
  });

  it('reads QuickFIX log lines with their time stamps, the delimiter told from the first BeginString even when the first piece is 5 bytes', async () => {
    const lines = readFixLines(path.join('fix', 'jspurefix-examples', 'examples', 'FIX.4.4', 'fixsim', 'fix.txt')).slice(0, 3);
    const log = Buffer.from(lines.map((line, i) => `20241013-14:03:5${i}.006 : ${line.replaceAll('|', '\x01')}\n`).join(''), 'latin1');
    const { code, stdout, stderr } = await decodeStdin(log, ['--dictionary', dictionary], 5);
    expect(stderr).toContain('3 messages, 0 errors');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').map((line) => line.split(' ')[0])).toEqual(['Logon', 'Heartbeat', 'Heartbeat']);
  });

  it("reads a venue dictionary's LENGTH/DATA pairs as data: FIX 5.0 SP2 SecurityXML holding a delimiter", async () => {
    const xml = '<a\x01/>';
    const body = `35=d\x0149=A\x0156=B\x0134=2\x0152=20240101-00:00:00\x01320=R1\x01322=S1\x01323=1\x011184=${xml.length}\x011185=${xml}\x01`;
    const head = `8=FIXT.1.1\x019=${body.length}\x01${body}`;
    let sum = 0;
    for (const c of head) sum += c.charCodeAt(0);
    const message = Buffer.from(`${head}10=${String(sum & 0xff).padStart(3, '0')}\x01`, 'latin1');
    const { code, stdout, stderr } = await decodeStdin(message, ['--dictionary', dataPath('fix/dictionaries/FIX50SP2.xml'), '--transport', dataPath('fix/dictionaries/FIXT11.xml')]);
    expect(stderr).toContain('1 messages, 0 errors');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SecurityDefinition \(d\) \| .*MsgType\(35\)=d \[SECURITY_DEFINITION\] \| .*SecurityXMLLen\(1184\)=5 \| /);
    expect(stdout).toContain(`SecurityXML(1185)=${xml} | CheckSum(10)=`);
  });

  /** The messages a QuickFIX acceptance script sends, as one SOH stream, and where each begins in it. */
  function sent(file: string): { input: Buffer; offsets: number[] } {
    const messages = acceptanceMessages('fix44', file).filter((message) => message.direction === 'I').map((message) => message.bytes);
    const offsets = messages.map((_, i) => messages.slice(0, i).reduce((sum, message) => sum + message.length, 0));
    return { input: Buffer.concat(messages), offsets };
  }

  it('with --dictionary, a group whose count disagrees with its entries is reported, and the exit code is 1', async () => {
    const { input, offsets } = sent('14i_RepeatingGroupCountNotEqual.def');
    const { code, stdout, stderr } = await decodeStdin(input, ['--dictionary', dictionary]);
    // Every message still prints: the findings refer to its fields.
    expect(stdout.trim().split('\n').map((line) => line.split(' ')[0])).toEqual(['Logon', 'NewOrderSingle', 'Logout']);
    expect(stderr).toContain(`error: message 2 (byte ${offsets[1]} of the input): BadGroup at byte `);
    expect(stderr).toMatch(/of the message: tag 386 \(NoTradingSessions\) says 3 entries, found 2\n/);
    expect(stderr).toContain('3 messages, 0 errors, 1 failed validation');
    expect(code).toBe(1);
  });

  it('with --strict, required fields, empty values and enumerations are checked too, one line per finding', async () => {
    const required = sent('14b_RequiredFieldMissing.def');
    const empty = sent('14d_TagSpecifiedWithoutValue.def');
    const enumeration = sent('14e_IncorrectEnumValue.def');
    const input = Buffer.concat([required.input, empty.input, enumeration.input]);
    const base = [0, required.input.length, required.input.length + empty.input.length];
    const { code, stdout, stderr } = await decodeStdin(input, ['--dictionary', dictionary, '--strict']);
    expect(stdout.trim().split('\n')).toHaveLength(4 + 3 + 5);
    const findings = stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(findings).toEqual([
      expect.stringMatching(new RegExp(`^error: message 2 \\(byte ${base[0] + required.offsets[1]} of the input\\): MissingField at byte \\d+ of the message: tag 56 \\(TargetCompID\\) is required in the header, and missing$`)),
      expect.stringMatching(/^error: message 3 \(byte \d+ of the input\): MissingField at byte \d+ of the message: tag 11 \(ClOrdID\) is required in the body of NewOrderSingle \(D\), and missing$/),
      expect.stringMatching(new RegExp(`^error: message 6 \\(byte ${base[1] + empty.offsets[1]} of the input\\): EmptyValue at byte \\d+ of the message: tag 56 \\(TargetCompID\\) has no value$`)),
      expect.stringMatching(/^error: message 9 \(byte \d+ of the input\): BadEnumValue at byte \d+ of the message: tag 21 \(HandlInst\) = "4" is not one of its values \(1, 2, 3\)$/),
      expect.stringMatching(/^error: message 10 \(byte \d+ of the input\): BadEnumValue at byte \d+ of the message: tag 167 \(SecurityType\) = "BOO" is not one of its values/),
    ]);
    expect(stderr).toContain('12 messages, 0 errors, 5 failed validation');
    expect(code).toBe(1);
  });

  it('with --strict, messages a session accepts pass and the exit code is 0', async () => {
    const { input } = sent('8_AdminAndApplicationMessages.def');
    const { code, stderr } = await decodeStdin(input, ['--dictionary', dictionary, '--strict']);
    expect(stderr).toMatch(/^\d+ messages, 0 errors, 0 failed validation\n$/);
    expect(code).toBe(0);
  });

  it('--strict needs --dictionary: a usage error, exit 2', async () => {
    const run = await runCliToEnd(['fix', 'decode', '--file', sessionLog, '--strict']);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toContain('--strict needs --dictionary');
  });
});
