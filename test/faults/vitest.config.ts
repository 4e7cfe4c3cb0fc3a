// The fault suite (npm run test:faults): real processes killed and restarted, a Redis of our own killed with SIGKILL.
// Kept out of `npm test` (its files end in .fault.ts) because it spawns processes and takes a few minutes.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    globalSetup: ['test/setup/global-redis.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: each one starts bot processes and Redis servers of its own.
    fileParallelism: false,
  },
});
