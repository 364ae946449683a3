// The load engine as the suites see it, so that tests can pass another one: a closed-model run, an
// open-model run, and a staged load whose rate or connections change while it runs (the stress
// suite's ramp).
import { runClosed } from './closed.ts';
import { runOpen } from './open.ts';
import { StagedLoad, type StagedLoadOptions } from './staged.ts';
import type { ClosedRunOptions, EngineRunResult, OpenRunOptions } from './types.ts';

export interface LoadEngine {
  runClosed(options: ClosedRunOptions): Promise<EngineRunResult>;
  runOpen(options: OpenRunOptions): Promise<EngineRunResult>;
  startStaged(options: StagedLoadOptions): StagedLoad;
}

/** The engine perf-action runs with. */
export const realEngine: LoadEngine = {
  runClosed,
  runOpen,
  startStaged: (options) => new StagedLoad(options),
};
