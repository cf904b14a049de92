// The test data manifest (test/data/manifest.json): its pins agree with the data the tests
// read, its origins are the ones the data README names, and nothing in test/, bench/ or
// examples/ reaches the data except through the resolver, which reads only listed files.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { dataPath } from '../helpers/shared-data.ts';
import { loadDataManifest, originUrl } from './data-manifest.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const manifest = loadDataManifest();

describe('test data manifest', () => {
  it('pins the sha256 of every file it lists, as the data the tests read has it', () => {
    const wrong: string[] = [];
    for (const file of manifest.files.values()) {
      const actual = createHash('sha256').update(fs.readFileSync(dataPath(file.relative))).digest('hex');
      if (actual !== file.sha256) wrong.push(`${file.relative}: pinned ${file.sha256}, found ${actual}`);
    }
    expect(wrong).toEqual([]);
  });

  it("downloads each file from raw.githubusercontent.com at the commit the data README names", () => {
    const url = (relative: string): string => {
      const file = manifest.files.get(relative);
      if (file === undefined || !('origin' in file)) throw new Error(`${relative} is not a downloaded file`);
      return originUrl(manifest, file);
    };
    const quickfix = 'https://raw.githubusercontent.com/quickfix/quickfix/50787185808d5c63b3b16069b06c1411dff6a42a';
    const jspurefix = 'https://raw.githubusercontent.com/TimelordUK/jspurefix/e311a65dae4ab1f71423962ccbb478dbf46c5d6b';
    expect(url('fix/dictionaries/FIXT11.xml')).toBe(`${quickfix}/spec/FIXT11.xml`);
    expect(url('fix/quickfix-acceptance/fix42/2b_MsgSeqNumTooHigh.def')).toBe(`${quickfix}/test/definitions/server/fix42/2b_MsgSeqNumTooHigh.def`);
    expect(url('fix/jspurefix-examples/examples/FIX.4.4/fixsim/fix.txt')).toBe(`${jspurefix}/data/examples/FIX.4.4/fixsim/fix.txt`);
    expect(url('fix/jspurefix-examples/corpus/bond-instrument-scattered/case.json')).toBe(`${jspurefix}/data/corpus/bond-instrument-scattered/case.json`);
    // LOBSTER's sample is renamed .first998 here: the origin holds the first 998 events only.
    expect(url('lobster/AAPL_2012-06-21_34200000_57600000_message_10.first998.csv')).toBe(
      'https://raw.githubusercontent.com/YileZheng/OrderBook_HLS/4b711a6a3b0a7f8b3701805d6233e75893fb514f/data/AAPL_2012-06-21_34200000_57600000_message_10.csv',
    );
    expect(url('itch/ex20101224.TEST_ITCH_50')).toBe(
      'https://raw.githubusercontent.com/DavZim/RITCH/8ac945a50fab53d3bab1530f61c8521c23484c80/inst/extdata/ex20101224.TEST_ITCH_50',
    );
    expect(manifest.files.get('itch/ex20101224.TEST_ITCH_50.lenprefixed')).toMatchObject({ derivedFrom: 'itch/ex20101224.TEST_ITCH_50', derivation: 'itch-length-prefix' });
  });

  it('refuses an entry that would write outside the cache, lacks a pin or an origin, or derives from a later file', () => {
    const origins = { o: { repository: 'owner/name', commit: 'a'.repeat(40), license: 'MIT' } };
    const pin = 'b'.repeat(64);
    const refusal = (files: Record<string, unknown>): string => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-manifest-')), 'manifest.json');
      fs.writeFileSync(file, JSON.stringify({ origins, files }));
      try {
        loadDataManifest(file);
        return 'accepted';
      } catch (error) {
        return (error as Error).message.slice(file.length + 2);
      } finally {
        fs.rmSync(path.dirname(file), { recursive: true });
      }
    };
    expect(refusal({ 'a/x.txt': { origin: 'o', path: 'x.txt', sha256: pin } })).toBe('accepted');
    expect(refusal({ '../x.txt': { origin: 'o', path: 'x.txt', sha256: pin } })).toBe('../x.txt: not a relative path inside the data directory');
    expect(refusal({ 'a/x.txt': { origin: 'o', path: 'x.txt', sha256: 'B'.repeat(64) } })).toBe('a/x.txt: "sha256" is not 64 lowercase hex digits');
    expect(refusal({ 'a/x.txt': { origin: 'p', path: 'x.txt', sha256: pin } })).toBe('a/x.txt: unknown origin "p"');
    expect(refusal({ 'a/x.txt': { sha256: pin } })).toBe('a/x.txt: neither an "origin" nor "derivedFrom"');
    expect(refusal({ 'a/y': { derivedFrom: 'a/x.txt', derivation: 'itch-length-prefix', sha256: pin }, 'a/x.txt': { origin: 'o', path: 'x.txt', sha256: pin } })).toBe(
      'a/y: derived from "a/x.txt", which is not listed before it',
    );
    expect(refusal({ 'a/x.txt': { origin: 'o', path: 'x.txt', sha256: pin }, 'a/y': { derivedFrom: 'a/x.txt', derivation: 'gunzip', sha256: pin } })).toBe('a/y: unknown derivation "gunzip"');
  });

  it('is the only way to the data: no test, bench or example names a data directory itself', () => {
    // The resolver and its own test are the two files allowed to name the directories.
    const allowed = new Set([path.join(root, 'test', 'helpers', 'shared-data.ts'), path.join(root, 'test', 'data', 'shared-data.test.ts')]);
    // A path literal into the shared directory, its segments, or code reading the variables
    // that name the data directories (a test may set them for a child process).
    const direct = /['"`](\.\.[/\\])+shared[/\\]data|['"`]shared['"`]\s*,\s*['"`]data['"`]|(\.|\[['"`])MARKETFEED_DATA_(DIR|CACHE)\b/;
    const offenders: string[] = [];
    for (const dir of ['test', 'bench', 'examples']) {
      for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
        const file = path.join(entry.parentPath, entry.name);
        if (!entry.isFile() || !file.endsWith('.ts') || allowed.has(file)) continue;
        const code = fs.readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line));
        for (const line of code) {
          if (direct.test(line.replace(/\s\/\/.*$/, ''))) offenders.push(`${path.relative(root, file)}: ${line.trim()}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
