// The test data manifest (test/data/manifest.json): every external data file the tests and
// benches read, the public repository and commit it comes from (or the file it is derived
// from), and its pinned sha256. Read and checked here, so a bad entry is an error that names
// it rather than a download to a strange place.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DERIVATIONS } from './derivations.ts';

export const MANIFEST_PATH = path.join(import.meta.dirname, 'manifest.json');
/** Where the files are downloaded from: GitHub's raw file host, at a pinned commit. */
export const GITHUB_RAW = 'https://raw.githubusercontent.com';

export interface DataOrigin {
  /** owner/name on GitHub */
  repository: string;
  commit: string;
  license: string;
}

interface PinnedFile {
  /** The file's path in a data directory, e.g. fix/dictionaries/FIX44.xml. */
  relative: string;
  sha256: string;
}

export interface DownloadedFile extends PinnedFile {
  /** A key of the manifest's origins. */
  origin: string;
  /** The file's path in the origin repository. */
  path: string;
}

export interface DerivedFile extends PinnedFile {
  /** The manifest file it is computed from. */
  derivedFrom: string;
  derivation: keyof typeof DERIVATIONS;
}

export type DataFile = DownloadedFile | DerivedFile;

export interface DataManifest {
  origins: ReadonlyMap<string, DataOrigin>;
  /** In manifest order: a derived file comes after the file it is derived from. */
  files: ReadonlyMap<string, DataFile>;
}

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;
const REPOSITORY = /^[\w.-]+\/[\w.-]+$/;

/** A relative path that stays inside the directory it is joined to. */
function isContainedPath(relative: string): boolean {
  return relative !== '' && !path.isAbsolute(relative) && path.posix.normalize(relative) === relative && !relative.split('/').includes('..');
}

export function loadDataManifest(file = MANIFEST_PATH): DataManifest {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { origins?: Record<string, Partial<DataOrigin>>; files?: Record<string, Record<string, unknown>> };
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const origins = new Map<string, DataOrigin>();
  for (const [name, origin] of Object.entries(raw.origins ?? fail('no "origins"'))) {
    const { repository, commit, license } = origin;
    if (typeof repository !== 'string' || !REPOSITORY.test(repository)) fail(`origin ${name}: "repository" is not owner/name`);
    if (typeof commit !== 'string' || !COMMIT.test(commit)) fail(`origin ${name}: "commit" is not a 40-digit commit`);
    origins.set(name, { repository: repository as string, commit: commit as string, license: String(license) });
  }
  const files = new Map<string, DataFile>();
  for (const [relative, entry] of Object.entries(raw.files ?? fail('no "files"'))) {
    if (!isContainedPath(relative)) fail(`${relative}: not a relative path inside the data directory`);
    const { sha256, origin, path: originPath, derivedFrom, derivation } = entry;
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) fail(`${relative}: "sha256" is not 64 lowercase hex digits`);
    if (typeof origin === 'string') {
      if (!origins.has(origin)) fail(`${relative}: unknown origin "${origin}"`);
      if (typeof originPath !== 'string' || !isContainedPath(originPath)) fail(`${relative}: "path" is not a path in the origin repository`);
      files.set(relative, { relative, sha256: sha256 as string, origin, path: originPath as string });
    } else if (typeof derivedFrom === 'string') {
      if (!files.has(derivedFrom)) fail(`${relative}: derived from "${derivedFrom}", which is not listed before it`);
      if (typeof derivation !== 'string' || !Object.hasOwn(DERIVATIONS, derivation)) fail(`${relative}: unknown derivation "${String(derivation)}"`);
      files.set(relative, { relative, sha256: sha256 as string, derivedFrom, derivation: derivation as keyof typeof DERIVATIONS });
    } else {
      fail(`${relative}: neither an "origin" nor "derivedFrom"`);
    }
  }
  return { origins, files };
}

/** The file's download URL: base/owner/name/commit/path (base: GITHUB_RAW unless overridden). */
export function originUrl(manifest: DataManifest, file: DownloadedFile, base = GITHUB_RAW): string {
  const origin = manifest.origins.get(file.origin);
  if (origin === undefined) throw new Error(`${file.relative}: unknown origin "${file.origin}"`);
  const encodedPath = file.path.split('/').map(encodeURIComponent).join('/');
  return `${base.replace(/\/+$/, '')}/${origin.repository}/${origin.commit}/${encodedPath}`;
}
