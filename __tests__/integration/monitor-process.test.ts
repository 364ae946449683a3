// The resource monitor's process path against real processes read from this machine's /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProcStat } from '../../src/monitor/proc-parse.ts';
import { createProcessTreeReader, getTicksPerSecond } from '../../src/monitor/proc-tree.ts';
import { startMonitor } from '../../src/monitor/start-monitor.ts';
import { summarizeResources } from '../../src/monitor/summarize.ts';
import type { ResourceMonitor } from '../../src/monitor/types.ts';

const cores = availableParallelism();
/** Every process the tests start stops by itself after this long, whatever happens to the test. */
const HARD_LIMIT_MS = 8000;

/**
 * The child: allocates and touches ~50 MB, starts a grandchild that busy-loops, says both pids on
 * one line, then busy-loops itself.
 */
const BUSY_TREE = `
const { spawn } = require('node:child_process');
const limit = Date.now() + ${HARD_LIMIT_MS};
const grandchild = spawn(process.execPath, ['-e', 'const end = Date.now() + ${HARD_LIMIT_MS}; while (Date.now() < end) {}'], { stdio: 'ignore' });
const hog = Buffer.alloc(50 * 1024 * 1024, 1);
process.stdout.write(JSON.stringify({ child: process.pid, grandchild: grandchild.pid }) + '\\n');
let sum = 0;
while (Date.now() < limit) sum += hog[sum % hog.length];
`;

/** The child: starts short-lived processes back to back for a while, then exits. */
const SHORT_LIVED_CHILDREN = `
const { spawn } = require('node:child_process');
const timer = setInterval(() => spawn('true', { stdio: 'ignore' }), 5);
setTimeout(() => clearInterval(timer), 1500);
process.stdout.write(JSON.stringify({ child: process.pid }) + '\\n');
`;

const started: ChildProcess[] = [];
const otherPids: number[] = [];
let monitor: ResourceMonitor | undefined;

/** Starts `node -e script` and waits for its first stdout line (a JSON object of pids). */
async function startChild(script: string): Promise<{ child: number; grandchild?: number }> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before it was ready`)));
  });
  const pids = JSON.parse(line) as { child: number; grandchild?: number };
  if (pids.grandchild) otherPids.push(pids.grandchild);
  return pids;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  await monitor?.stop();
  monitor = undefined;
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const pid of otherPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** Watches `pid` at 100 ms for `ms`, then sums up the whole run. */
async function watch(pid: number, ms: number, warnings: string[]) {
  const fromMs = performance.now();
  monitor = await startMonitor({ pid, intervalMs: 100, warn: (line) => warnings.push(line) });
  await sleep(ms);
  await monitor.stop();
  return summarizeResources(monitor.series(), monitor.generator(), fromMs, performance.now());
}

describe.skipIf(process.platform !== 'linux')('resource monitor, process tree (/proc)', () => {
  it('parses this process’s own /proc/self/stat and status', () => {
    const stat = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.ppid).toBe(process.ppid);
    expect((stat?.utimeTicks ?? 0) + (stat?.stimeTicks ?? 0)).toBeGreaterThan(0);
  });

  it('measures CPU and memory of a busy child and its grandchild', async () => {
    const { child } = await startChild(BUSY_TREE);
    const warnings: string[] = [];
    const summary = await watch(child, 1500, warnings);

    expect(warnings).toEqual([]);
    expect(monitor?.description).toBe(`process tree of pid ${child}, every 100 ms`);
    expect(monitor?.cores).toBe(cores);
    expect(monitor?.series()[0]?.source).toBe('process');
    expect(summary?.sampleCount).toBeGreaterThanOrEqual(5);
    expect(summary?.cpuMax).toBeGreaterThan(50);
    expect(summary?.cpuMean).toBeGreaterThan(30);
    expect(summary?.memoryMaxMB).toBeGreaterThan(40);
    expect(monitor?.generator().length).toBeGreaterThanOrEqual(5);
  });

  it('tells other work on the machine from the service: a busy neighbour outside the tree', async () => {
    // The watched service idles; a process that is not its descendant spins a core.
    const { child } = await startChild(
      `process.stdout.write(JSON.stringify({ child: process.pid }) + '\\n'); setTimeout(() => {}, ${HARD_LIMIT_MS});`,
    );
    const neighbour = spawn(
      process.execPath,
      ['-e', `const end = Date.now() + ${HARD_LIMIT_MS}; while (Date.now() < end) {}`],
      { stdio: 'ignore' },
    );
    started.push(neighbour);
    await sleep(200);
    const summary = await watch(child, 2000, []);

    expect(summary?.cpuMean).toBeLessThan(20);
    // The neighbour's share of a core, at least, whatever else the machine runs (that is other
    // work too); never more than the machine has.
    expect(summary?.otherCpuMean).toBeGreaterThan(30);
    expect(summary?.otherCpuMean).toBeLessThanOrEqual(cores * 100 + 10);
  });

  it("counts the grandchild's CPU: the tree uses clearly more than the child alone", async () => {
    // Not an absolute bound (say > 120 % on 2 cores): on a shared machine other busy processes
    // take cores away. The grandchild's share shows whatever the load, and on 1 core too.
    const { child } = await startChild(BUSY_TREE);
    const childTicks = () => {
      const stat = parseProcStat(readFileSync(`/proc/${child}/stat`, 'utf8'));
      return (stat?.utimeTicks ?? 0) + (stat?.stimeTicks ?? 0);
    };
    const ticksBefore = childTicks();
    const startMs = performance.now();
    const summary = await watch(child, 1500, []);
    const elapsedS = (performance.now() - startMs) / 1000;
    const childAlonePercent = ((childTicks() - ticksBefore) / getTicksPerSecond() / elapsedS) * 100;
    // Two busy loops share the CPU fairly: about twice the child alone; without the grandchild, about once.
    expect(summary?.cpuMean).toBeGreaterThan(childAlonePercent * 1.4);
  });

  it.each(['children', 'scan'] as const)(
    'finds the grandchild through %s discovery',
    async (discovery) => {
      const { child, grandchild } = await startChild(BUSY_TREE);
      const reader = await createProcessTreeReader(child, discovery);
      expect(reader?.discovery).toBe(discovery);
      const reading = await reader?.read();
      const pids = reading?.processes.map((p) => p.pid);
      expect(pids?.[0]).toBe(child);
      expect(pids).toContain(grandchild);
      const childRss = reading?.processes.find((p) => p.pid === child)?.rssBytes ?? 0;
      expect(childRss / (1024 * 1024)).toBeGreaterThan(40);
    },
  );

  it('skips processes that exit between reads silently', async () => {
    const { child } = await startChild(SHORT_LIVED_CHILDREN);
    const warnings: string[] = [];
    monitor = await startMonitor({ pid: child, intervalMs: 20, warn: (l) => warnings.push(l) });
    await sleep(600);
    await monitor.stop();
    expect(warnings).toEqual([]);
    expect(monitor.series()[0]?.samples.length).toBeGreaterThanOrEqual(5);
  });

  it('warns once when the watched process exits, and keeps its samples', async () => {
    const { child } = await startChild(SHORT_LIVED_CHILDREN.replace('1500', '300'));
    const warnings: string[] = [];
    monitor = await startMonitor({ pid: child, intervalMs: 50, warn: (l) => warnings.push(l) });
    await sleep(1000);
    await monitor.stop();
    expect(warnings).toEqual([
      `resource monitor: process ${child} has exited; process metrics stop`,
    ]);
    expect(monitor.series()[0]?.samples.length).toBeGreaterThan(0);
  });

  it('never keeps the process alive: a script that never calls stop() still exits', async () => {
    const entry = new URL('../../src/monitor/start-monitor.ts', import.meta.url).href;
    const script = `const { startMonitor } = await import(${JSON.stringify(entry)});
      const monitor = await startMonitor({ pid: process.pid, intervalMs: 20, warn: console.error });
      console.log(monitor.description);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    started.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(-1), 10_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(0);
    expect(output).toContain(`process tree of pid ${child.pid}, every 20 ms`);
  });

  it('takes a reading on demand, so a window shorter than the interval has one', async () => {
    monitor = await startMonitor({ pid: process.pid, intervalMs: 10_000, warn: () => {} });
    const fromMs = performance.now();
    const end = fromMs + 150;
    while (performance.now() < end) {
      // Busy: this process is the one watched.
    }
    expect(summarizeResources(monitor.series(), monitor.generator(), fromMs, end)).toBeUndefined();
    await monitor.sampleNow();
    const summary = summarizeResources(
      monitor.series(),
      monitor.generator(),
      fromMs,
      performance.now(),
    );
    expect(summary?.sampleCount).toBe(1);
    expect(summary?.cpuMax ?? 0).toBeGreaterThan(30);
  });

  it('warns once for a pid that does not exist and goes on', async () => {
    const pid = 2 ** 22 + 1; // above the largest pid_max Linux allows
    const warnings: string[] = [];
    monitor = await startMonitor({ pid, intervalMs: 50, warn: (l) => warnings.push(l) });
    await sleep(120);
    await monitor.stop();
    expect(warnings).toEqual([
      `resource monitor: no process with pid ${pid}; process metrics skipped`,
    ]);
    expect(monitor.series()).toEqual([]);
    expect(monitor.generator().length).toBeGreaterThan(0);
  });
});
