// The image of the `marketfeed` CLI that every install runs, from one source: package.json,
// whose `version` is the tag and whose `config.image` names the registry and repository. The
// release pushes exactly this reference (.github/scripts/release-reference.sh reads the same
// two fields); the CRD default, the operator's Deployment and the chart take it from here.
// package.json is found by walking up from this module: it sits two levels up in the sources
// (cdk8s/api/), three in the compiled package (dist/cdk8s/api/).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'marketfeed';

interface PackageJson {
  name?: string;
  version?: string;
  config?: { image?: string };
}

function readOwnPackageJson(): PackageJson {
  for (let directory = import.meta.dirname; ; directory = path.dirname(directory)) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (parsed.name === PACKAGE_NAME) return parsed;
    }
    if (path.dirname(directory) === directory) throw new Error(`image-reference: no package.json of ${PACKAGE_NAME} above ${import.meta.dirname}`);
  }
}

const packageJson = readOwnPackageJson();
if (packageJson.version === undefined || packageJson.config?.image === undefined) {
  throw new Error(`image-reference: ${PACKAGE_NAME}'s package.json lacks version or config.image`);
}

/** Registry and repository, e.g. ghcr.io/marketfeed/marketfeed. */
export const IMAGE_REPOSITORY: string = packageJson.config.image;
/** The package's version: the image tag and the chart's version. */
export const IMAGE_TAG: string = packageJson.version;
export const IMAGE_REFERENCE = `${IMAGE_REPOSITORY}:${IMAGE_TAG}`;
