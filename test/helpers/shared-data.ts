// Where the external test data lives (README "Test data"; the files are listed and pinned in
// test/data/manifest.json): for each file, the first of MARKETFEED_DATA_DIR, ../shared/data
// beside the repository, and the cache `npm run data` downloads into. Tests and benches read
// the files in place and only through dataPath, which refuses a file the manifest does not
// list and fails, saying how to get the data, when no directory holds it: never a skip.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DataManifest, MANIFEST_PATH, loadDataManifest } from '../data/data-manifest.ts';

export const FETCH_COMMAND = 'npm run data';
export const SHARED_DATA_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
/** How README and docs/*.md write the data directory in their commands (README "Test data"). */
export const DOCUMENTED_DATA_DIR = '../shared/data/';
/** How the last line of `npm run data` starts: the data directory follows. */
export const DATA_DIRECTORY_LINE = 'test data directory:';

export interface DataRoot {
  /** How the directory was chosen, for messages. */
  label: string;
  dir: string;
}

export class MissingDataError extends Error {
  override name = 'MissingDataError';
}

/** The directory `npm run data` fills: MARKETFEED_DATA_CACHE, else $XDG_CACHE_HOME/marketfeed/data, else ~/.cache/marketfeed/data. */
export function dataCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARKETFEED_DATA_CACHE) return path.resolve(env.MARKETFEED_DATA_CACHE);
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'marketfeed', 'data');
}

/** The directories looked in, in order. */
export function dataRoots(env: NodeJS.ProcessEnv = process.env): DataRoot[] {
  const roots: DataRoot[] = [];
  if (env.MARKETFEED_DATA_DIR) roots.push({ label: 'MARKETFEED_DATA_DIR', dir: path.resolve(env.MARKETFEED_DATA_DIR) });
  roots.push({ label: '../shared/data', dir: SHARED_DATA_DIR }, { label: 'the download cache', dir: dataCacheDir(env) });
  return roots;
}

/** A data file as found: its path, and the root it was found in. */
export interface DataLocation {
  path: string;
  root: DataRoot;
}

/** The file's path in the first root that holds it; MissingDataError when none does. */
export function resolveDataFile(relative: string, roots: readonly DataRoot[]): string {
  return locateDataFile(relative, roots).path;
}

/** The first root that holds the file, and the file's path there; MissingDataError when none does. */
export function locateDataFile(relative: string, roots: readonly DataRoot[]): DataLocation {
  for (const root of roots) {
    const candidate = path.join(root.dir, relative);
    if (existsSync(candidate)) return { path: candidate, root };
  }
  throw new MissingDataError(
    `test data ${relative} is missing: it is in none of ${roots.map((root) => `${root.label} ${root.dir}`).join(', ')}. ` +
      `Run \`${FETCH_COMMAND}\` to download the test data (README "Test data"), or set MARKETFEED_DATA_DIR to a directory that holds it.`,
  );
}

let manifest: DataManifest | undefined;
function theManifest(): DataManifest {
  manifest ??= loadDataManifest();
  return manifest;
}

/** The absolute path of a data file listed in the manifest, from its path in a data directory. */
export function dataPath(relative: string): string {
  return dataLocation(relative).path;
}

/** Where a data file listed in the manifest is read from: its path and the root that held it. */
export function dataLocation(relative: string): DataLocation {
  if (!theManifest().files.has(relative)) {
    throw new Error(`${relative} is not in the test data manifest ${MANIFEST_PATH}: add it there with its origin and sha256`);
  }
  return locateDataFile(relative, dataRoots());
}

/**
 * The data directory (what the docs write as ../shared/data/): the first root that holds every
 * file of the manifest, so that a documented path into it names a file that is there;
 * undefined when none holds them all.
 */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): DataRoot | undefined {
  const files = [...theManifest().files.keys()];
  return dataRoots(env).find((root) => files.every((relative) => existsSync(path.join(root.dir, relative))));
}

/** The manifest's files under a folder (relative paths, sorted): what a test iterates over, whatever else a data directory holds. */
export function dataFiles(folder: string): string[] {
  const prefix = `${folder.replace(/\/+$/, '')}/`;
  return [...theManifest().files.keys()].filter((relative) => relative.startsWith(prefix)).sort();
}
