import { describe, expect, it } from 'vitest';
import {
  appendRecord,
  checkHistorySize,
  emptyHistory,
  historyId,
  MAX_HISTORY_BYTES,
  makeRecord,
  parseHistory,
  serializeHistory,
} from '../../../src/baseline/history.ts';
import type { BaselineHistory, BaselineRecord } from '../../../src/baseline/types.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

function record(savedAt: string, runId?: string): BaselineRecord {
  return makeRecord(sampleResult(), { savedAt, ...(runId ? { runId } : {}) });
}

function historyOf(...records: BaselineRecord[]): BaselineHistory {
  return { schemaVersion: 1, name: 'default', records };
}

describe('parseHistory', () => {
  it('reads back what serializeHistory wrote, and writes it back byte for byte', () => {
    const history = historyOf(
      record('2026-01-01T00:00:00.000Z', '1'),
      record('2026-01-02T00:00:00.000Z'),
    );
    const text = serializeHistory(history);
    const { history: parsed, warnings, unreadable } = parseHistory(text, 'default');
    expect(warnings).toEqual([]);
    expect(unreadable).toBeUndefined();
    expect(parsed.records).toEqual(history.records);
    expect(parsed.stored?.map((entry) => entry.isUsable)).toEqual([true, true]);
    expect(serializeHistory(parsed)).toBe(text);
  });

  const six = serializeHistory(
    historyOf(...[1, 2, 3, 4, 5, 6].map((day) => record(`2026-01-0${day}T00:00:00.000Z`))),
  );
  it.each([
    ['not JSON', '{"schemaVersion": 1, "name": ', /is not valid JSON .*truncated or corrupt/],
    ['truncated', six.slice(0, Math.floor(six.length / 2)), /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['an array', '[]', /is not a baseline history/],
    ['records missing', '{"schemaVersion":1,"name":"default"}', /records/],
    ['null', 'null', /is not a baseline history/],
    [
      'of a newer schemaVersion',
      six.replace('"schemaVersion": 1', '"schemaVersion": 2'),
      /has schemaVersion 2 \(this version reads 1\): 6 record\(s\), the newest saved 2026-01-04T00:00:00.000Z, 2026-01-05T00:00:00.000Z, 2026-01-06T00:00:00.000Z/,
    ],
    ['of another name', six.replace('"name": "default"', '"name": "other"'), /history 'other'/],
  ])(
    'reports a file that cannot be read (%s) unreadable: empty, one warning, never saved over',
    (_, text, why) => {
      const { history, warnings, unreadable } = parseHistory(text, 'default');
      expect(history).toEqual(emptyHistory('default'));
      expect(unreadable).toMatch(why);
      expect(warnings).toEqual([
        `baseline history 'default' ${unreadable}; compared with no baseline, and kept as it is (never saved over)`,
      ]);
    },
  );

  it('does not read a file over the size bound', () => {
    expect(checkHistorySize('default', MAX_HISTORY_BYTES)).toBeUndefined();
    const over = checkHistorySize('default', MAX_HISTORY_BYTES + 1);
    expect(over?.unreadable).toBe('is 32.0 MB, over the 32.0 MB this version reads');
    expect(over?.history).toEqual(emptyHistory('default'));
    expect(parseHistory(' '.repeat(MAX_HISTORY_BYTES + 1), 'default').unreadable).toMatch(
      /over the 32.0 MB/,
    );
  });

  it('skips records it cannot use with one warning (how many, which, why) and keeps them verbatim', () => {
    const good = record('2026-01-03T00:00:00.000Z');
    const newerRecord = { ...record('2026-01-01T00:00:00.000Z'), schemaVersion: 2 };
    const newerResult = JSON.parse(JSON.stringify(record('2026-01-02T00:00:00.000Z'))) as {
      result: { schemaVersion: number };
    };
    newerResult.result.schemaVersion = 2;
    const broken = JSON.parse(JSON.stringify(record('2026-01-04T00:00:00.000Z'))) as {
      result: { metrics: Array<{ unit: string }> };
    };
    (broken.result.metrics[0] as { unit: string }).unit = 'furlongs';
    const records = [newerRecord, newerResult, good, broken, 'junk'];
    const text = JSON.stringify({ schemaVersion: 1, name: 'default', records });
    const { history, warnings, unreadable } = parseHistory(text, 'default');
    expect(unreadable).toBeUndefined();
    expect(history.records).toEqual([good]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^baseline history 'default': skipped 4 of 5 record\(s\), not compared \(kept until they age out\): /,
    );
    expect(warnings[0]).toContain(
      'record 1 saved 2026-01-01T00:00:00.000Z: record schemaVersion 2',
    );
    expect(warnings[0]).toContain(
      'record 2 saved 2026-01-02T00:00:00.000Z: results schemaVersion 2',
    );
    expect(warnings[0]).toMatch(
      /record 4 saved 2026-01-04T00:00:00.000Z: results not usable .*unit/,
    );
    expect(warnings[0]).toMatch(/; and 1 more$/);
    // Written back as they were: a save drops nothing it could not read.
    expect(history.stored?.map((entry) => entry.isUsable)).toEqual([
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(JSON.parse(serializeHistory(history)).records).toEqual(
      JSON.parse(JSON.stringify(records)),
    );
  });

  it('keeps unknown fields of a record (written by a newer minor version) in what it writes back', () => {
    const raw = JSON.parse(JSON.stringify(record('2026-01-01T00:00:00.000Z'))) as {
      result: Record<string, unknown>;
    };
    raw.result.extra = { note: 'kept' };
    const text = JSON.stringify({ schemaVersion: 1, name: 'default', records: [raw] });
    const { history, warnings } = parseHistory(text, 'default');
    expect(warnings).toEqual([]);
    expect(history.records).toHaveLength(1);
    const next = appendRecord(history, record('2026-01-02T00:00:00.000Z'));
    expect(JSON.parse(serializeHistory(next)).records[0].result.extra).toEqual({ note: 'kept' });
  });

  it('reads only the newest maxRecords records of a long history, and says so', () => {
    const one = JSON.stringify(record('2026-01-01T00:00:00.000Z'));
    const text = `{"schemaVersion":1,"name":"default","records":[${Array(5006).fill(one).join(',')}]}`;
    const { history, warnings } = parseHistory(text, 'default', { maxRecords: 20 });
    expect(history.records).toHaveLength(20);
    expect(history.stored).toHaveLength(20);
    expect(warnings).toEqual([
      "baseline history 'default' holds 5006 records; read the newest 20 (baseline.history), and the older ones leave the history with the next save",
    ]);
  });
});

describe('appendRecord', () => {
  it('keeps the newest max records, oldest first, without changing its argument', () => {
    let history = emptyHistory('default');
    for (let day = 1; day <= 5; day++) {
      history = appendRecord(history, record(`2026-01-0${day}T00:00:00.000Z`), 3);
    }
    expect(history.records.map((kept) => kept.savedAt)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
    ]);
    const before = history.records.length;
    const next = appendRecord(history, record('2026-01-06T00:00:00.000Z'), 3);
    expect(history.records).toHaveLength(before);
    expect(next.records[2]?.savedAt).toBe('2026-01-06T00:00:00.000Z');
  });

  it('keeps 20 by default', () => {
    let history = emptyHistory('default');
    for (let index = 0; index < 25; index++) {
      history = appendRecord(
        history,
        record(`2026-01-01T00:00:${String(index).padStart(2, '0')}.000Z`),
      );
    }
    expect(history.records).toHaveLength(20);
    expect(history.records[0]?.savedAt).toBe('2026-01-01T00:00:05.000Z');
  });

  it('replaces the record of the same workflow run (a re-run attempt)', () => {
    const first = appendRecord(emptyHistory('default'), record('2026-01-01T00:00:00.000Z', '77'));
    const both = appendRecord(first, record('2026-01-02T00:00:00.000Z', '78'));
    const rerun = appendRecord(both, record('2026-01-03T00:00:00.000Z', '77'));
    expect(rerun.records.map((kept) => [kept.runId, kept.savedAt])).toEqual([
      ['78', '2026-01-02T00:00:00.000Z'],
      ['77', '2026-01-03T00:00:00.000Z'],
    ]);
  });

  it('carries records it could not use until they age out of the window, in file order', () => {
    const junk = { schemaVersion: 9, savedAt: '2026-01-02T00:00:00.000Z', runId: '2' };
    const text = JSON.stringify({
      schemaVersion: 1,
      name: 'default',
      records: [record('2026-01-01T00:00:00.000Z', '1'), junk, record('2026-01-03T00:00:00.000Z')],
    });
    const { history } = parseHistory(text, 'default');
    const next = appendRecord(history, record('2026-01-04T00:00:00.000Z'), 3);
    expect(next.records.map((kept) => kept.savedAt)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
    ]);
    expect(
      JSON.parse(serializeHistory(next)).records.map((r: { savedAt: string }) => r.savedAt),
    ).toEqual(['2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '2026-01-04T00:00:00.000Z']);
    // A re-run attempt of the run of the unusable record replaces it too.
    const rerun = appendRecord(next, record('2026-01-05T00:00:00.000Z', '2'), 3);
    expect(rerun.stored?.map((entry) => (entry.json as { savedAt: string }).savedAt)).toEqual([
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z',
      '2026-01-05T00:00:00.000Z',
    ]);
    expect(rerun.records).toHaveLength(3);
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects a size of %s', (max) => {
    expect(() => appendRecord(emptyHistory('x'), record('t'), max)).toThrow(RangeError);
  });
});

describe('makeRecord', () => {
  it('drops per-round histograms, keeps merged histograms and samples, fills commit and ref', () => {
    const result = sampleResult();
    result.git = { sha: 'abc123', ref: 'refs/heads/main' };
    const [first] = result.scenarios;
    if (!first?.rounds[0]) throw new Error('the sample result has no rounds');
    first.rounds[0].histogram = 'HISTR-round';
    first.histogram = 'HISTR-merged';
    const made = makeRecord(result, { savedAt: '2026-01-01T00:00:00.000Z', runId: '9' });
    expect(made).toMatchObject({
      schemaVersion: 1,
      savedAt: '2026-01-01T00:00:00.000Z',
      commit: 'abc123',
      ref: 'refs/heads/main',
      runId: '9',
    });
    expect(made.result.scenarios.flatMap((s) => s.rounds.map((r) => r.histogram))).toEqual(
      Array(6).fill(''),
    );
    expect(made.result.scenarios[0]?.histogram).toBe('HISTR-merged');
    expect(made.result.metrics).toEqual(result.metrics);
    // The caller's result is not changed.
    expect(result.scenarios[0]?.rounds[0]?.histogram).toBe('HISTR-round');
  });

  it('keeps the metrics of a scenario that could not be judged out of the record', () => {
    const result = sampleResult();
    result.checks.push({
      kind: 'validity',
      metric: 'load/sessions-rate/requests',
      status: 'fail',
      value: 3,
      unit: 'count',
      source: 'run',
      message: 'requests: 3 answered over 1 measured round, fewer than the 20 needed',
    });
    const made = makeRecord(result, { savedAt: 't' });
    expect(made.result.metrics.map((m) => m.scenario)).not.toContain('sessions-rate');
    expect(made.result.metrics).toEqual(
      result.metrics.filter((m) => m.scenario === 'projects-list'),
    );
  });

  it('lets meta override the commit facts of the result', () => {
    const result = sampleResult();
    result.git = { sha: 'abc123' };
    const made = makeRecord(result, { savedAt: 't', commit: 'def456', ref: 'main' });
    expect([made.commit, made.ref, made.runId]).toEqual(['def456', 'main', undefined]);
    expect('runId' in made).toBe(false);
  });
});

describe('historyId', () => {
  it.each([
    ['default', 'default'],
    ['api_v2', 'api_v2'],
  ])('keeps a plain name (%s)', (name, id) => {
    expect(historyId(name)).toBe(id);
  });

  it.each(['My App', 'my-app', 'default-2', '../etc/passwd', 'a,b', '', '日本'])(
    'slugs %j to lowercase letters, digits and _ with a hash suffix',
    (name) => {
      expect(historyId(name)).toMatch(/^[a-z0-9_]+_[0-9a-f]{8}$/);
    },
  );

  it('keeps different names apart, also when their slugs are equal', () => {
    const names = ['My App', 'my app', 'my_app', 'my-app', 'default', 'default-2', 'default_2'];
    expect(new Set(names.map(historyId)).size).toBe(names.length);
  });

  it('never makes one id a prefix of another followed by "-" (cache restore keys)', () => {
    for (const name of ['default-2', 'default 2', 'default-x-y']) {
      expect(historyId(name)).not.toContain('-');
    }
  });
});
