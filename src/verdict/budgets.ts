// Budget checks: absolute limits per metric, the most specific scope winning
// (scenario > suite > global, where global already holds the defaults from the seed's KPIs).
import type { BudgetLimit, BudgetMap, PerfConfig } from '../config/schema.ts';
import { formatValue } from '../core/format.ts';
import { EXPECTED_GROWTH_WARN, GROWTH_METRIC } from '../results/growth.ts';
import type { Check, Metric, Status } from '../results/types.ts';

/** Budgets by where they were written. Keys of `scenarios` are `<suite>/<scenario>`. */
export interface BudgetScopes {
  global: BudgetMap;
  suites: Record<string, BudgetMap>;
  scenarios: Record<string, BudgetMap>;
}

/**
 * The budget scopes a config declares. A volume query's budgets apply to it at every step
 * (`volume/<query>@<step>`) and to its growth (`volume/<query>`); `expect:` adds a warn-only
 * `growth.exponent` budget (EXPECTED_GROWTH_WARN) unless the query sets one itself.
 */
export function budgetScopes(config: PerfConfig, cores?: number): BudgetScopes {
  const scopes: BudgetScopes = { global: config.budgets, suites: {}, scenarios: {} };
  if (config.load) {
    const cpu = CPU_METRIC in config.budgets || cores === undefined ? {} : defaultCpuBudget(cores);
    scopes.suites.load = { ...cpu, ...config.load.budgets };
    for (const s of config.load.scenarios) scopes.scenarios[`load/${s.name}`] = s.budgets;
  }
  if (config.video) scopes.suites.video = config.video.budgets;
  if (config.stress) {
    scopes.suites.stress = config.stress.budgets;
    for (const s of config.stress.scenarios) scopes.scenarios[`stress/${s.name}`] = s.budgets;
  }
  if (config.volume) {
    scopes.suites.volume = config.volume.budgets;
    for (const q of config.volume.queries) {
      const expected: BudgetMap =
        q.expect === undefined ? {} : { [GROWTH_METRIC]: { warn: EXPECTED_GROWTH_WARN[q.expect] } };
      scopes.scenarios[`volume/${q.name}`] = { ...expected, ...q.budgets };
      for (const step of config.volume.steps) {
        scopes.scenarios[`volume/${q.name}@${step}`] = q.budgets;
      }
    }
  }
  return scopes;
}

const CPU_METRIC = 'cpu.mean';

/**
 * The seed's "CPU < 80 % under normal load" as a default budget of the load suite (normal load;
 * the stress suite drives the service to saturation on purpose). The seed means the machine's CPU,
 * while the metric is percent of one core: 80 % of `cores` cores.
 */
export function defaultCpuBudget(cores: number): BudgetMap {
  return { [CPU_METRIC]: { fail: 80 * Math.max(1, cores) } };
}

/** The limit that applies to a metric, with the scope it came from; undefined when none does. */
export function limitFor(
  metric: Pick<Metric, 'suite' | 'scenario' | 'name'>,
  scopes: BudgetScopes,
): { limit: BudgetLimit; source: string } | undefined {
  const candidates: [BudgetMap | undefined, string][] = [
    [scopes.scenarios[`${metric.suite}/${metric.scenario}`], 'scenario'],
    [scopes.suites[metric.suite], 'suite'],
    [scopes.global, 'global'],
  ];
  for (const [map, source] of candidates) {
    const limit = map?.[metric.name];
    if (limit && (limit.warn !== undefined || limit.fail !== undefined)) return { limit, source };
  }
  return undefined;
}

/** One check per metric that has a budget. A limit is the most a lower-is-better metric may be. */
export function checkBudgets(metrics: Metric[], scopes: BudgetScopes): Check[] {
  const checks: Check[] = [];
  for (const metric of metrics) {
    const found = limitFor(metric, scopes);
    if (!found) continue;
    const { limit, source } = found;
    const status = budgetStatus(metric, limit);
    checks.push({
      kind: 'budget',
      metric: metric.key,
      status,
      value: metric.value,
      unit: metric.unit,
      ...(limit.warn !== undefined ? { warn: limit.warn } : {}),
      ...(limit.fail !== undefined ? { fail: limit.fail } : {}),
      source,
      message: budgetMessage(metric, limit, status),
    });
  }
  return checks;
}

function breaches(metric: Metric, limit: number | undefined): boolean {
  if (limit === undefined) return false;
  return metric.better === 'lower' ? metric.value > limit : metric.value < limit;
}

function budgetStatus(metric: Metric, limit: BudgetLimit): Status {
  if (breaches(metric, limit.fail)) return 'fail';
  if (breaches(metric, limit.warn)) return 'warn';
  return 'pass';
}

function budgetMessage(metric: Metric, limit: BudgetLimit, status: Status): string {
  const value = formatValue(metric.value, metric.unit);
  const bound = status === 'warn' ? limit.warn : (limit.fail ?? limit.warn);
  const relation =
    metric.better === 'lower' ? (status === 'pass' ? '<=' : '>') : status === 'pass' ? '>=' : '<';
  const label = status === 'warn' ? ' (warn level)' : '';
  return `${metric.name} ${value} ${relation} ${formatValue(bound ?? 0, metric.unit)}${label}`;
}
