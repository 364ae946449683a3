// What the benchmarks share: settings from the environment, running a measurement in a child
// process of its own (so its memory and CPU are its own), and the median of repeated rounds.
import { spawn } from 'node:child_process';

/** Runs a child to its end and returns its stdout; rejects on a non-zero exit with its stderr. */
export function runToEnd(command: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${what} exited with code ${code}: ${stderr.trim().slice(-500)}`));
    });
  });
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A number of seconds > 0 from the environment variable `name`, or `fallback` when unset. */
export function readSeconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0 && Number.isFinite(value))) {
    throw new Error(`${name} must be a number of seconds > 0, got '${raw}'`);
  }
  return value;
}
