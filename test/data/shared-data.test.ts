// Where tests and benches find the external data (test/helpers/shared-data.ts): the first of
// MARKETFEED_DATA_DIR, ../shared/data and the download cache that holds the file; a file held
// by none is a failure that says how to get it, and a name the manifest lacks is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingDataError, SHARED_DATA_DIR, dataCacheDir, dataFiles, dataPath, dataRoots, resolveDataFile } from '../helpers/shared-data.ts';

const FILE = 'fix/dictionaries/FIX44.xml';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'marketfeed-data-roots-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Three root directories; `holding` lists the ones that get a copy of FILE. */
function roots(holding: ReadonlyArray<'env' | 'shared' | 'cache'>): Array<{ label: string; dir: string }> {
  const base = fs.mkdtempSync(path.join(scratch, 'roots-'));
  return (['env', 'shared', 'cache'] as const).map((label) => {
    const dir = path.join(base, label);
    fs.mkdirSync(path.join(dir, path.dirname(FILE)), { recursive: true });
    if (holding.includes(label)) fs.writeFileSync(path.join(dir, FILE), label);
    return { label, dir };
  });
}

describe('data roots', () => {
  it('are MARKETFEED_DATA_DIR, then ../shared/data beside the repository, then the download cache', () => {
    const env = { MARKETFEED_DATA_DIR: '/data/here', MARKETFEED_DATA_CACHE: '/cache/there' };
    expect(dataRoots(env).map((root) => root.dir)).toEqual(['/data/here', SHARED_DATA_DIR, '/cache/there']);
    expect(SHARED_DATA_DIR).toBe(path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data'));
    expect(dataRoots({ MARKETFEED_DATA_CACHE: '/cache/there' }).map((root) => root.dir)).toEqual([SHARED_DATA_DIR, '/cache/there']);
  });

  it('put the cache in MARKETFEED_DATA_CACHE, else under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(dataCacheDir({ MARKETFEED_DATA_CACHE: 'relative/cache' })).toBe(path.resolve('relative/cache'));
    expect(dataCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/marketfeed/data');
    expect(dataCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'marketfeed', 'data'));
  });

  it('resolve a file to the first root that holds it', () => {
    const read = (holding: ReadonlyArray<'env' | 'shared' | 'cache'>): string => fs.readFileSync(resolveDataFile(FILE, roots(holding)), 'utf8');
    expect(read(['env', 'shared', 'cache'])).toBe('env');
    expect(read(['shared', 'cache'])).toBe('shared');
    expect(read(['env', 'cache'])).toBe('env');
    expect(read(['cache'])).toBe('cache');
  });

  it('fail loudly when no root holds the file, naming every place looked in and `npm run data`', () => {
    const empty = roots([]);
    let error: unknown;
    try {
      resolveDataFile(FILE, empty);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingDataError);
    const message = (error as Error).message;
    expect(message).toContain(FILE);
    expect(message).toContain('npm run data');
    for (const root of empty) expect(message).toContain(`${root.label} ${root.dir}`);
  });
});

describe('dataPath', () => {
  it('refuses a file the manifest does not list, so every file read is pinned', () => {
    expect(() => dataPath('fix/dictionaries/FIX99.xml')).toThrow(/fix\/dictionaries\/FIX99\.xml is not in the test data manifest .*manifest\.json/);
    expect(() => dataPath('fix/../fix/dictionaries/FIX44.xml')).toThrow(/not in the test data manifest/);
  });

  it('resolves a listed file through the roots', () => {
    expect(fs.existsSync(dataPath(FILE))).toBe(true);
    expect(dataPath(FILE)).toBe(resolveDataFile(FILE, dataRoots()));
  });

  it('lists the manifest files under a folder, not whatever a data directory holds', () => {
    const dictionaries = dataFiles('fix/dictionaries');
    expect(dictionaries).toEqual(['fix/dictionaries/FIX42.xml', 'fix/dictionaries/FIX44.xml', 'fix/dictionaries/FIX50SP2.xml', 'fix/dictionaries/FIXT11.xml']);
    expect(dataFiles('fix/quickfix-acceptance/fix44')).toHaveLength(59);
    expect(dataFiles('fix/quickfix-acceptance/fix4')).toEqual([]);
  });
});
