// Benchmark of the synthetic video generator (npm run bench:video): writes 10 s of video at
// 640x360 and 1280x720, 30 fps, three times each, each run in a child process of its own (a cold
// start, as in a real run, and a peak RSS of its own); prints per run the seconds, the realtime
// factor (video seconds / wall seconds), MB written and peak RSS, then the medians.
// Target: realtime factor >= 10 at 640x360 (median). Then one reference run of plain jpeg-js
// (one encode() per frame) at 640x360, to show what the tiled encoder buys.
// BENCH_SECONDS (default 10) changes the video length; BENCH_REFERENCE=0 skips the reference.
// Exits 0 whatever the figures (they are printed with PASS / FAIL); 1 only when something crashed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticVideo } from '../src/video/avi-writer.ts';
import { median, readSeconds, runToEnd } from './helpers.ts';

const REALTIME_TARGET = 10;
const ROUNDS = 3;
const FPS = 30;
const SIZES = [
  { width: 640, height: 360, isTarget: true },
  { width: 1280, height: 720, isTarget: false },
] as const;

interface RunReport {
  seconds: number;
  bytes: number;
  frames: number;
  maxRssKB: number;
}

/** Runs one generation in a child process and returns what it printed. */
async function runChild(args: string[]): Promise<RunReport> {
  const self = fileURLToPath(import.meta.url);
  const stdout = await runToEnd(process.execPath, [self, '--child', ...args], 'generation');
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as RunReport;
}

/** The child side: one generation, then its timing and its own peak RSS as JSON. */
async function runGeneration(args: string[]): Promise<void> {
  const [path, width, height, seconds, encoder] = args;
  const start = performance.now();
  const video = await writeSyntheticVideo(
    path ?? '',
    { width: Number(width), height: Number(height), fps: FPS, durationS: Number(seconds), seed: 1 },
    { encoder: encoder === 'whole' ? 'whole' : 'tiled' },
  );
  const report: RunReport = {
    seconds: (performance.now() - start) / 1000,
    bytes: video.bytes,
    frames: video.frames,
    maxRssKB: process.resourceUsage().maxRSS,
  };
  console.log(JSON.stringify(report));
}

function describeRun(label: string, videoSeconds: number, report: RunReport): string {
  const factor = videoSeconds / report.seconds;
  return `  ${label.padEnd(8)} ${report.seconds.toFixed(3).padStart(7)} s   ${factor.toFixed(1).padStart(6)}x realtime   ${(report.bytes / 1e6).toFixed(2).padStart(7)} MB   peak RSS ${(report.maxRssKB / 1024).toFixed(0).padStart(4)} MB`;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await runGeneration(process.argv.slice(3));
    return;
  }
  const videoSeconds = readSeconds('BENCH_SECONDS', 10);
  const dir = await mkdtemp(join(tmpdir(), 'perf-action-bench-video-'));
  console.log(
    `Synthetic MJPEG AVI, ${videoSeconds} s at ${FPS} fps, seed 1, quality 75, ${ROUNDS} runs per size, each in its own process; node ${process.version}`,
  );
  try {
    let verdictLine = '';
    for (const { width, height, isTarget } of SIZES) {
      console.log(`${width}x${height}`);
      const reports: RunReport[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const path = join(dir, `bench-${width}x${height}-${round}.avi`);
        const report = await runChild([path, String(width), String(height), String(videoSeconds)]);
        reports.push(report);
        console.log(describeRun(`run ${round}`, videoSeconds, report));
        await rm(path, { force: true });
      }
      const middle: RunReport = {
        seconds: median(reports.map((report) => report.seconds)),
        bytes: median(reports.map((report) => report.bytes)),
        frames: median(reports.map((report) => report.frames)),
        maxRssKB: median(reports.map((report) => report.maxRssKB)),
      };
      console.log(describeRun('median', videoSeconds, middle));
      if (isTarget) {
        const factor = videoSeconds / middle.seconds;
        const verdict = factor >= REALTIME_TARGET ? 'PASS' : 'FAIL';
        verdictLine = `  realtime factor at ${width}x${height} = ${factor.toFixed(1)}x (target >= ${REALTIME_TARGET}x): ${verdict}`;
        console.log(verdictLine);
      }
    }
    if (process.env.BENCH_REFERENCE !== '0') {
      console.log('Reference: plain jpeg-js, one encode() per frame, 640x360, 1 run');
      const path = join(dir, 'bench-reference.avi');
      const report = await runChild([path, '640', '360', String(videoSeconds), 'whole']);
      console.log(describeRun('whole', videoSeconds, report));
    }
    console.log(verdictLine.trim());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:video crashed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
