// Runs one engine run in a process of its own, so that its memory is its own, and prints one line
// of JSON: the run's counts and the process's peak RSS. Started by runEngineInChild.
import { fileURLToPath } from 'node:url';
import { runClosed } from '../../src/engine/closed.ts';
import { runOpen } from '../../src/engine/open.ts';
import type { ClosedRunOptions, EngineRunResult, OpenRunOptions } from '../../src/engine/types.ts';
import { runProcess } from './run-process.ts';

type Counts = Omit<EngineRunResult, 'histogram'>;

export interface ChildRun {
  result: Counts;
  /** Peak resident set size of the child, in MiB. */
  peakRssMB: number;
}

export type ChildRequest =
  | { model: 'closed'; options: ClosedRunOptions }
  | { model: 'open'; options: OpenRunOptions };

/** Runs `request` in a fresh Node process (this file as its entry) and returns what it printed. */
export async function runEngineInChild(
  request: ChildRequest,
  timeoutMs = 120_000,
): Promise<ChildRun> {
  const run = await runProcess(
    process.execPath,
    [fileURLToPath(import.meta.url), JSON.stringify(request)],
    { timeoutMs },
  );
  if (run.code !== 0) {
    throw new Error(`engine child exited ${run.code}: ${run.stderr.slice(-1000)}`);
  }
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '') as ChildRun;
}

async function main(request: ChildRequest): Promise<void> {
  const result =
    request.model === 'closed' ? await runClosed(request.options) : await runOpen(request.options);
  const { histogram: _histogram, ...counts } = result;
  const run: ChildRun = { result: counts, peakRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(JSON.parse(process.argv[2] ?? '{}') as ChildRequest);
}
