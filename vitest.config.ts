import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          // Pure code, fakes and temp files only: no servers, no child processes of the CLI, no
          // sleeps. So the files run side by side, in worker threads (quicker to start than
          // processes), and the whole project takes seconds.
          name: 'unit',
          include: ['__tests__/unit/**/*.test.ts'],
          fileParallelism: true,
          pool: 'threads',
          // Vitest's default is one worker less than the cores: a single one on 2 cores.
          maxWorkers: 2,
          // Files share a worker's modules rather than importing the sources again each (a third
          // of the time on 2 cores). Safe while no test leaves state behind. What the sources
          // keep between calls: the watches of src/baseline/actions-log.ts patch
          // process.stdout.write and undo it when they end; src/video/video-cache.ts remembers
          // generations by absolute path (each test writes under a mkdtemp folder of its own);
          // the rest are constants (src/monitor/proc-tree.ts's clock ticks, lookup sets).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // Real servers and processes on 127.0.0.1, each on a port of its own (port 0) and in a
          // temp folder of its own, so that another `npm test` may run beside them; what they
          // assert holds on a loaded machine (the tight accuracy figures are `npm run
          // bench:engine`'s).
          name: 'integration',
          include: ['__tests__/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
          // Load tests measure latency: running them side by side on 2 cores would distort the
          // numbers.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
