// The Dockerfile and the GitHub workflows cannot run here (no Docker engine, no runner, no
// hadolint binary), so they are checked statically: what the image builds from exists, it runs
// the compiled CLI on Node 24 as non-root with only what runs, the hadolint rules that bear on
// this Dockerfile hold, and CI runs the README's test command.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stageStarts = instructions.flatMap((line, index) => (line.startsWith('FROM ') ? [index] : []));
const lastStage = instructions.slice(stageStarts.at(-1));
const buildStages = instructions.slice(0, stageStarts.at(-1));
const runs = instructions.filter((line) => line.startsWith('RUN '));

interface Workflow {
  on: unknown;
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes'?: number; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>;
}

function workflows(): Array<[string, Workflow]> {
  const directory = path.join(root, '.github', 'workflows');
  return fs.readdirSync(directory).map((file) => [file, parse(fs.readFileSync(path.join(directory, file), 'utf8')) as Workflow]);
}

/** COPY sources and destination, without flags. */
function copyArguments(line: string): { sources: string[]; destination: string; from: string | undefined } {
  const words = line.split(/\s+/).slice(1);
  const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((word) => !word.startsWith('--'));
  return { sources: paths.slice(0, -1), destination: paths.at(-1)!, from };
}

/** The `marketfeed` command of package.json's bin. */
function packageBin(): string {
  return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin.marketfeed;
}

/** Where `npm run build` (tsconfig.build.json) writes the JavaScript of a TypeScript source. */
function compiledPath(source: string): string {
  const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { compilerOptions: { outDir: string; rootDir: string } };
  return path.posix.join(build.compilerOptions.outDir, path.posix.relative(build.compilerOptions.rootDir, source)).replace(/\.ts$/, '.js');
}

describe('Dockerfile', () => {
  it('builds from Node 24 images only', () => {
    const bases = instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThan(1);
    for (const base of bases) expect(base).toMatch(/^node:24(-|$)/);
  });

  it('the build stage copies paths that exist: the manifests, the tsconfigs and every source the build compiles', () => {
    const sources = buildStages.filter((line) => line.startsWith('COPY ')).flatMap((line) => copyArguments(line).sources);
    for (const source of sources) expect(fs.existsSync(path.join(root, source)), source).toBe(true);
    const build = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] };
    for (const needed of ['package.json', 'package-lock.json', 'binding.gyp', 'tsconfig.json', 'tsconfig.build.json', ...build.include]) expect(sources).toContain(needed);
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());
    for (const source of sources) expect(ignored, `.dockerignore drops ${source}`).not.toContain(source.split('/')[0]);
    expect(runs.some((line) => / npm ci\b/.test(line))).toBe(true);
    expect(runs.some((line) => /npm run build\b/.test(line))).toBe(true);
  });

  it("the run stage holds only what runs: package.json, production node_modules, the addon, dist/ and package.json's bin", () => {
    const copies = lastStage.filter((line) => line.startsWith('COPY ')).map(copyArguments);
    for (const copy of copies) expect(copy.from, `run stage copies ${copy.sources.join(' ')} from the context`).toBe('build');
    expect(copies.flatMap((copy) => copy.sources).sort()).toEqual(['/app/build/Release/marketfeed_native.node', '/app/dist', '/app/node_modules', '/app/package.json', `/app/${packageBin()}`]);
    expect(buildStages.some((line) => /npm prune --omit=dev\b/.test(line))).toBe(true);
  });

  it("runs package.json's bin as `npx marketfeed` does, which in the image runs the compiled CLI and the operator's bundle, as a non-root user", () => {
    const user = lastStage.findLast((line) => line.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user!.split(/\s+/)[1]).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const entrypoint = lastStage.find((line) => line.startsWith('ENTRYPOINT '));
    expect(JSON.parse(entrypoint!.slice('ENTRYPOINT '.length))).toEqual(['node', packageBin()]);
    // The bin runs what `npm run build` emits: the compiled CLI, and for `operator` the bundle.
    const bin = fs.readFileSync(path.join(root, packageBin()), 'utf8');
    expect(bin).toContain(`'${path.posix.relative(path.posix.dirname(packageBin()), compiledPath('runtime/cli/marketfeed.ts'))}'`);
    expect(bin).toContain("'../../dist/bundle/marketfeed-operator.js'");
    expect((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { build: string } }).scripts.build).toContain('operator/bundle/build-operator-bundle.ts');
  });

  // hadolint's rules that bear on this Dockerfile (its README lists them with their severities).
  it('passes the hadolint rules that bear on it', () => {
    for (const run of runs) {
      const command = run.replace(/^RUN\s+(--\S+\s+)*/, '');
      // DL3008 / DL3016: system and npm packages pinned (npm ci installs the lockfile).
      const aptPackages = /apt-get install/.test(command) ? command.split('apt-get install')[1].split(/&&|;/)[0].split(/\s+/).filter((word) => word !== '' && !word.startsWith('-')) : [];
      for (const name of aptPackages) expect(name, `DL3008: ${run}`).toContain('=');
      expect(command, `DL3016: ${run}`).not.toMatch(/npm (install|i) +[a-z@][^\s@]*(\s|$)/);
      // DL3068: npm's cache in a BuildKit cache mount, not in a layer.
      if (/\bnpm (ci|install|i)\b/.test(command)) expect(run, `DL3068: ${run}`).toMatch(/--mount=type=cache,target=\S*\.npm/);
      // DL4006: no pipe without pipefail; DL3003: WORKDIR, not cd; DL3004: no sudo.
      expect(command, `DL4006: ${run}`).not.toMatch(/[^|]\|[^|]/);
      expect(command, `DL3003: ${run}`).not.toMatch(/(^|&&|;)\s*cd\s/);
      expect(command, `DL3004: ${run}`).not.toMatch(/\bsudo\b/);
    }
    // DL3059: no consecutive RUN instructions.
    for (let index = 1; index < instructions.length; index++) {
      expect(instructions[index - 1].startsWith('RUN ') && instructions[index].startsWith('RUN '), `DL3059 at ${instructions[index]}`).toBe(false);
    }
    // DL3025: JSON form for ENTRYPOINT and CMD; DL3020: COPY, not ADD; DL3006/DL3007: tagged bases, not latest.
    for (const line of instructions.filter((instruction) => /^(ENTRYPOINT|CMD) /.test(instruction))) expect(() => JSON.parse(line.replace(/^\S+ /, '')) as unknown, line).not.toThrow();
    expect(instructions.some((line) => line.startsWith('ADD '))).toBe(false);
    for (const base of instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1])) expect(base, base).toMatch(/^[^:]+:(?!latest$)\S+$/);
    // DL3045: WORKDIR before a COPY to a relative destination, in every stage.
    for (const [index, start] of stageStarts.entries()) {
      const stage = instructions.slice(start, stageStarts[index + 1]);
      const firstWorkdir = stage.findIndex((line) => line.startsWith('WORKDIR /'));
      const firstRelativeCopy = stage.findIndex((line) => line.startsWith('COPY ') && !copyArguments(line).destination.startsWith('/'));
      if (firstRelativeCopy >= 0) expect(firstWorkdir, stage[0]).toBeGreaterThanOrEqual(0);
      if (firstRelativeCopy >= 0) expect(firstWorkdir).toBeLessThan(firstRelativeCopy);
    }
  });

  it('CI lints it with hadolint at a failure threshold set on purpose', () => {
    const ci = workflows().find(([file]) => file === 'ci.yml')![1];
    const hadolint = Object.values(ci.jobs).flatMap((job) => job.steps).find((step) => step.uses?.startsWith('hadolint/hadolint-action@'));
    expect(hadolint?.with?.dockerfile).toBe('Dockerfile');
    expect(hadolint?.with?.['failure-threshold']).toBe('style');
  });
});

describe('GitHub workflows', () => {
  it('every job has a runner, a time limit and steps, and sets up Node 24 when it uses Node', () => {
    for (const [file, workflow] of workflows()) {
      expect(workflow.on, file).toBeDefined();
      for (const [name, job] of Object.entries(workflow.jobs)) {
        expect(job['runs-on'], `${file} ${name}`).toMatch(/^ubuntu-/);
        expect(job['timeout-minutes'], `${file} ${name}`).toBeGreaterThan(0);
        expect(job.steps.length, `${file} ${name}`).toBeGreaterThan(0);
        const setupNode = job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
        if (job.steps.some((step) => step.run?.startsWith('npm '))) expect(setupNode?.with?.['node-version'], `${file} ${name}`).toBe(24);
      }
    }
  });

  it('CI installs with npm ci and runs the README test command', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toMatch(/^npm test\b/m);
    const ci = workflows().find(([file]) => file === 'ci.yml')![1];
    const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((step) => step.run));
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm test');
    expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toMatch(/npm ci[\s\S]*npm test/);
  });

  it('the release publishes the image this Dockerfile builds and the operator chart', () => {
    const release = workflows().find(([file]) => file === 'release.yml')![1];
    const steps = Object.values(release.jobs).flatMap((job) => job.steps);
    expect(steps.some((step) => step.uses?.startsWith('docker/build-push-action@') && step.with?.context === '.')).toBe(true);
    expect(steps.some((step) => step.run?.includes('helm package charts/marketfeed-operator'))).toBe(true);
  });
});
