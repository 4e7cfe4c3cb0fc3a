// Test runner setup: unit, contract and integration suites; benchmarks live elsewhere (npm run bench).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The run's own Redis (and a cluster and a Sentinel group), unless REDIS_URL names one: test/setup/global-redis.ts.
    globalSetup: ['test/setup/global-redis.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    expect: {
      // A test that asserts nothing is a defect.
      requireAssertions: true,
      // Browser and multi-process tests poll for state; give them room on a busy 2-core CI machine.
      poll: { timeout: 10_000 },
    },
  },
});
