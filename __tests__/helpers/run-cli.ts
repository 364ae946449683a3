// Runs the CLI as a real child process (the TypeScript entry, on this Node 24, which strips types).
import { fileURLToPath } from 'node:url';
import { type ProcessRun, runProcess } from './run-process.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type CliRun = ProcessRun;

/** Runs `perf-action ...args`; `entry` picks the source entry or the bundled dist/cli.js. */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    entry?: 'src' | 'dist';
    timeoutMs?: number;
  } = {},
): Promise<CliRun> {
  const entry = options.entry === 'dist' ? 'dist/cli.js' : 'src/cli/index.ts';
  return runProcess(process.execPath, [`${ROOT}${entry}`, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    timeoutMs: options.timeoutMs ?? 90_000,
  });
}
