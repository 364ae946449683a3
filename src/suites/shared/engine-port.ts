// The load engine as the suites see it: two calls, so tests and later suites can pass any engine.
import type { ClosedRunOptions, EngineRunResult, OpenRunOptions } from '../../engine/types.ts';

export interface LoadEngine {
  runClosed(options: ClosedRunOptions): Promise<EngineRunResult>;
  runOpen(options: OpenRunOptions): Promise<EngineRunResult>;
}
