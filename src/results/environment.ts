// Facts about the machine that generates the load, and a short calibration score, so that
// results from different runners are not compared blindly.
import { createHash } from 'node:crypto';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { Environment } from './types.ts';

/** Describes this machine; `calibrationMs` bounds the calibration's run time (0 skips it). */
export function describeEnvironment(calibrationMs = 200): Environment {
  const cpuList = cpus();
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryMB: Math.round(totalmem() / (1024 * 1024)),
    node: process.versions.node,
    ...(calibrationMs > 0 ? { calibration: calibrate(calibrationMs) } : {}),
  };
}

/**
 * SHA-256 rounds over a fixed 64 KiB buffer per millisecond, best of several short slices: a
 * single-core speed figure that moves with the runner's CPU, not with what else it is doing
 * in one unlucky slice.
 */
export function calibrate(budgetMs: number): number {
  const block = Buffer.alloc(64 * 1024, 7);
  const sliceMs = Math.max(10, budgetMs / 5);
  const deadline = performance.now() + budgetMs;
  let best = 0;
  while (performance.now() < deadline) {
    const start = performance.now();
    let rounds = 0;
    while (performance.now() - start < sliceMs) {
      createHash('sha256').update(block).digest();
      rounds++;
    }
    best = Math.max(best, rounds / (performance.now() - start));
  }
  return Math.round(best * 100) / 100;
}
