// Reads perf.yml from disk: the config module's one I/O edge (parsing itself is in parse-config.ts).
// biome-ignore lint/style/noRestrictedImports: loadConfig is the single place the config touches the disk.
import { readFile } from 'node:fs/promises';
import { ConfigError, describeError } from '../errors.ts';
import { type LoadedConfig, parseConfig } from './parse-config.ts';

export {
  type ConfigWhere,
  interpolateEnv,
  type LoadedConfig,
  parseConfig,
  parseTargetUrl,
} from './parse-config.ts';

/** Reads and parses a perf.yml (see parseConfig). A missing or unreadable file is a ConfigError. */
export async function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'config file not found'
        : code === 'EISDIR'
          ? 'expected a config file, got a directory'
          : `cannot read the config file (${code ?? describeError(error)})`;
    throw new ConfigError(reason, { location: file }, { cause: error });
  }
  return parseConfig(text, { file, env });
}
