import { defineConfig } from 'vitest/config';

// MARKETFEED_TEST_REPORT (set by .ci/run) adds vitest's JSON report, which holds the counts.
const report = process.env.MARKETFEED_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Multi-process tests spawn real publishers and consumers that busy-poll: run test
    // files one at a time so that they never fight over the cores of a 2-core machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    reporters: report === undefined ? ['default'] : ['default', ['json', { outputFile: report }]],
    coverage: {
      provider: 'v8',
      include: ['runtime/**/*.ts', 'operator/**/*.ts', 'cdk8s/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
