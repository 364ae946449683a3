// Garbage in a history is never compared: every record's metrics must be finite and within their
// unit's range, and the machine facts sane. A record that is not is skipped with one warning that
// says how many and why, and the verdict is the one the good records give.
import { describe, expect, it } from 'vitest';
import { makeRecord, parseHistory, serializeHistory } from '../../../src/baseline/history.ts';
import { DEFAULT_REGRESSION_POLICY } from '../../../src/config/regression-policy.ts';
import type { RunResult } from '../../../src/suites/registry.ts';
import { compareWithHistory } from '../../../src/verdict/compare.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

type Json = Record<string, unknown> & { result: RunResult };

function goodRecord(day: number): Json {
  return JSON.parse(
    JSON.stringify(
      makeRecord(sampleResult(), { savedAt: `2026-01-${String(day).padStart(2, '0')}T00:00:00Z` }),
    ),
  ) as Json;
}

const metricIndex = (record: Json, key: string) =>
  record.result.metrics.findIndex((metric) => metric.key === key);

/** Sets a metric's value (or one of its samples) in the JSON, as a text edit could. */
function setMetric(record: Json, key: string, value: unknown, sample?: number): void {
  const metric = record.result.metrics[metricIndex(record, key)] as unknown as Record<
    string,
    unknown
  >;
  if (sample === undefined) metric.value = value;
  else (metric.samples as unknown[])[sample] = value;
}

const P95 = 'load/projects-list/latency.p95';
const RPS = 'load/projects-list/throughput.rps';
const ERRORS = 'load/sessions-rate/errors.rate';

// Each case turns a good record into garbage; `why` must appear in the warning.
const GARBAGE: Array<[string, (record: Json) => void, RegExp]> = [
  [
    'a negative latency',
    (r) => setMetric(r, P95, -5),
    /latency\.p95 -5 is outside 0\.\.86400000 ms/,
  ],
  ['a latency of 1e300 ms', (r) => setMetric(r, P95, 1e300), /latency\.p95 1e\+300 is outside/],
  [
    'an error rate of -1',
    (r) => setMetric(r, ERRORS, -1),
    /errors\.rate -1 is outside 0\.\.1 ratio/,
  ],
  ['an error rate of 1.5', (r) => setMetric(r, ERRORS, 1.5), /errors\.rate 1\.5 is outside/],
  [
    '1e12 requests/s',
    (r) => setMetric(r, RPS, 1e12),
    /throughput\.rps 1000000000000 is outside 0\.\.100000000 rps/,
  ],
  [
    'NaN (null in JSON)',
    (r) => setMetric(r, P95, null),
    /value: Invalid input: expected number, received null/,
  ],
  ['a value that is text', (r) => setMetric(r, P95, '19.8'), /expected number, received string/],
  ['a negative sample', (r) => setMetric(r, P95, -1, 1), /sample -1 is outside/],
  ['a NaN sample', (r) => setMetric(r, P95, null, 2), /samples\.2: Invalid input/],
  [
    'an unknown unit',
    (r) => {
      (r.result.metrics[0] as unknown as { unit: string }).unit = 'furlongs';
    },
    /unit: Invalid option/,
  ],
  [
    '0 cores',
    (r) => {
      (r.result.environment as { cores: number }).cores = 0;
    },
    /environment\.cores/,
  ],
  [
    'a negative calibration',
    (r) => {
      (r.result.environment as { calibration: number }).calibration = -3;
    },
    /environment\.calibration/,
  ],
  [
    'negative request counts',
    (r) => {
      (r.result.scenarios[0]?.totals as { ok: number }).ok = -10;
    },
    /scenarios\.0\.totals\.ok/,
  ],
];

function historyText(records: unknown[]): string {
  return JSON.stringify({ schemaVersion: 1, name: 'default', records });
}

describe('a history record with garbage in it', () => {
  it.each(GARBAGE)('is skipped: %s', (_, spoil, why) => {
    const bad = goodRecord(2);
    spoil(bad);
    const { history, warnings } = parseHistory(
      historyText([goodRecord(1), bad, goodRecord(3)]),
      'default',
    );
    expect(history.records.map((r) => r.savedAt)).toEqual([
      '2026-01-01T00:00:00Z',
      '2026-01-03T00:00:00Z',
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/skipped 1 of 3 record\(s\).*record 2 saved 2026-01-02T00:00:00Z/);
    expect(warnings[0]).toMatch(why);
    expect(history.stored?.[1]).toEqual({ json: bad, isUsable: false });
  });

  it('is skipped when a value is Infinity (1e999 in the text)', () => {
    const text = historyText([goodRecord(1), goodRecord(2)]).replace(
      /"value":19\.871/,
      '"value":1e999',
    );
    const { history, warnings } = parseHistory(text, 'default');
    expect(history.records).toHaveLength(1);
    expect(warnings[0]).toMatch(/expected number, received Infinity/);
  });

  it('counts every skipped record in the one warning', () => {
    const records = [1, 2, 3, 4, 5, 6].map(goodRecord);
    for (const [index, [, spoil]] of GARBAGE.slice(0, 5).entries()) spoil(records[index] as Json);
    const { history, warnings } = parseHistory(historyText(records), 'default');
    expect(history.records).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/skipped 5 of 6 record\(s\)/);
    expect(warnings[0]).toMatch(/; and 2 more$/);
  });

  it('drives no verdict: a run like the good records passes, without fake regressions or improvements', () => {
    const config = {
      baseline: { name: 'default', history: 20 },
      regression: { ...DEFAULT_REGRESSION_POLICY, metrics: [...DEFAULT_REGRESSION_POLICY.metrics] },
      accept: [],
    };
    const records = [1, 2, 3, 4, 5, 6, 7, 8].map(goodRecord);
    // Garbage that, compared, would make the run look 10^300 times faster or infinitely slower.
    setMetric(records[1] as Json, P95, 1e300);
    setMetric(records[3] as Json, P95, -5);
    setMetric(records[5] as Json, RPS, 1e12);
    setMetric(records[6] as Json, ERRORS, -1);
    const { history } = parseHistory(historyText(records), 'default');
    expect(history.records).toHaveLength(4);
    const run = sampleResult();
    const { checks, summary } = compareWithHistory(
      run.metrics,
      run.scenarios,
      run.environment,
      history,
      config,
    );
    expect(summary.runs).toBe(4);
    expect(checks.filter((check) => check.status !== 'pass')).toEqual([]);
    expect(checks.filter((check) => check.kind === 'improvement')).toEqual([]);
  });

  it('is written back unchanged when the run is saved (it ages out with the window)', () => {
    const bad = goodRecord(2);
    setMetric(bad, P95, -5);
    const { history } = parseHistory(historyText([goodRecord(1), bad]), 'default');
    expect(JSON.parse(serializeHistory(history)).records[1]).toEqual(bad);
  });
});
