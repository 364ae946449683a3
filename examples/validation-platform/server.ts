// Command-line entry of the sample service:
//   node examples/validation-platform/server.ts [--port N] [--host H] [--db PATH] [--slowdown 25%]
// Prints one line `listening on http://HOST:PORT` once ready; SIGTERM / SIGINT stop it cleanly.

import { parseArgs } from 'node:util';
import { type RunningServer, startServer } from './service.ts';
import { parseVideoEnv, type VideoSettings } from './videos.ts';

export { type RunningServer, type ServerOptions, startServer } from './service.ts';

/** Settings the command line and the environment (`DEMO_DELAY_MS`, ...) resolve to. */
export interface CliSettings {
  port: number;
  host: string;
  dbPath: string;
  /** From `DEMO_DELAY_MS`, in milliseconds. */
  delayMs: number;
  /** From `DEMO_CPU_MS`: CPU time burnt per request, in milliseconds. */
  cpuMs: number;
  /**
   * From `--slowdown` (else `SAMPLE_SLOWDOWN`), as a share: `25%` is 0.25, every request 25 %
   * slower (extra CPU work for a quarter of its handling time).
   */
  slowdown: number;
}

/** Largest `--slowdown`: ten times slower. */
const MAX_SLOWDOWN_PERCENT = 1000;

/**
 * Parses argv (without node and the script) and the environment. Throws an Error with a one-line
 * message on a bad flag or value.
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv): CliSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      slowdown: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    throw new Error(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if (port > 65_535) {
    throw new Error(`--port must be an integer between 0 and 65535, got '${values.port}'`);
  }
  if (values.host === '') throw new Error('--host must not be empty');
  if (values.db === '') throw new Error('--db must not be empty');
  const delayMs = parseMillis(env.DEMO_DELAY_MS, 'DEMO_DELAY_MS');
  const cpuMs = parseMillis(env.DEMO_CPU_MS, 'DEMO_CPU_MS');
  const slowdown =
    values.slowdown !== undefined
      ? parsePercent(values.slowdown, '--slowdown')
      : parsePercent(env.SAMPLE_SLOWDOWN ?? '', 'SAMPLE_SLOWDOWN');
  return {
    port,
    host: values.host ?? '127.0.0.1',
    dbPath: values.db ?? ':memory:',
    delayMs,
    cpuMs,
    slowdown,
  };
}

/** A percent (`25%`, or `25`) from 0 to {@link MAX_SLOWDOWN_PERCENT}, as a share; empty: 0. */
function parsePercent(raw: string, name: string): number {
  const text = raw.trim();
  if (text === '') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text);
  const percent = match ? Number(match[1]) : Number.NaN;
  if (!(percent >= 0 && percent <= MAX_SLOWDOWN_PERCENT)) {
    throw new Error(
      `${name} must be a percent from 0% to ${MAX_SLOWDOWN_PERCENT}%, like 25%, got '${raw}'`,
    );
  }
  return percent / 100;
}

/** An optional non-negative number of milliseconds from the environment (empty: 0). */
function parseMillis(raw: string | undefined, name: string): number {
  const text = raw?.trim() ?? '';
  const value = text === '' ? 0 : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number of milliseconds, got '${raw}'`);
  }
  return value;
}

function fail(message: string, exitCode: number): void {
  process.stderr.write(`validation-platform: ${message}\n`);
  process.exitCode = exitCode;
}

async function main(): Promise<void> {
  let settings: CliSettings;
  let video: VideoSettings;
  try {
    settings = parseCli(process.argv.slice(2), process.env);
    video = parseVideoEnv(process.env);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error), 2);
    return;
  }
  let server: RunningServer;
  try {
    server = await startServer({
      ...settings,
      videoWorkers: video.workers,
      videoMaxBytes: video.maxBytes,
      videoFrameStep: video.frameStep,
      videoHooks: video.hooks,
    });
  } catch (error) {
    fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`, 1);
    return;
  }
  const stop = (): void => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => fail(`error while stopping: ${String(error)}`, 1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`listening on ${server.url}\n`);
}

if (import.meta.main) {
  await main();
}
