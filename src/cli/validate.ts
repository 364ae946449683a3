// `perf-action validate`: the config checked exactly as a run checks it before it starts (the file,
// `${env:…}`, the schema and its bounds, --target, --suite), with nothing started or contacted.
import { loadConfig, parseTargetUrl } from '../config/load-config.ts';
import type { PerfConfig } from '../config/schema.ts';
import { type SuiteName, selectSuites } from '../pipeline/run-perf.ts';
import type { ValidateCommand } from './args.ts';

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

function describeSuite(config: PerfConfig, suite: SuiteName): string {
  switch (suite) {
    case 'load':
      return `load (${plural(config.load?.scenarios.length ?? 0, 'scenario')})`;
    case 'stress':
      return `stress (${plural(config.stress?.scenarios.length ?? 0, 'scenario')})`;
    case 'volume': {
      const volume = config.volume;
      return `volume (${plural(volume?.queries.length ?? 0, 'query', 'queries')} at ${plural(volume?.steps.length ?? 0, 'step')})`;
    }
    case 'video':
      return `video (${plural(config.video?.levels.length ?? 0, 'level')})`;
  }
}

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
  const { config } = await loadConfig(command.config, env);
  if (command.target !== undefined) {
    config.target.url = parseTargetUrl(command.target, { key: '--target' });
  }
  const suites = selectSuites(config, command.suites);
  const started = config.target.start !== undefined ? ' (started by perf-action)' : '';
  return (
    `${command.config} is valid: ${suites.map((suite) => describeSuite(config, suite)).join(', ')} ` +
    `against ${showTarget(config.target.url)}${started}`
  );
}
