// `perf-action validate`: the config checked exactly as a run checks it before it starts (the file,
// `${env:…}`, the schema and its bounds, --target, --suite), with nothing started or contacted.
import { parseTargetUrl } from '../config/load-config.ts';
import { resolveBase } from '../pipeline/base-target.ts';
import { builtInRegistry, configOf, loadPerfConfig, selectSuites } from '../suites/registry.ts';
import type { ValidateCommand } from './args.ts';

/** The target as the line shows it: scheme, host, port and path (a query may hold a secret). */
function showTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/**
 * Checks the config `command.config` with the environment `env` and returns the one line that
 * says it is valid and what it configures. Throws ConfigError or UsageError (exit 2) otherwise.
 */
export async function validateConfig(
  command: ValidateCommand,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const { config } = await loadPerfConfig(command.config, env);
  const url =
    command.target !== undefined
      ? parseTargetUrl(command.target, { key: '--target' })
      : config.target.url;
  const suites = selectSuites(builtInRegistry, config, command.suites);
  const started = config.target.start !== undefined ? ' (started by perf-action)' : '';
  const described = suites.map(
    (suite) => `${suite.name} (${suite.describe(configOf(suite, config))})`,
  );
  // Checked as a run checks it: an address equal to the target's is refused here too.
  const base = resolveBase({ ...config, target: { ...config.target, url } }, {});
  const beside = base
    ? `, beside the base ${showTarget(base.target.url)} (${base.mode} pairs)`
    : '';
  return `${command.config} is valid: ${described.join(', ')} against ${showTarget(url)}${started}${beside}`;
}
