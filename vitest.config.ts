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
          // of the time on 2 cores). Safe while no test leaves state behind: the one patch of a
          // global, process.stdout.write in src/baseline/actions-log.ts, is undone by the watch
          // that made it, and src/monitor/proc-tree.ts caches only a constant of the machine.
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
