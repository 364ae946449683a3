// Runs the CLI as a real child process (the TypeScript entry, on this Node 24, which strips types).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}${entry}`, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
