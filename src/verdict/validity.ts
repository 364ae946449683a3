// A saturated load generator measures itself, not the service: its scenario's figures are marked
// invalid (a warning that says so), and its regressions cannot fail the run, only warn.
import { GENERATOR_SATURATION_PERCENT } from '../monitor/generator.ts';
import type { Check, ScenarioRun } from '../results/types.ts';

/**
 * Measured time below which the generator's CPU is not judged: over a fraction of a second its
 * fixed start-up work (connections, buffers, the JIT) dominates, and a short round reads as busy.
 */
export const MIN_JUDGED_MS = 1000;

/**
 * CPU of the generator over a scenario's rounds, in percent of one core, weighted by their time;
 * undefined when they lasted less than MIN_JUDGED_MS together.
 */
function judgedGeneratorCpu(run: ScenarioRun): number | undefined {
  const elapsed = run.rounds.reduce((sum, r) => sum + r.elapsedMs, 0);
  if (elapsed < MIN_JUDGED_MS) return undefined;
  return run.rounds.reduce((sum, r) => sum + r.generatorCpuPercent * r.elapsedMs, 0) / elapsed;
}

/** One warning per scenario whose rounds saturated the load generator (`<suite>/<name>/generator.cpu`). */
export function generatorChecks(runs: readonly ScenarioRun[]): Check[] {
  const checks: Check[] = [];
  for (const run of runs) {
    const cpu = judgedGeneratorCpu(run);
    if (cpu === undefined || cpu < GENERATOR_SATURATION_PERCENT) continue;
    checks.push({
      kind: 'validity',
      metric: `${run.suite}/${run.name}/generator.cpu`,
      status: 'warn',
      value: cpu,
      unit: 'percent',
      warn: GENERATOR_SATURATION_PERCENT,
      source: 'validity',
      message:
        `generator.cpu ${cpu.toFixed(0)} % of one core: the load generator was saturated, so ` +
        'these figures may measure perf-action rather than the service (results invalid; ' +
        'lower the load or use a bigger runner)',
    });
  }
  return checks;
}

/** Failing regressions of scenarios measured by a saturated generator become warnings. */
export function capInvalidRegressions(
  checks: readonly Check[],
  invalid: readonly Check[],
): Check[] {
  const scopes = new Set(invalid.map((c) => c.metric.slice(0, c.metric.lastIndexOf('/') + 1)));
  return checks.map((check) => {
    if (check.kind !== 'regression' || check.status !== 'fail') return check;
    const scope = check.metric.slice(0, check.metric.lastIndexOf('/') + 1);
    if (!scopes.has(scope)) return check;
    return {
      ...check,
      status: 'warn',
      message: `${check.message}; not failed: the load generator was saturated`,
    };
  });
}
