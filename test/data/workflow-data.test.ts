// The GitHub workflows cannot run here: checked statically, every job that runs the tests
// gets the test data first (npm run data), from a cache restored between runs and keyed on
// the manifest, in the directory the tests look in.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

/** Every job of the workflows that runs `npm test`, as "file job" → steps. */
function testJobs(): Map<string, Step[]> {
  const jobs = new Map<string, Step[]>();
  const directory = path.join(root, '.github', 'workflows');
  for (const file of fs.readdirSync(directory)) {
    const workflow = parse(fs.readFileSync(path.join(directory, file), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (job.steps.some((step) => step.run === 'npm test')) jobs.set(`${file} ${name}`, job.steps);
    }
  }
  return jobs;
}

describe('test data in the GitHub workflows', () => {
  it('the CI and release test jobs are the ones that run npm test', () => {
    expect([...testJobs().keys()].sort()).toEqual(['ci.yml test', 'release.yml test']);
  });

  it.each([...testJobs()])('%s restores the data cache keyed on the manifest and runs npm run data before npm test', (_job, steps) => {
    const index = (found: (step: Step) => boolean): number => steps.findIndex(found);
    const location = index((step) => step.run?.includes('MARKETFEED_DATA_CACHE=$HOME/.cache/marketfeed/data') === true && step.run.includes('$GITHUB_ENV'));
    const cache = index((step) => step.uses?.startsWith('actions/cache@') === true);
    const fetch = index((step) => step.run === 'npm run data');
    const test = index((step) => step.run === 'npm test');
    expect(location).toBeGreaterThanOrEqual(0);
    expect(cache).toBeGreaterThan(location);
    expect(fetch).toBeGreaterThan(cache);
    expect(test).toBeGreaterThan(fetch);
    expect(steps[cache].with).toEqual({ path: '~/.cache/marketfeed/data', key: "test-data-${{ hashFiles('test/data/manifest.json') }}" });
  });
});
