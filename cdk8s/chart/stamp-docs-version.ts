// Puts package.json's version into every place the docs and examples name a released
// artifact: the image `<config.image>:<version>`, the chart's `--version`, the release tag
// `v<version>`, the tarball `marketfeed-<version>.tgz` and the Argo CD example's `tag:`. The
// `version` npm script runs it (after render-chart.ts) so that `npm version X.Y.Z` commits
// docs that agree with the tag it makes; test/quality/image-reference.test.ts checks them.
//
//   npx node cdk8s/chart/stamp-docs-version.ts     (rewrites README.md, docs/, examples/)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IMAGE_REPOSITORY, IMAGE_TAG } from '../api/image-reference.ts';

const VERSION = String.raw`\d+\.\d+\.\d+`;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Each pattern's one group is a version; the text around it says what it versions. */
function versionPatterns(repository: string): RegExp[] {
  return [
    new RegExp(`(${escape(repository)}:)${VERSION}`, 'g'),
    new RegExp(String.raw`(marketfeed-operator\s+(?:\\\s+)?--version\s+)${VERSION}`, 'g'),
    new RegExp(`(\\(tag \`v)${VERSION}`, 'g'),
    new RegExp(`(marketfeed-)${VERSION}(?=\\.tgz)`, 'g'),
  ];
}

/** The Argo CD example's `image.tag`, a quoted version. */
const ARGO_TAG = new RegExp(`^(\\s+tag:\\s*")${VERSION}(?=")`, 'gm');

/** The text with every versioned mention set to `version`. */
export function stampVersion(text: string, version: string, repository: string, file: string): string {
  let stamped = text;
  for (const pattern of versionPatterns(repository)) stamped = stamped.replace(pattern, `$1${version}`);
  if (path.basename(file) === 'argocd-application.yaml') stamped = stamped.replace(ARGO_TAG, `$1${version}`);
  return stamped;
}

/** README.md, docs/*.md and examples/*, relative to the repository root. */
export function versionedDocuments(root: string): string[] {
  return [
    'README.md',
    ...readdirSync(path.join(root, 'docs')).map((file) => `docs/${file}`),
    ...readdirSync(path.join(root, 'examples')).map((file) => `examples/${file}`),
  ];
}

/** Rewrites the documents under `root` that name another version; returns those it changed. */
export function stampDocuments(root: string, version: string = IMAGE_TAG, repository: string = IMAGE_REPOSITORY): string[] {
  const changed: string[] = [];
  for (const document of versionedDocuments(root)) {
    const file = path.join(root, document);
    const text = readFileSync(file, 'utf8');
    const stamped = stampVersion(text, version, repository, file);
    if (stamped !== text) {
      writeFileSync(file, stamped);
      changed.push(document);
    }
  }
  return changed;
}

if (import.meta.main) {
  const changed = stampDocuments(path.join(import.meta.dirname, '..', '..'));
  process.stdout.write(changed.length === 0 ? `docs already name ${IMAGE_TAG}\n` : `stamped ${IMAGE_TAG} into ${changed.join(', ')}\n`);
}
