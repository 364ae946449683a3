// Pure parsers of Linux /proc text (proc(5)), kept apart from the reads so they can be tested on
// plain strings.

/** The fields of /proc/<pid>/stat the monitor uses. */
export interface ProcStat {
  pid: number;
  /** The command name (field 2), without its parentheses; may contain spaces and parentheses. */
  comm: string;
  /** One letter: R, S, D, Z, … */
  state: string;
  ppid: number;
  /** User-mode CPU time, in clock ticks (field 14). */
  utimeTicks: number;
  /** Kernel-mode CPU time, in clock ticks (field 15). */
  stimeTicks: number;
  /** Start time after boot, in clock ticks (field 22): tells a reused pid from the old process. */
  startTicks: number;
}

/**
 * Parses the text of /proc/<pid>/stat. The command name may itself contain spaces and `)`, so the
 * fields after it are read from after the LAST `)`.
 * @returns undefined when the text does not have the expected shape.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // After the command: field 3 (state) onwards.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // Field n sits at rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  const state = rest[0] ?? '';
  const stat: ProcStat = {
    pid,
    comm,
    state,
    ppid: field(4),
    utimeTicks: field(14),
    stimeTicks: field(15),
    startTicks: field(22),
  };
  const numbers = [stat.pid, stat.ppid, stat.utimeTicks, stat.stimeTicks, stat.startTicks];
  if (state === '' || !numbers.every((n) => Number.isInteger(n) && n >= 0)) return undefined;
  return stat;
}

/**
 * Resident memory from the text of /proc/<pid>/status (`VmRSS:   1234 kB`), in bytes.
 * @returns undefined when there is no VmRSS line (kernel threads, zombies).
 */
export function parseVmRssBytes(text: string): number | undefined {
  const match = /^VmRSS:\s*(\d+)\s*kB\s*$/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The pids listed in /proc/<pid>/task/<tid>/children (space separated, may be empty). */
export function parseChildren(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}

/**
 * Every descendant of `root` (not `root` itself) given each process's parent, e.g. from a scan of
 * /proc/<pid>/stat. Order: breadth first.
 */
export function findDescendants(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    if (pid === ppid) continue;
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const found: number[] = [];
  const seen = new Set<number>([root]);
  const queue = [root];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** CPU ticks of one process at one reading, keyed so a reused pid is not taken for the old process. */
export interface ProcessTicks {
  /** `<pid>:<startTicks>` */
  key: string;
  ticks: number;
}

/**
 * CPU of a process tree between two readings, in percent of one core: the ticks gained by the
 * processes present in both readings. A process first seen in `now` counts from its next reading
 * on (its earlier ticks cannot be placed in time); one gone by `now` drops out.
 */
export function computeTreeCpuPercent(
  before: ReadonlyMap<string, number>,
  now: readonly ProcessTicks[],
  ticksPerSecond: number,
  elapsedMs: number,
): number {
  if (!(elapsedMs > 0) || !(ticksPerSecond > 0)) return 0;
  let gained = 0;
  for (const { key, ticks } of now) {
    const previous = before.get(key);
    if (previous !== undefined && ticks >= previous) gained += ticks - previous;
  }
  return (gained / ticksPerSecond / (elapsedMs / 1000)) * 100;
}

/** The machine-wide CPU counters of /proc/stat's first line, in clock ticks summed over all CPUs. */
export interface HostCpuTimes {
  /** user + nice + system + irq + softirq: time some CPU ran something. */
  busyTicks: number;
  /** Time a virtual CPU waited while the hypervisor ran another machine. */
  stealTicks: number;
  /** Every field but guest time (already inside user): busy, idle, iowait and steal. */
  totalTicks: number;
  /** The `cpuN` lines: CPUs the counters add up (all of the machine's, whatever this process may use). */
  cpus: number;
}

/**
 * Parses the `cpu` line of /proc/stat (proc(5): user nice system idle iowait irq softirq steal
 * guest guest_nice; older kernels stop earlier, missing fields count 0).
 * @returns undefined when the text has no such line.
 */
export function parseHostCpu(text: string): HostCpuTimes | undefined {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 4 || f.slice(0, 4).some((v) => !Number.isFinite(v))) return undefined;
  const at = (i: number): number => (Number.isFinite(f[i]) ? (f[i] as number) : 0);
  const busyTicks = at(0) + at(1) + at(2) + at(5) + at(6);
  const stealTicks = at(7);
  const cpus = text.split('\n').filter((l) => /^cpu\d+\s/.test(l)).length;
  return {
    busyTicks,
    stealTicks,
    totalTicks: busyTicks + at(3) + at(4) + stealTicks,
    cpus: Math.max(cpus, 1),
  };
}
