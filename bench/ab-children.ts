// The child processes of `npm run bench:ab` (bench/ab.ts): the bench services (bench/ab-service.ts)
// and the noise generator, each tracked so that they all end with the bench, also on Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd } from './helpers.ts';

const SERVICE = join(dirname(fileURLToPath(import.meta.url)), 'ab-service.ts');
const START_TIMEOUT_MS = 15_000;

const running = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills every child still running (synchronous: also safe in an `exit` handler). */
export function killChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Ends the children with the bench: on a normal exit, on an uncaught error, and on Ctrl-C or
 * SIGTERM (then exits 130 / 143 after saying so).
 */
export function installCleanup(onInterrupt: () => void = () => {}): void {
  process.once('exit', killChildren);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      killChildren();
      onInterrupt();
      process.exit(code);
    });
  }
}

/** Stops a child and waits for it to be gone. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** How many xorshift iterations take about `ms` here (see ab-service.ts --calibrate-ms). */
export async function calibrateIterations(ms: number): Promise<number> {
  const out = await runToEnd(
    process.execPath,
    [SERVICE, '--calibrate-ms', String(ms)],
    'ab-service calibration',
  );
  const iterations = (JSON.parse(out) as { iterations?: unknown }).iterations;
  if (typeof iterations !== 'number' || !(iterations > 0)) {
    throw new Error(`ab-service calibration printed no iteration count: ${out.trim()}`);
  }
  return iterations;
}

export interface BenchService {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a bench service on a free loopback port; resolves once it listens. */
export function startService(iterations: number, slower: number): Promise<BenchService> {
  const child = track(
    spawn(
      process.execPath,
      [SERVICE, '--iterations', String(iterations), '--slower', String(slower), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    ),
  );
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop(child);
      reject(new Error(`ab-service ${why}${stderr ? `: ${stderr.trim().slice(-500)}` : ''}`));
    };
    const timer = setTimeout(() => fail('did not listen in time'), START_TIMEOUT_MS);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line || !stdout.includes('\n')) return;
      clearTimeout(timer);
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port !== 'number' || port <= 0) return fail(`printed no port: ${line}`);
      resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, stop: () => stop(child) });
    });
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`));
  });
}

/**
 * A neighbour that spins one core on and off at random intervals of 0.5 to 3 s (as in
 * bench/verdict.ts), in a child process of its own. Stop it with the function answered.
 */
export function startNoise(): () => Promise<void> {
  const script = `
const pick = () => 500 + Math.random() * 2500;
const spin = () => { const end = Date.now() + pick(); while (Date.now() < end) {} setTimeout(spin, pick()); };
setTimeout(spin, pick() / 4);
process.on('disconnect', () => process.exit(0));`;
  // The IPC channel ends it with the bench even when the bench is killed without cleaning up.
  const child = track(
    spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
  );
  return () => stop(child);
}
