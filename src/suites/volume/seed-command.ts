// Seeding with the team's own script (`volume.seed.command`), for services whose data is loaded
// straight into the database. Run once per step through the shell, in its own process group (so
// a timeout stops whatever it started), with the counts in its environment:
//   PERF_SEED_FROM   records there already, as the steps count them (0 at the first step,
//                    unless volume.count says the service holds some)
//   PERF_SEED_COUNT  records there must be when it exits
//   PERF_SEED_STEP   the step's number, from 1
//   PERF_TARGET_URL  the target's base URL
// Its output lines go to the progress log; the message of a failure never repeats the command
// line (it may hold interpolated secrets).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { describeError } from '../../errors.ts';
import { formatDuration, oneLine } from '../../target/http.ts';
import { SeedError, type SeedOutcome } from './seed-api.ts';

export interface CommandSeedOptions {
  /** A shell command line. */
  command: string;
  /** How long the run may take, in milliseconds; then its process group is stopped. */
  timeoutMs: number;
  from: number;
  to: number;
  /** The step's number, from 1. */
  step: number;
  targetUrl: string;
  /** Variables merged over ours (the run's environment). */
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** Working directory (default: ours). */
  cwd?: string;
}

const isWindows = process.platform === 'win32';
/** After SIGTERM on timeout, how long before SIGKILL, in milliseconds. */
const KILL_GRACE_MS = 2000;
/** Output lines kept to quote in a failure. */
const TAIL_LINES = 3;

/**
 * Runs the seed command for one step. Resolves when it exits 0.
 * @throws SeedError when it cannot start, exits otherwise, or outlives `timeoutMs`.
 */
export function runSeedCommand(options: CommandSeedOptions): Promise<SeedOutcome> {
  const counts = `PERF_SEED_FROM=${options.from} PERF_SEED_COUNT=${options.to}`;
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, {
      shell: true,
      detached: !isWindows,
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        PERF_SEED_FROM: String(options.from),
        PERF_SEED_COUNT: String(options.to),
        PERF_SEED_STEP: String(options.step),
        PERF_TARGET_URL: options.targetUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const tail: string[] = [];
    const onLine = (line: string) => {
      const text = oneLine(line);
      if (text === '') return;
      options.log(`seed.command: ${text}`);
      tail.push(text);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (isWindows) child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);

    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new SeedError(`seed.command could not be started: ${describeError(error)}`));
    });
    // 'close' (not 'exit'): the output is read to its end, so the quoted tail is complete.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      const last = tail.length > 0 ? `: ${tail.join(' | ')}` : '';
      if (timedOut) {
        reject(
          new SeedError(
            `seed.command did not finish within ${formatDuration(options.timeoutMs)} (${counts})${last}`,
          ),
        );
      } else if (code !== 0) {
        const how = code === null ? `was ended by ${signal}` : `exited with code ${code}`;
        reject(new SeedError(`seed.command ${how} (${counts})${last}`));
      } else {
        resolve({
          records: options.to - options.from,
          requests: 0,
          elapsedMs: performance.now() - startedAt,
        });
      }
    });
  });
}
