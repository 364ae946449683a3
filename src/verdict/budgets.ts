// Budget checks: absolute limits per metric, the most specific scope winning
// (scenario > suite > global, where global already holds the default KPIs).
import type { BudgetLimit, BudgetMap, CoreConfig } from '../config/schema.ts';
import { formatValue } from '../core/format.ts';
import type { Check, Metric, Status } from '../results/types.ts';
import { builtInRegistry, configOf } from '../suites/registry.ts';
import type { AnySuite } from '../suites/suite.ts';

/** Budgets by where they were written. Keys of `scenarios` are `<suite>/<scenario>`. */
export interface BudgetScopes {
  global: BudgetMap;
  suites: Record<string, BudgetMap>;
  scenarios: Record<string, BudgetMap>;
}

/** The budget scopes a config declares: global, then what each configured suite writes. */
export function budgetScopes(
  config: CoreConfig,
  cores?: number,
  suites: readonly AnySuite[] = builtInRegistry.suites,
): BudgetScopes {
  const scopes: BudgetScopes = { global: config.budgets, suites: {}, scenarios: {} };
  for (const suite of suites) {
    const section = configOf(suite, config);
    if (section === undefined) continue;
    const own = suite.budgets(section, {
      global: config.budgets,
      ...(cores !== undefined ? { cores } : {}),
    });
    scopes.suites[suite.name] = own.suite;
    Object.assign(scopes.scenarios, own.scenarios);
  }
  return scopes;
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
