import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Multi-process tests spawn real publishers and consumers; give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    coverage: {
      provider: 'v8',
      include: ['runtime/**/*.ts', 'operator/**/*.ts', 'cdk8s/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
