import { describe, expect, it } from 'vitest';
import {
  computeTreeCpuPercent,
  findDescendants,
  parseChildren,
  parseHostCpu,
  parseProcStat,
  parseVmRssBytes,
} from '../../../src/monitor/proc-parse.ts';

/** A /proc/<pid>/stat line as Linux writes it (52 fields), with the fields the monitor reads. */
function statLine(
  pid: number,
  comm: string,
  f: { state?: string; ppid: number; utime: number; stime: number; start: number },
): string {
  const after = [
    f.state ?? 'S', // 3 state
    f.ppid, // 4 ppid
    pid, // 5 pgrp
    pid, // 6 session
    0, // 7 tty_nr
    -1, // 8 tpgid
    4194560, // 9 flags
    1200, // 10 minflt
    0, // 11 cminflt
    3, // 12 majflt
    0, // 13 cmajflt
    f.utime, // 14 utime
    f.stime, // 15 stime
    7, // 16 cutime
    2, // 17 cstime
    20, // 18 priority
    0, // 19 nice
    11, // 20 num_threads
    0, // 21 itrealvalue
    f.start, // 22 starttime
    ...Array.from({ length: 30 }, (_, i) => i),
  ];
  return `${pid} (${comm}) ${after.join(' ')}\n`;
}

describe('parseProcStat', () => {
  it.each([
    { comm: 'node', why: 'plain' },
    { comm: 'my worker', why: 'a space' },
    { comm: 'a) S 99 (b', why: 'parentheses and a fake state inside' },
    { comm: ')', why: 'only a closing parenthesis' },
    { comm: '', why: 'empty' },
    { comm: 'tmux: server', why: 'a colon and a space' },
  ])('reads the fields after the last ")" when comm has $why', ({ comm }) => {
    const stat = parseProcStat(
      statLine(4321, comm, { ppid: 17, utime: 150, stime: 30, start: 98765 }),
    );
    expect(stat).toEqual({
      pid: 4321,
      comm,
      state: 'S',
      ppid: 17,
      utimeTicks: 150,
      stimeTicks: 30,
      startTicks: 98765,
    });
  });

  it('keeps the state letter of a zombie', () => {
    const stat = parseProcStat(
      statLine(9, 'sh', { state: 'Z', ppid: 1, utime: 0, stime: 0, start: 5 }),
    );
    expect(stat?.state).toBe('Z');
  });

  it.each([
    { text: '', why: 'empty text' },
    { text: '123 node S 1 2 3', why: 'no parentheses' },
    { text: '123 (node) S 1', why: 'too few fields' },
    { text: '123 (node) S x 1 1 0 -1 0 0 0 0 0 abc 0 0 0 0 0 1 0 5', why: 'letters for numbers' },
  ])('gives undefined for $why', ({ text }) => {
    expect(parseProcStat(text)).toBeUndefined();
  });
});

describe('parseVmRssBytes', () => {
  const status = (rss: string) =>
    `Name:\tnode\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 1200000 kB\nVmSize:\t 1100000 kB\n${rss}RssAnon:\t   40000 kB\nThreads:\t11\n`;

  it.each([
    { line: 'VmRSS:\t   51200 kB\n', bytes: 51200 * 1024 },
    { line: 'VmRSS:\t       0 kB\n', bytes: 0 },
    { line: 'VmRSS: 1 kB\n', bytes: 1024 },
  ])('reads $line', ({ line, bytes }) => {
    expect(parseVmRssBytes(status(line))).toBe(bytes);
  });

  it('gives undefined without a VmRSS line (kernel thread, zombie)', () => {
    expect(parseVmRssBytes(status(''))).toBeUndefined();
    expect(parseVmRssBytes('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeUndefined();
  });

  it('does not take RssAnon or VmHWM for VmRSS', () => {
    expect(parseVmRssBytes('VmHWM:\t 900 kB\nRssAnon:\t 800 kB\n')).toBeUndefined();
  });
});

describe('parseChildren', () => {
  it.each([
    { text: '', pids: [] },
    { text: '\n', pids: [] },
    { text: '8370 ', pids: [8370] },
    { text: '12 345 6789 \n', pids: [12, 345, 6789] },
  ])('reads "$text"', ({ text, pids }) => {
    expect(parseChildren(text)).toEqual(pids);
  });
});

describe('findDescendants', () => {
  // pid -> ppid: 1 is init; 10 is the root; 11, 12 children; 13 a grandchild; 20 unrelated.
  const parents = new Map([
    [1, 0],
    [10, 1],
    [11, 10],
    [12, 10],
    [13, 11],
    [20, 1],
    [21, 20],
  ]);

  it('finds children and grandchildren, not siblings or the root itself', () => {
    expect(findDescendants(10, parents).sort((a, b) => a - b)).toEqual([11, 12, 13]);
  });

  it('finds nothing for a leaf or an unknown pid', () => {
    expect(findDescendants(13, parents)).toEqual([]);
    expect(findDescendants(999, parents)).toEqual([]);
  });

  it('does not loop on a cycle', () => {
    const cyclic = new Map([
      [2, 3],
      [3, 2],
    ]);
    expect(findDescendants(2, cyclic)).toEqual([3]);
  });
});

describe('computeTreeCpuPercent', () => {
  const before = new Map([
    ['10:500', 1000],
    ['11:600', 200],
    ['12:700', 50],
  ]);

  it('adds the ticks gained by processes present in both readings', () => {
    // +50 and +30 ticks at 100 ticks/s over 0.5 s: 0.8 s of CPU in 0.5 s = 160 %.
    const now = [
      { key: '10:500', ticks: 1050 },
      { key: '11:600', ticks: 230 },
    ];
    expect(computeTreeCpuPercent(before, now, 100, 500)).toBeCloseTo(160, 9);
  });

  it('counts a new process from its next reading on, and drops one that exited', () => {
    // 12 exited; 13 is new with 400 ticks of which the time is unknown: only 10's +10 counts.
    const now = [
      { key: '10:500', ticks: 1010 },
      { key: '13:900', ticks: 400 },
    ];
    expect(computeTreeCpuPercent(before, now, 100, 1000)).toBeCloseTo(10, 9);
  });

  it('does not take a reused pid for the old process', () => {
    const now = [{ key: '11:999', ticks: 5000 }];
    expect(computeTreeCpuPercent(before, now, 100, 1000)).toBe(0);
  });

  it('uses the clock tick rate', () => {
    const now = [{ key: '10:500', ticks: 1250 }];
    expect(computeTreeCpuPercent(before, now, 250, 1000)).toBeCloseTo(100, 9);
  });

  it('gives 0 for no elapsed time instead of dividing by zero', () => {
    expect(computeTreeCpuPercent(before, [{ key: '10:500', ticks: 2000 }], 100, 0)).toBe(0);
  });
});

describe('parseHostCpu', () => {
  const stat = [
    'cpu  100 5 40 800 10 3 2 50 7 0',
    'cpu0 50 2 20 400 5 1 1 25 3 0',
    'cpu1 50 3 20 400 5 2 1 25 4 0',
    'intr 12345',
    'ctxt 999',
  ].join('\n');

  it('adds up busy (user nice system irq softirq), steal and the total (guest is inside user)', () => {
    expect(parseHostCpu(stat)).toEqual({
      busyTicks: 100 + 5 + 40 + 3 + 2,
      stealTicks: 50,
      totalTicks: 150 + 800 + 10 + 50,
      cpus: 2,
    });
  });

  it('counts missing trailing fields of an older kernel as 0', () => {
    expect(parseHostCpu('cpu 10 0 5 100\ncpu0 10 0 5 100\n')).toEqual({
      busyTicks: 15,
      stealTicks: 0,
      totalTicks: 115,
      cpus: 1,
    });
  });

  it('is undefined without a cpu line or with a broken one', () => {
    expect(parseHostCpu('intr 1\n')).toBeUndefined();
    expect(parseHostCpu('cpu x y z w\n')).toBeUndefined();
    expect(parseHostCpu('')).toBeUndefined();
  });
});
