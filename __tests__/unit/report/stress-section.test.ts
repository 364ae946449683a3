// The report's Stress sections: phases with their statuses, the capacity / recovery / verdict
// lines, the CPU note only when the service was watched, and the folded per-kind and per-second
// tables; and the sections in the whole markdown report.
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.ts';
import { renderMarkdown } from '../../../src/report/markdown.ts';
import { capacityOf } from '../../../src/suites/stress/analysis.ts';
import { stressCharts, stressSections } from '../../../src/suites/stress/report.ts';
import type {
  LoadFigures,
  StressPhaseRow,
  StressRun,
  StressSecond,
} from '../../../src/suites/stress/results.ts';
import { stabilityChecks, stressMetrics } from '../../../src/suites/stress/run.ts';
import { requestTotals, sampleResult } from '../../helpers/sample-result.ts';

const ENVIRONMENT = { cores: 2 };

function figures(achievedRps: number, p95Ms: number, errorRate = 0): LoadFigures {
  return {
    requests: Math.round(achievedRps * 2),
    achievedRps,
    p50Ms: p95Ms / 2,
    p95Ms,
    p99Ms: p95Ms * 1.5,
    errorRate,
  };
}

function phase(
  kind: StressPhaseRow['kind'],
  level: number,
  status: StressPhaseRow['status'],
  f: LoadFigures,
  over: Partial<StressPhaseRow> = {},
): StressPhaseRow {
  return {
    ...f,
    kind,
    level,
    startMs: 0,
    durationMs: 2000,
    status,
    generatorCpuPercent: 15,
    totals: requestTotals(f.requests),
    byKind: {
      list: { ...f, achievedRps: f.achievedRps * 0.75 },
      create: { ...f, achievedRps: f.achievedRps * 0.25 },
    },
    ...over,
  };
}

function second(t: number, phaseIndex: number, f: LoadFigures): StressSecond {
  return { t, phase: phaseIndex, all: f, byKind: { list: f } };
}

const BROKE = 'p95 2.50 s >= 2.00 s';

/** Held 10 and 20 req/s, broke at 40, 80 stopped, cool-down at 10 that recovered after 1 s. */
function brokenRun(over: Partial<StressRun> = {}): StressRun {
  const phases = [
    phase('stage', 10, 'held', figures(10, 8)),
    phase('stage', 20, 'held', figures(19.5, 9)),
    phase('step', 40, 'broke', figures(31, 2500, 0.02), { reason: BROKE }),
    phase('step', 80, 'stopped', figures(30, 3000, 0.3)),
    phase('cooldown', 10, 'cooldown', figures(10, 40)),
  ];
  return {
    name: 'mix',
    model: 'open',
    mix: [
      { name: 'list', weight: 3, method: 'GET', path: '/api/projects' },
      { name: 'create', weight: 1, method: 'POST', path: '/api/projects' },
    ],
    limits: { errorRate: 0.05, p95Ms: 2000 },
    untilBreak: true,
    phases,
    capacity: capacityOf(phases),
    recovery: {
      prePeakP95Ms: 8,
      toleranceMs: 1.6,
      cooldownMs: 2000,
      isRecovered: true,
      seconds: 1,
    },
    seconds: [
      second(0, 0, figures(10, 8)),
      second(1, 0, figures(10, 8)),
      second(2, 1, figures(20, 9)),
      second(7, 4, figures(10, 300)),
      second(8, 4, figures(10, 9)),
    ],
    totals: requestTotals(phases.reduce((n, p) => n + p.requests, 0)),
    ...over,
  };
}

function sectionsOf(run: StressRun) {
  return stressSections(run, stabilityChecks(run), ENVIRONMENT);
}

describe('stressSections', () => {
  it('shows one row per phase with its level, figures and status', () => {
    const [phases] = sectionsOf(brokenRun());
    expect(phases?.heading).toBe('Stress: mix');
    expect(phases?.folded).toBeUndefined();
    expect(phases?.table?.header).toStrictEqual([
      'Phase',
      'Level (req/s)',
      'Seconds',
      'Achieved',
      'p95',
      'p99',
      'Errors',
      'CPU max',
      'Memory max',
      'Status',
    ]);
    expect(phases?.table?.rows).toStrictEqual([
      [
        'stage',
        '10',
        '2.0',
        '10.0 req/s',
        '8.000 ms',
        '12.00 ms',
        '0.00 %',
        '–',
        '–',
        { status: 'pass', label: 'held' },
      ],
      [
        'stage',
        '20',
        '2.0',
        '19.5 req/s',
        '9.000 ms',
        '13.50 ms',
        '0.00 %',
        '–',
        '–',
        { status: 'pass', label: 'held' },
      ],
      [
        'step',
        '40',
        '2.0',
        '31.0 req/s',
        '2.50 s',
        '3.75 s',
        '2.00 %',
        '–',
        '–',
        { status: 'fail', label: 'broke' },
      ],
      ['step', '80', '2.0', '30.0 req/s', '3.00 s', '4.50 s', '30.00 %', '–', '–', 'stopped'],
      ['cool-down', '10', '2.0', '10.0 req/s', '40.00 ms', '60.00 ms', '0.00 %', '–', '–', '–'],
    ]);
  });

  it('states capacity, recovery and a stable verdict when a step broke with until-break', () => {
    const note = sectionsOf(brokenRun())[0]?.note ?? '';
    expect(note).toContain(
      `Capacity: 20 req/s (19.5 req/s answered); broke at 40 req/s: ${BROKE}.`,
    );
    expect(note).toContain(
      'Recovery: 1.00 s after the peak, p95 was back within 9.600 ms (pre-peak 8.000 ms).',
    );
    expect(note).toContain('Stability (errors < 5.00 %, p95 < 2.00 s): stable.');
    expect(note).toContain('Mix (weights): list 3, create 1; open model (arrival rate).');
    expect(note).not.toContain('saturated');
  });

  it('says when the service did not recover, and calls the run unstable', () => {
    const run = brokenRun({
      recovery: { prePeakP95Ms: 8, toleranceMs: 1.6, cooldownMs: 2000, isRecovered: false },
    });
    const note = sectionsOf(run)[0]?.note ?? '';
    expect(note).toContain(
      'Recovery: did not recover within the 2.00 s cool-down (p95 stayed above 9.600 ms).',
    );
    expect(note).toContain('unstable.');
  });

  it('says when it broke at the first level', () => {
    const phases = [
      phase('stage', 50, 'broke', figures(20, 2500), { reason: BROKE }),
      phase('stage', 100, 'stopped', figures(20, 3000)),
      phase('cooldown', 50, 'cooldown', figures(20, 2200)),
    ];
    const run = brokenRun({ phases, capacity: capacityOf(phases), untilBreak: false });
    const note = sectionsOf(run)[0]?.note ?? '';
    expect(note).toContain(`Capacity: none: broke at the first level, 50 req/s: ${BROKE}.`);
    expect(note).toContain('unstable.');
  });

  it('says when every level held', () => {
    const phases = [
      phase('stage', 10, 'held', figures(10, 8)),
      phase('stage', 20, 'held', figures(20, 8)),
    ];
    const run = brokenRun({ phases, capacity: capacityOf(phases), recovery: undefined });
    const note = sectionsOf(run)[0]?.note ?? '';
    expect(note).toContain('Capacity: 20 req/s (20.0 req/s answered); every level tried held.');
    expect(note).not.toContain('Recovery');
    expect(note).toContain(': stable.');
  });

  it('warns about a saturated load generator', () => {
    const run = brokenRun({ untilBreak: false, generatorSaturated: true });
    const note = sectionsOf(run)[0]?.note ?? '';
    expect(note).toContain('The load generator was saturated at the break');
    expect(note).toContain('warning.');
  });

  it('notes the CPU unit only when the service was watched', () => {
    expect(sectionsOf(brokenRun())[0]?.note).not.toContain('percent of one core');
    const watched = brokenRun();
    for (const p of watched.phases) {
      p.cpuMax = 120;
      p.memoryMaxMB = 256;
    }
    watched.resources = { cpuMax: 120, cpuMean: 60, memoryMaxMB: 256 };
    const [phases] = sectionsOf(watched);
    expect(phases?.note).toContain(
      'CPU is percent of one core (this machine has 2, so 200 % is all of it).',
    );
    expect(phases?.table?.rows[0]?.slice(7, 9)).toStrictEqual(['120.0 %', '256.0 MB']);
  });

  it('folds the per-kind figures, one column per kind of the mix', () => {
    const [, byKind] = sectionsOf(brokenRun());
    expect(byKind?.heading).toBe('Stress: mix, per request kind');
    expect(byKind?.folded).toBe(true);
    expect(byKind?.table?.header).toStrictEqual(['Phase', 'Level', 'list', 'create']);
    expect(byKind?.table?.rows[0]).toStrictEqual([
      'stage',
      '10',
      '7.5 req/s / 8.000 ms / 0.00 %',
      '2.5 req/s / 8.000 ms / 0.00 %',
    ]);
  });

  it('shows a dash for a kind a phase never sent', () => {
    const run = brokenRun();
    const first = run.phases[0];
    if (first) first.byKind = { list: figures(10, 8) };
    expect(sectionsOf(run)[1]?.table?.rows[0]?.[3]).toBe('–');
  });

  it('folds the second-by-second series, each second with its phase level', () => {
    const [, , series] = sectionsOf(brokenRun());
    expect(series?.heading).toBe('Stress: mix, second by second');
    expect(series?.folded).toBe(true);
    expect(series?.table?.rows.map((r) => r.slice(0, 2))).toStrictEqual([
      ['0', '10'],
      ['1', '10'],
      ['2', '20'],
      ['7', '10'],
      ['8', '10'],
    ]);
    expect(series?.table?.rows[3]?.[4]).toBe('300.00 ms');
  });

  it('charts p95 per kind and the achieved rate second by second, the phases as bands', () => {
    const run = brokenRun({
      phases: brokenRun().phases.map((p, i) => ({ ...p, startMs: i * 2000 })),
    });
    const [phases, byKind, series] = sectionsOf(run);
    expect(byKind?.charts).toBeUndefined();
    expect(series?.charts).toBeUndefined();
    const [p95, rate, cpu] = phases?.charts ?? [];
    expect(cpu).toBeUndefined();
    expect(p95?.yLabel).toBe('p95 (ms)');
    expect(p95?.xLabel).toContain('(req/s)');
    // Each second at its middle; `create` sent in no second here: a series without points.
    expect(p95?.series).toStrictEqual([
      {
        name: 'list',
        points: [
          [0.5, 8],
          [1.5, 8],
          [2.5, 9],
          [7.5, 300],
          [8.5, 9],
        ],
      },
      { name: 'create', points: [] },
    ]);
    expect(rate?.series.map((s) => s.name)).toStrictEqual(['all kinds']);
    expect(rate?.series[0]?.points.map(([, y]) => y)).toStrictEqual([10, 10, 20, 10, 10]);
    const bands = [
      { from: 0, to: 2, label: '10' },
      { from: 2, to: 4, label: '20' },
      { from: 4, to: 6, label: '40' },
      { from: 6, to: 8, label: '80' },
      { from: 8, to: 10, label: '10 cool-down' },
    ];
    expect(p95?.bands).toStrictEqual(bands);
    expect(rate?.bands).toStrictEqual(bands);
  });

  it('leaves a kind out of the p95 chart in a second it sent nothing', () => {
    const run = brokenRun();
    const [first] = run.seconds;
    if (first) first.byKind = { list: { ...figures(0, 0), requests: 0 } };
    expect(stressCharts(run)[0]?.series[0]?.points[0]).toStrictEqual([1.5, 8]);
  });

  it('adds a service CPU chart when the seconds carry CPU', () => {
    const run = brokenRun();
    run.seconds.forEach((s, i) => {
      if (i !== 2) s.cpuPercent = 40 + i;
    });
    const cpu = stressCharts(run)[2];
    expect(cpu?.yLabel).toBe('CPU (% of one core)');
    expect(cpu?.series[0]?.points).toStrictEqual([
      [0.5, 40],
      [1.5, 41],
      [7.5, 43],
      [8.5, 44],
    ]);
    expect(cpu?.bands).toHaveLength(5);
  });

  it('speaks of connections in the closed model', () => {
    const [phases] = sectionsOf(brokenRun({ model: 'closed' }));
    expect(phases?.table?.header[1]).toBe('Level (connections)');
    expect(phases?.note).toContain('closed model (connections)');
    expect(phases?.note).toContain('Capacity: 20 connections');
  });
});

describe('renderMarkdown with a stress run', () => {
  it('contains the stress sections, phases open and the details folded', () => {
    const run = brokenRun();
    const result = sampleResult();
    result.stress = [run];
    result.metrics.push(...stressMetrics(run));
    result.checks.push(...stabilityChecks(run));
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Stress: mix');
    expect(markdown).toContain(
      `Capacity: 20 req/s (19.5 req/s answered); broke at 40 req/s: ${BROKE}.`,
    );
    expect(markdown).toMatch(/\| cool-down +\| +10 \|/);
    expect(markdown).toContain('<details><summary>Stress: mix, per request kind</summary>');
    expect(markdown).toContain('<details><summary>Stress: mix, second by second</summary>');
  });

  it('has no stress section without a stress run', () => {
    expect(renderMarkdown(sampleResult())).not.toContain('Stress:');
  });
});

describe('renderHtml with a stress run', () => {
  it('draws the charts in the stress section, after its note and before its table', () => {
    const run = brokenRun();
    const result = sampleResult();
    result.stress = [run];
    result.checks.push(...stabilityChecks(run));
    const html = renderHtml(result);
    const start = html.indexOf('<h2>Stress: mix</h2>');
    const section = html.slice(start, html.indexOf('<details>', start));
    expect(section.match(/<svg /g)).toHaveLength(2);
    expect(section.indexOf('<p>Capacity:')).toBeLessThan(section.indexOf('<svg '));
    expect(section.lastIndexOf('</svg>')).toBeLessThan(section.indexOf('<table>'));
    expect(section).toContain('<title>mix: p95 of each request kind, per second</title>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/NaN|Infinity/);
    // Markdown has tables, no charts.
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Stress: mix');
    expect(markdown).not.toContain('<svg');
  });

  it('draws no chart without a stress run', () => {
    expect(renderHtml(sampleResult())).not.toContain('<svg');
  });
});
