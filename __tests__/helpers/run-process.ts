// A child process run to its end, with what it printed: the CLI, npm and the installed command,
// podman, a script a test wrote.
import { spawn } from 'node:child_process';

export interface ProcessRun {
  /** The exit code; null when a signal ended it (SIGKILL after `timeoutMs`, say). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` with `args`, stdin closed, and resolves once it has exited and closed its output.
 * It is killed after `timeoutMs`, so that a hang fails the test with what it printed rather than
 * leaving a process behind. Rejects only when it cannot be started.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
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
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
