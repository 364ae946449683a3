// Reads a process tree (a pid and all its descendants) from Linux /proc: CPU ticks and RSS per
// process. The tree is found anew at every reading, since children come and go.
import { execFileSync } from 'node:child_process';
import { access, readdir, readFile } from 'node:fs/promises';
import { describeError } from '../errors.ts';
import {
  computeTreeCpuPercent,
  findDescendants,
  type ProcessTicks,
  type ProcStat,
  parseChildren,
  parseProcStat,
  parseVmRssBytes,
} from './proc-parse.ts';
import { type Source, toMB } from './source.ts';
import type { ResourceSeries } from './types.ts';

const PROC = '/proc';
/** proc(5): the usual USER_HZ when getconf cannot say. */
const DEFAULT_TICKS_PER_SECOND = 100;

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc CPU times (`getconf CLK_TCK`, read once; 100 when unknown). */
export function getTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 });
      const value = Number(text.trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : DEFAULT_TICKS_PER_SECOND;
    } catch {
      ticksPerSecond = DEFAULT_TICKS_PER_SECOND;
    }
  }
  return ticksPerSecond;
}

/** How descendants are found: `children` files (CONFIG_PROC_CHILDREN) or a scan of every /proc/<pid>/stat. */
export type Discovery = 'children' | 'scan';

/** One process of the tree at one reading. */
export interface TreeProcess extends ProcessTicks {
  pid: number;
  rssBytes: number;
}

/** The whole tree at one reading. */
export interface TreeReading {
  /** performance.now() after the reading, in ms. */
  atMs: number;
  processes: TreeProcess[];
}

async function tryRead(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    // The process exited between listing and reading: skipped, as the tree changes all the time.
    return undefined;
  }
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  const text = await tryRead(`${PROC}/${pid}/stat`);
  return text === undefined ? undefined : parseProcStat(text);
}

async function listChildren(pid: number): Promise<number[]> {
  let tids: string[];
  try {
    tids = await readdir(`${PROC}/${pid}/task`);
  } catch {
    return [];
  }
  // A child is listed under the thread that forked it, so every thread is asked.
  const lists = await Promise.all(
    tids.map(async (tid) =>
      parseChildren((await tryRead(`${PROC}/${pid}/task/${tid}/children`)) ?? ''),
    ),
  );
  return lists.flat();
}

async function findByChildren(root: number): Promise<number[]> {
  const found: number[] = [];
  const seen = new Set<number>([root]);
  let level = [root];
  while (level.length > 0) {
    const next = (await Promise.all(level.map(listChildren)))
      .flat()
      .filter((pid) => !seen.has(pid));
    for (const pid of next) seen.add(pid);
    found.push(...next);
    level = next;
  }
  return found;
}

async function findByScan(root: number): Promise<number[]> {
  const names = await readdir(PROC);
  const stats = await Promise.all(
    names.filter((name) => /^\d+$/.test(name)).map((name) => readStat(Number(name))),
  );
  const parents = new Map<number, number>();
  for (const stat of stats) if (stat) parents.set(stat.pid, stat.ppid);
  return findDescendants(root, parents);
}

async function readProcess(pid: number): Promise<TreeProcess | undefined> {
  const [stat, status] = await Promise.all([readStat(pid), tryRead(`${PROC}/${pid}/status`)]);
  if (!stat || status === undefined) return undefined;
  return {
    pid,
    key: `${pid}:${stat.startTicks}`,
    ticks: stat.utimeTicks + stat.stimeTicks,
    rssBytes: parseVmRssBytes(status) ?? 0,
  };
}

/** Reads the tree under one root pid. */
export interface ProcessTreeReader {
  readonly discovery: Discovery;
  /** The tree now; undefined once the root process is gone (or its pid was reused). */
  read(): Promise<TreeReading | undefined>;
}

/**
 * A reader of the tree under `rootPid`.
 * @returns undefined when no such process exists now.
 */
export async function createProcessTreeReader(
  rootPid: number,
  discovery?: Discovery,
): Promise<ProcessTreeReader | undefined> {
  const root = await readStat(rootPid);
  if (!root) return undefined;
  const rootKey = `${rootPid}:${root.startTicks}`;
  const how: Discovery =
    discovery ??
    (await access(`${PROC}/${rootPid}/task/${rootPid}/children`).then(
      () => 'children' as const,
      () => 'scan' as const,
    ));
  return {
    discovery: how,
    async read() {
      const descendants = await (how === 'children'
        ? findByChildren(rootPid)
        : findByScan(rootPid));
      const processes = await Promise.all([rootPid, ...descendants].map(readProcess));
      const atMs = performance.now();
      if (processes[0]?.key !== rootKey) return undefined;
      return { atMs, processes: processes.filter((p): p is TreeProcess => p !== undefined) };
    },
  };
}

/**
 * The process tree of `pid` as a monitor source: CPU summed over the tree between readings, RSS
 * summed over the tree. The first reading only sets the CPU baseline (no sample).
 * @returns undefined, after one warning, when this is not Linux or no such process exists.
 */
export async function createProcessSource(
  pid: number,
  warn: (line: string) => void,
  discovery?: Discovery,
): Promise<Source | undefined> {
  const label = `process tree of pid ${pid}`;
  if (process.platform !== 'linux') {
    warn(
      `resource monitor: process metrics need Linux /proc (this is ${process.platform}); ${label} not watched`,
    );
    return undefined;
  }
  const reader =
    Number.isInteger(pid) && pid > 0 ? await createProcessTreeReader(pid, discovery) : undefined;
  if (!reader) {
    warn(`resource monitor: no process with pid ${pid}; process metrics skipped`);
    return undefined;
  }
  const ticksPerSecond = getTicksPerSecond();
  const series: ResourceSeries = { source: 'process', label, samples: [] };
  let previous: TreeReading | undefined;
  let isDone = false;
  return {
    series,
    async sample() {
      if (isDone) return;
      let reading: TreeReading | undefined;
      try {
        reading = await reader.read();
      } catch (error) {
        warn(
          `resource monitor: reading ${label} failed: ${describeError(error)}; process metrics stop`,
        );
        isDone = true;
        return;
      }
      if (!reading) {
        warn(`resource monitor: process ${pid} has exited; process metrics stop`);
        isDone = true;
        return;
      }
      if (previous) {
        const before = new Map(previous.processes.map((p) => [p.key, p.ticks]));
        const cpuPercent = computeTreeCpuPercent(
          before,
          reading.processes,
          ticksPerSecond,
          reading.atMs - previous.atMs,
        );
        const rss = reading.processes.reduce((sum, p) => sum + p.rssBytes, 0);
        series.samples.push({ atMs: reading.atMs, cpuPercent, memoryMB: toMB(rss) });
      }
      previous = reading;
    },
  };
}
