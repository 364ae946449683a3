import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Integration tests drive real servers and processes; the machine is shared, so be generous.
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Load tests measure latency: running them side by side on 2 cores would distort the numbers.
    fileParallelism: false,
  },
});
