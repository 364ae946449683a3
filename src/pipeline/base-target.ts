// The base service of a same-job comparison, resolved from perf.yml's `base:` and the entry
// point's overrides. A base is measured only when it has an address: `base.url` or `--base-url`
// (the action's `base-url`); a workflow can keep `base:` in perf.yml and pass the address only on
// pull requests.
import { parseTargetUrl } from '../config/load-config.ts';
import type { BaseConfig, CoreConfig, TargetConfig } from '../config/schema.ts';
import { ALL_SUITES } from '../config/schema.ts';
import { ConfigError, UsageError } from '../errors.ts';

/** The base to measure: where it is and how it runs, and how its pairs run. */
export interface ResolvedBase {
  target: TargetConfig;
  mode: BaseConfig['mode'];
  pairs: BaseConfig['pairs'];
  seed?: number;
}

/**
 * The base, or undefined when none has an address. Unset keys take the target's where they
 * describe how to reach and wait for a service (`health`, `wait`, `docker-socket`); `start`, `pid`
 * and `container` name one particular service, so the target's are never taken: the base would
 * start the PR's code a second time, or the monitor would watch the PR's process as the base.
 */
export function resolveBase(
  config: Pick<CoreConfig, 'target' | 'base'>,
  overrides: { baseUrl?: string; baseStart?: string },
): ResolvedBase | undefined {
  const written = config.base;
  const url =
    overrides.baseUrl !== undefined
      ? parseTargetUrl(overrides.baseUrl, { key: '--base-url' })
      : written?.target.url;
  if (url === undefined) {
    if (overrides.baseStart !== undefined) {
      throw new UsageError("--base-start needs the base service's address: --base-url or base.url");
    }
    return undefined;
  }
  if (sameAddress(url, config.target.url)) {
    throw new ConfigError(
      `base.url ${url} is the target's address: the base must be a second service, on another port or host`,
    );
  }
  const { target } = config;
  const own = written?.target ?? {};
  const start = overrides.baseStart ?? own.start;
  const base: TargetConfig = {
    url,
    waitMs: own.waitMs ?? target.waitMs,
    ...optional('health', own.health ?? target.health),
    ...optional('dockerSocket', own.dockerSocket ?? target.dockerSocket),
    ...optional('start', start),
    ...optional('pid', start === undefined ? own.pid : undefined),
    ...optional('container', own.container),
  };
  return {
    target: base,
    mode: written?.mode ?? 'interleaved',
    pairs: written?.pairs ?? {},
    ...(written?.seed !== undefined ? { seed: written.seed } : {}),
  };
}

/** Pairs of a suite: `base.pairs` by name, else its `all`, else the suite's default, else 1. */
export function pairsOf(
  base: Pick<ResolvedBase, 'pairs'>,
  suite: { name: string; defaultPairs?: number },
): number {
  return base.pairs[suite.name] ?? base.pairs[ALL_SUITES] ?? suite.defaultPairs ?? 1;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function sameAddress(a: string, b: string): boolean {
  const x = URL.parse(a);
  const y = URL.parse(b);
  return x !== null && y !== null && x.host === y.host && x.protocol === y.protocol;
}
