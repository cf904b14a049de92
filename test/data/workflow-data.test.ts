// The GitHub workflows cannot run here: checked statically, every job that runs the tests
// gets the test data first (npm run data), from a cache restored between runs and keyed on
// the manifest, in the directory the tests look in, and saved as soon as it is verified.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..');

const DATA_CACHE = '~/.cache/marketfeed/data';
const DATA_KEY = "test-data-${{ hashFiles('test/data/manifest.json') }}";

interface Step {
  id?: string;
  if?: string;
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
    const restore = index((step) => step.uses?.startsWith('actions/cache/restore@') === true);
    const fetch = index((step) => step.run === 'npm run data');
    const test = index((step) => step.run === 'npm test');
    expect(location).toBeGreaterThanOrEqual(0);
    expect(restore).toBeGreaterThan(location);
    expect(fetch).toBeGreaterThan(restore);
    expect(test).toBeGreaterThan(fetch);
    expect(steps[restore].with).toEqual({ path: DATA_CACHE, key: DATA_KEY });
  });

  it.each([...testJobs()])('%s saves the data cache right after npm run data verified it, before the tests can fail the job, and only on a miss', (_job, steps) => {
    // actions/cache saves in its post step, only when the whole job succeeded: a red test run would throw the download away.
    expect(steps.filter((step) => /^actions\/cache@/.test(step.uses ?? ''))).toEqual([]);
    const restore = steps.find((step) => step.uses?.startsWith('actions/cache/restore@') === true);
    const fetch = steps.findIndex((step) => step.run === 'npm run data');
    const save = steps[fetch + 1];
    expect(save?.uses).toMatch(/^actions\/cache\/save@/);
    expect(restore?.id).toMatch(/^[\w-]+$/);
    // Saved only when npm run data succeeded (every file verified) and the restore found nothing under the key.
    expect(save.if).toBe(`success() && steps.${restore?.id}.outputs.cache-hit != 'true'`);
    expect(save.with).toEqual({ path: DATA_CACHE, key: `\${{ steps.${restore?.id}.outputs.cache-primary-key }}` });
  });
});
