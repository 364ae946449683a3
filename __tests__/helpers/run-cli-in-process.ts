// Runs the CLI's real main (src/cli/main.ts) in this process, its stdout and stderr captured:
// the same code path as the `perf-action` program without starting a Node process per call.
// Calls run one at a time (they share process.stdout, process.stderr and process.env).
import { createCliOutlet } from '../../src/cli/cli-outlet.ts';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/report/terminal.ts';
import type { CliRun } from './run-cli.ts';

/** A finished run and how long it took, in milliseconds. */
export interface TimedCliRun extends CliRun {
  elapsedMs: number;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `perf-action ...args` in-process, with `env` added to process.env for the call. */
export function runCliInProcess(
  args: string[],
  options: { env?: Record<string, string> } = {},
): Promise<TimedCliRun> {
  const run = queue.then(() => runOnce(args, options.env ?? {}));
  queue = run.catch(() => undefined);
  return run;
}

type Write = typeof process.stdout.write;

/** A write() that appends to `sink` and calls the callback as the real one would. */
function capture(sink: string[]): Write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as Write;
}

async function runOnce(args: string[], env: Record<string, string>): Promise<TimedCliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  const started = performance.now();
  try {
    // Not a terminal, whatever runs the tests: `--format auto` prints markdown, as in CI.
    const code = await main(args, createCliOutlet({ guard: false }), {
      isTerminal: false,
      style: PLAIN,
    });
    return {
      code,
      stdout: stdout.join(''),
      stderr: stderr.join(''),
      elapsedMs: performance.now() - started,
    };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
