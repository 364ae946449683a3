// What every built-in suite's runner takes from the suite context: the target, the engine, the
// progress log, the monitor and the abort signal, under the names the runners use.
import type { LoadEngine } from '../../engine/load-engine.ts';
import type { ResourceMonitor } from '../../monitor/types.ts';
import type { SuiteContext } from '../suite.ts';

export interface RunOptions {
  baseUrl: string;
  authHeaders: Record<string, string>;
  engine: LoadEngine;
  log: (line: string) => void;
  monitor?: ResourceMonitor;
  signal?: AbortSignal;
}

export function runOptions(context: SuiteContext): RunOptions {
  return {
    baseUrl: context.target.url,
    authHeaders: context.target.authHeaders,
    engine: context.engine,
    log: context.log,
    ...(context.target.monitor ? { monitor: context.target.monitor } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  };
}
