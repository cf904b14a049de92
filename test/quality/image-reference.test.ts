// One image reference everywhere: package.json's `config.image` (registry and repository) at
// its `version` (the tag). The release pushes that reference, the chart and the CRD default
// install it, the operator's Deployment runs it and the docs name it, so an install never
// pulls a tag that was not pushed.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { KubeObject } from '../../cdk8s/api/kube-object.ts';
import { marketFeedCrd } from '../../cdk8s/api/marketfeed-crd.ts';
import { DEFAULT_IMAGE } from '../../cdk8s/api/marketfeed-types.ts';
import { stampDocuments, versionedDocuments } from '../../cdk8s/chart/stamp-docs-version.ts';
import { OPERATOR_INSTALL_DEFAULTS, OperatorInstall } from '../../cdk8s/install/operator-install.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { version: string; config?: { image?: string } };
const repository = packageJson.config?.image;
const version = packageJson.version;
const image = `${repository}:${version}`;
const chartRepository = `oci://${repository?.slice(0, repository.lastIndexOf('/'))}/charts`;
const chartDirectory = 'charts/marketfeed-operator';

type Schema = { properties?: Record<string, Schema>; default?: unknown };

function crdImageDefault(crd: KubeObject): unknown {
  const versions = (crd as unknown as { spec: { versions: Array<{ schema: { openAPIV3Schema: Schema } }> } }).spec.versions;
  return versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.image?.default;
}

function releaseReference(tag: string, owner: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', [path.join(root, '.github', 'scripts', 'release-reference.sh'), tag, owner], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('the image reference has one source, package.json', () => {
  it('config.image names a ghcr.io repository; version is the tag', () => {
    expect(repository).toMatch(/^ghcr\.io\/[a-z0-9-]+\/marketfeed$/);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('the MarketFeed default image (TypeScript, generated CRD, committed chart CRD) is that image', () => {
    expect(DEFAULT_IMAGE).toBe(image);
    expect(crdImageDefault(marketFeedCrd())).toBe(image);
    expect(crdImageDefault(YAML.parse(read(`${chartDirectory}/crds/marketfeeds.marketfeed.dev.yaml`)) as KubeObject)).toBe(image);
  });

  it("the operator's own Deployment runs that image", () => {
    expect(OPERATOR_INSTALL_DEFAULTS.image).toBe(image);
    const app = new App();
    const chart = new Chart(app, 'install', { disableResourceNameHashes: true });
    new OperatorInstall(chart, 'operator');
    const deployment = (chart.toJson() as KubeObject[]).find((object) => object.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    };
    expect(deployment.spec.template.spec.containers.map((container) => container.image)).toEqual([image]);
  });

  it("the chart's values and Chart.yaml carry the repository and the version", () => {
    const values = YAML.parse(read(`${chartDirectory}/values.yaml`)) as { image: { repository: string; tag: string } };
    expect(values.image).toMatchObject({ repository, tag: version });
    const chart = YAML.parse(read(`${chartDirectory}/Chart.yaml`)) as { version: string; appVersion: string };
    expect(chart).toMatchObject({ version, appVersion: version });
  });

  it('the release takes the reference from package.json and pushes the version and commit SHA tags', () => {
    const release = YAML.parse(read('.github/workflows/release.yml')) as {
      jobs: Record<string, { steps: Array<{ id?: string; uses?: string; run?: string; with?: Record<string, string> }>; outputs?: Record<string, string> }>;
    };
    const steps = Object.values(release.jobs).flatMap((job) => job.steps);
    const reference = steps.find((step) => step.run?.includes('.github/scripts/release-reference.sh'));
    expect(reference?.id).toBe('reference');
    expect(reference?.run).toContain('"$GITHUB_REF_NAME" "$GITHUB_REPOSITORY_OWNER" >> "$GITHUB_OUTPUT"');
    const push = steps.find((step) => step.uses?.startsWith('docker/build-push-action@'));
    const tags = push?.with?.tags?.trim().split('\n').map((tag) => tag.trim());
    expect(tags).toEqual(['${{ steps.reference.outputs.image }}:${{ steps.reference.outputs.version }}', '${{ steps.reference.outputs.image }}:${{ github.sha }}']);
    expect(JSON.stringify(release)).not.toMatch(/github\.ref_name|repository_owner\s*}}\/marketfeed/);
    const chartPush = steps.find((step) => step.run?.includes('helm push'));
    expect(chartPush?.run).toContain('${{ needs.image.outputs.charts }}');
  });

  it('the release script gives the image, the version and the chart repository for the tag v<version>', async () => {
    const owner = repository!.split('/')[1];
    const result = await releaseReference(`v${version}`, owner.toUpperCase());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([`version=${version}`, `image=${repository}`, `charts=${chartRepository}`]);
  });

  it('the release refuses a tag that disagrees with package.json, and an image outside the owner’s namespace', async () => {
    const owner = repository!.split('/')[1];
    for (const tag of [version, `v${version}.1`, 'v0.0.0-rc1']) {
      const result = await releaseReference(tag, owner);
      expect(result.code, tag).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`does not match package.json's version ${version}`);
    }
    const foreign = await releaseReference(`v${version}`, 'someone-else');
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('ghcr.io/someone-else/');
  });

  it('the docs and examples name exactly that image, its repository with the version, or the chart beside it', () => {
    const { mentions, wrong } = versionedMentions(root, version);
    expect(wrong).toEqual([]);
    expect(mentions).toContain(image);
    const argo = YAML.parse(read('examples/argocd-application.yaml')) as { spec: { source: { helm: { valuesObject: { image: { repository: string; tag: string } } } } } };
    expect(argo.spec.source.helm.valuesObject.image).toMatchObject({ repository, tag: version });
  });

  it('`npm version` stamps the new version into the docs and examples, so the tag it commits passes the check above', () => {
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.version).toMatch(
      /render-chart\.ts && node cdk8s\/chart\/stamp-docs-version\.ts && git add charts README\.md docs examples$/,
    );
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'stamp-'));
    try {
      for (const document of versionedDocuments(root)) {
        fs.mkdirSync(path.dirname(path.join(copy, document)), { recursive: true });
        fs.copyFileSync(path.join(root, document), path.join(copy, document));
      }
      expect(versionedMentions(copy, '9.8.7').wrong).not.toEqual([]);
      expect(stampDocuments(copy, '9.8.7', repository)).toContain('README.md');
      expect(versionedMentions(copy, '9.8.7').wrong).toEqual([]);
      expect(fs.readFileSync(path.join(copy, 'README.md'), 'utf8')).toContain('npm install ./marketfeed-9.8.7.tgz');
      expect(stampDocuments(copy, '9.8.7', repository)).toEqual([]);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});

/** Every image, chart, release-tag and tarball mention in the docs and examples under `dir`, and those not at `expected`. */
function versionedMentions(dir: string, expected: string): { mentions: string[]; wrong: string[] } {
  const expectedImage = `${repository}:${expected}`;
  const mentions: string[] = [];
  const wrong: string[] = [];
  for (const document of versionedDocuments(dir)) {
    const text = fs.readFileSync(path.join(dir, document), 'utf8');
    for (const [mention] of text.matchAll(/(?:oci:\/\/)?ghcr\.io\/[\w./-]+(?::[\w.-]+)?/g)) {
      mentions.push(mention);
      if (![expectedImage, repository, `${chartRepository}/marketfeed-operator`].includes(mention)) wrong.push(`${document}: ${mention}`);
    }
    const versions = [
      ...text.matchAll(/oci:\/\/\S+\/marketfeed-operator\s+(?:\\\s+)?--version\s+(\S+)/g),
      ...text.matchAll(/marketfeed-(\d+\.\d+\.\d+)\.tgz/g),
      ...text.matchAll(/\(tag `v(\d+\.\d+\.\d+)`/g),
      ...(document.endsWith('argocd-application.yaml') ? text.matchAll(/^\s+tag:\s*"([^"]+)"/gm) : []),
    ];
    for (const [mention, found] of versions) if (found !== expected) wrong.push(`${document}: ${mention}`);
  }
  return { mentions, wrong };
}
