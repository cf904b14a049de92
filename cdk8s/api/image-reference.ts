// The image of the `marketfeed` CLI that every install runs, from one source: package.json,
// whose `version` is the tag and whose `config.image` names the registry and repository. The
// release pushes exactly this reference (.github/scripts/release-reference.sh reads the same
// two fields); the CRD default, the operator's Deployment and the chart take it from here.
import { readOwnPackageJson } from '../../runtime/own-package-json.ts';

const packageJson = readOwnPackageJson(import.meta.dirname);
if (packageJson.version === undefined || packageJson.config?.image === undefined) {
  throw new Error("image-reference: marketfeed's package.json lacks version or config.image");
}

/** Registry and repository, e.g. ghcr.io/marketfeed/marketfeed. */
export const IMAGE_REPOSITORY: string = packageJson.config.image;
/** The package's version: the image tag and the chart's version. */
export const IMAGE_TAG: string = packageJson.version;
export const IMAGE_REFERENCE = `${IMAGE_REPOSITORY}:${IMAGE_TAG}`;
