// `marketfeed fix decode` as users run it: a '|' log file with a dictionary, and SOH bytes
// on stdin where one message has a bad CheckSum and the input ends inside another — the
// good messages still print, the bad ones are named on stderr, and the exit code is 1.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCliToEnd } from '../helpers/cli.ts';
import { dataDir, readFixLines, soh } from './fix-data.ts';

const sessionLog = path.join(dataDir, 'fix', 'jspurefix-examples', 'examples', 'FIX.4.4', 'fixsim', 'fix.txt');
const dictionary = path.join(dataDir, 'fix', 'dictionaries', 'FIX44.xml');

function decodeStdin(input: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'fix', 'decode'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // Split in two writes, mid-message, as a pipe may deliver it.
    child.stdin.write(input.subarray(0, 50));
    child.stdin.end(input.subarray(50));
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

  it('keeps going past a bad CheckSum and reports a truncated end, exiting 1', async () => {
    const lines = readFixLines(path.join('fix', 'jspurefix-examples', 'examples', 'FIX.4.4', 'fixsim', 'fix.txt'));
    const second = soh(lines[1]);
    // Its CheckSum's three digits sit just before the final SOH.
    const badChecksum = Buffer.concat([second.subarray(0, second.length - 4), Buffer.from('999\x01', 'latin1')]);
    const input = Buffer.concat([soh(lines[0]), badChecksum, soh(lines[2]), soh(lines[3]).subarray(0, 30)]);
    const { code, stdout, stderr } = await decodeStdin(input);
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(/^8=FIX\.4\.4 \| 9=\d+ \| 35=A \|/), expect.stringMatching(/^8=FIX\.4\.4 \| 9=\d+ \| 35=0 \|/)]);
    expect(stderr).toMatch(/error: message 2: BadCheckSum at byte \d+ of the message/);
    expect(stderr).toMatch(/error: the input ends inside a message: its last 30 bytes/);
    expect(stderr).toContain('2 messages, 2 errors');
  });
});
