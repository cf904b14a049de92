// The Dockerfile and the GitHub workflows cannot run here (no Docker engine, no runner), so
// they are checked statically: what they copy exists, they run on Node 24, the image runs
// as non-root, and CI runs the README's test command.
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

interface Workflow {
  on: unknown;
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes'?: number; steps: Array<{ uses?: string; run?: string; with?: Record<string, unknown> }> }>;
}

function workflows(): Array<[string, Workflow]> {
  const directory = path.join(root, '.github', 'workflows');
  return fs.readdirSync(directory).map((file) => [file, parse(fs.readFileSync(path.join(directory, file), 'utf8')) as Workflow]);
}

describe('Dockerfile', () => {
  it('builds from Node 24 images only', () => {
    const bases = instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/^node:24(-|$)/);
  });

  it('copies only paths that exist, and everything the CLI loads (runtime, operator, cdk8s)', () => {
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    for (const source of sources) expect(fs.existsSync(path.join(root, source)), source).toBe(true);
    for (const needed of ['runtime', 'operator', 'cdk8s', 'package.json', 'package-lock.json', 'binding.gyp']) expect(sources).toContain(needed);
  });

  it('runs the marketfeed CLI as a non-root user', () => {
    const lastStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));
    const user = lastStage.find((line) => line.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
    expect(lastStage.find((line) => line.startsWith('ENTRYPOINT '))).toContain('runtime/cli/marketfeed.ts');
    expect(fs.existsSync(path.join(root, 'runtime', 'cli', 'marketfeed.ts'))).toBe(true);
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
