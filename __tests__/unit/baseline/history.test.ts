import { describe, expect, it } from 'vitest';
import {
  appendRecord,
  emptyHistory,
  historyId,
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
  it('reads back what serializeHistory wrote', () => {
    const history = historyOf(
      record('2026-01-01T00:00:00.000Z', '1'),
      record('2026-01-02T00:00:00.000Z'),
    );
    const { history: parsed, warnings } = parseHistory(serializeHistory(history), 'default');
    expect(warnings).toEqual([]);
    expect(parsed).toEqual(history);
  });

  it.each([
    ['not JSON', '{"schemaVersion": 1, "name": ', /not valid JSON/],
    ['empty', '', /not valid JSON/],
    ['an array', '[]', /not a baseline history/],
    ['records missing', '{"schemaVersion":1,"name":"default"}', /records/],
    ['null', 'null', /not a baseline history/],
  ])('turns a corrupt file (%s) into an empty history and a warning', (_, text, warning) => {
    const { history, warnings } = parseHistory(text, 'default');
    expect(history).toEqual(emptyHistory('default'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(warning);
    expect(warnings[0]).toContain("'default'");
  });

  it('skips records of another schemaVersion or shape, naming their savedAt, and keeps the rest', () => {
    const good = record('2026-01-03T00:00:00.000Z');
    const newerRecord = { ...record('2026-01-01T00:00:00.000Z'), schemaVersion: 2 };
    const newerResult = record('2026-01-02T00:00:00.000Z');
    const raw = JSON.parse(JSON.stringify(newerResult)) as { result: { schemaVersion: number } };
    raw.result.schemaVersion = 2;
    const broken = JSON.parse(JSON.stringify(record('2026-01-04T00:00:00.000Z'))) as {
      result: { metrics: Array<{ unit: string }> };
    };
    (broken.result.metrics[0] as { unit: string }).unit = 'furlongs';
    const text = JSON.stringify({
      schemaVersion: 1,
      name: 'default',
      records: [newerRecord, raw, good, broken, 'junk'],
    });
    const { history, warnings } = parseHistory(text, 'default');
    expect(history.records).toEqual([good]);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/saved 2026-01-01T00:00:00.000Z: record schemaVersion 2/);
    expect(warnings[1]).toMatch(/saved 2026-01-02T00:00:00.000Z: results schemaVersion 2/);
    expect(warnings[2]).toMatch(/saved 2026-01-04T00:00:00.000Z: results of the wrong shape.*unit/);
    expect(warnings[3]).toMatch(/saved \(unknown time\): not a baseline record/);
  });

  it('skips a whole history of another schemaVersion, naming every savedAt', () => {
    const text = JSON.stringify({
      schemaVersion: 7,
      name: 'default',
      records: [{ savedAt: 'A' }, { savedAt: 'B' }],
    });
    const { history, warnings } = parseHistory(text, 'default');
    expect(history.records).toEqual([]);
    expect(warnings).toEqual([
      "baseline history 'default' has schemaVersion 7 (this version reads 1): skipped 2 record(s) saved A, B",
    ]);
  });

  it('ignores a file that holds another history', () => {
    const text = serializeHistory({
      ...historyOf(record('2026-01-01T00:00:00.000Z')),
      name: 'other',
    });
    const { history, warnings } = parseHistory(text, 'default');
    expect(history).toEqual(emptyHistory('default'));
    expect(warnings[0]).toMatch(/holds history 'other'/);
  });

  it('reads a metric value written as null (NaN in JSON) back as NaN', () => {
    const withNaN = record('2026-01-01T00:00:00.000Z');
    (withNaN.result.metrics[0] as { value: number }).value = Number.NaN;
    const { history, warnings } = parseHistory(serializeHistory(historyOf(withNaN)), 'default');
    expect(warnings).toEqual([]);
    expect(history.records[0]?.result.metrics[0]?.value).toBeNaN();
  });

  it('keeps unknown fields of a record (written by a newer minor version)', () => {
    const raw = JSON.parse(JSON.stringify(record('2026-01-01T00:00:00.000Z'))) as {
      result: Record<string, unknown>;
    };
    raw.result.extra = { note: 'kept' };
    const text = JSON.stringify({ schemaVersion: 1, name: 'default', records: [raw] });
    const { history } = parseHistory(text, 'default');
    const kept = history.records[0]?.result as unknown as Record<string, unknown> | undefined;
    expect(kept?.extra).toEqual({ note: 'kept' });
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
