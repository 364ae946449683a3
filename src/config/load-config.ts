// Reads perf.yml from disk: the config module's one I/O edge (parsing itself is in parse-config.ts).
import { ConfigError } from '../errors.ts';
import { BoundedReadError, readBoundedFile } from '../read-bounded-file.ts';
import { FILE_LIMITS } from './bounds.ts';
import { type LoadedConfig, parseConfig } from './parse-config.ts';
import type { ComposedConfigSchema } from './schema.ts';

export {
  type ConfigWhere,
  interpolateEnv,
  type LoadedConfig,
  parseConfig,
  parseTargetUrl,
} from './parse-config.ts';

/**
 * Reads and parses a perf.yml (see parseConfig). A missing, unreadable or oversized file, or one
 * that is not a regular file (a FIFO would block the read), is a ConfigError, found before reading.
 */
export async function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
  schema: ComposedConfigSchema,
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readBoundedFile(file, { maxBytes: FILE_LIMITS.configBytes, noun: 'config file' });
  } catch (error) {
    if (!(error instanceof BoundedReadError)) throw error;
    throw new ConfigError(error.message, { location: file }, { cause: error });
  }
  return parseConfig(text, { file, env, schema });
}
