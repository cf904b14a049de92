#!/usr/bin/env bash
# What a release pushes, from package.json (the one source of the image reference): its
# `version` is the image tag and the chart's version, its `config.image` the image repository;
# the chart goes to `charts` beside the image. Refuses a tag other than v<version>, and an
# image outside ghcr.io/<repository owner>/ (the workflow's token can push nowhere else), so
# what is pushed is exactly what the chart, the CRD default and the docs name.
#
#   .github/scripts/release-reference.sh TAG OWNER >> "$GITHUB_OUTPUT"
#   → version=0.1.0, image=ghcr.io/marketfeed/marketfeed, charts=oci://ghcr.io/marketfeed/charts
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 TAG OWNER" >&2
  exit 2
fi
tag="$1"
owner="${2,,}"
cd "$(dirname "$0")/../.."

version="$(node -p 'require("./package.json").version')"
image="$(node -p 'require("./package.json").config?.image ?? ""')"

if [ "$tag" != "v$version" ]; then
  echo "release: tag $tag does not match package.json's version $version: release v$version, or set the version first (npm version X.Y.Z re-renders the chart)" >&2
  exit 1
fi
case "$image" in
  "ghcr.io/$owner/"?*) ;;
  *)
    echo "release: package.json config.image is \"$image\", but this repository can push only to ghcr.io/$owner/: set config.image to ghcr.io/$owner/marketfeed and re-render the chart (npx node cdk8s/chart/render-chart.ts)" >&2
    exit 1
    ;;
esac

echo "version=$version"
echo "image=$image"
echo "charts=oci://${image%/*}/charts"
