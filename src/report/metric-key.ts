// A metric key is `<suite>/<scenario>/<name>`; reports show its three parts in columns of their own,
// so that a long key never makes one wide cell. Pure.

/** The parts of a metric key. */
export interface MetricKeyParts {
  suite: string;
  /** May hold `@` (`projects-page@1000`, a volume step); '' for a key of two parts. */
  scenario: string;
  /** e.g. `latency.p95`. */
  name: string;
}

/**
 * Splits a key at its first and last `/`: suites and metric names never hold one, so whatever lies
 * between is the scenario.
 */
export function splitMetricKey(key: string): MetricKeyParts {
  const first = key.indexOf('/');
  const last = key.lastIndexOf('/');
  if (first === -1) return { suite: '', scenario: '', name: key };
  return {
    suite: key.slice(0, first),
    scenario: first === last ? '' : key.slice(first + 1, last),
    name: key.slice(last + 1),
  };
}

/** A metric's name as a column or the headline shows it: a latency by its statistic alone (`p95`). */
export function shortMetricName(name: string): string {
  return name.startsWith('latency.') ? name.slice('latency.'.length) : name;
}
