import { describe, expect, it } from 'vitest';
import { FallbackStore } from '../../../src/baseline/fallback-store.ts';
import { appendRecord, emptyHistory, makeRecord } from '../../../src/baseline/history.ts';
import type { BaselineHistory, BaselineStore } from '../../../src/baseline/types.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

/** A store in memory that records its calls, or one that always throws. */
function memoryStore(description: string, held?: BaselineHistory) {
  const saved: BaselineHistory[] = [];
  const store: BaselineStore & { saved: BaselineHistory[]; loads: number } = {
    description,
    saved,
    loads: 0,
    async load() {
      store.loads++;
      return held;
    },
    async save(history) {
      saved.push(history);
      return { saved: [description], failed: [] };
    },
  };
  return store;
}

function brokenStore(description: string): BaselineStore {
  return {
    description,
    load: () => Promise.reject(new Error('service unavailable')),
    save: () => Promise.reject('not even an Error'),
  };
}

const oneRun = appendRecord(
  emptyHistory('default'),
  makeRecord(sampleResult(), { savedAt: '2026-01-01T00:00:00.000Z' }),
);

describe('FallbackStore', () => {
  it('loads from the first store that has records and does not ask the others', async () => {
    const first = memoryStore('cache', oneRun);
    const second = memoryStore('artifacts', oneRun);
    expect(await new FallbackStore([first, second]).load('default')).toBe(oneRun);
    expect(second.loads).toBe(0);
  });

  it('goes on past a miss, an empty history and a store that throws, with one warning', async () => {
    const warnings: string[] = [];
    const last = memoryStore('artifacts', oneRun);
    const store = new FallbackStore(
      [
        memoryStore('miss'),
        memoryStore('empty', emptyHistory('default')),
        brokenStore('cache'),
        last,
      ],
      { onWarning: (m) => warnings.push(m) },
    );
    expect(await store.load('default')).toBe(oneRun);
    expect(warnings).toEqual([
      "baseline 'default': cache failed, service unavailable; trying the next store",
    ]);
  });

  it('answers undefined ("no baseline") when every store fails, and never throws', async () => {
    const warnings: string[] = [];
    const store = new FallbackStore([brokenStore('cache'), brokenStore('artifacts')], {
      onWarning: (m) => warnings.push(m),
    });
    await expect(store.load('default')).resolves.toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toBe(
      "baseline 'default': artifacts failed, service unavailable; no baseline",
    );
    // Nothing saved: the report says so, store by store, and no warning claims otherwise.
    await expect(store.save(oneRun)).resolves.toEqual({
      saved: [],
      failed: [
        { store: 'cache', reason: 'not even an Error' },
        { store: 'artifacts', reason: 'not even an Error' },
      ],
    });
    expect(warnings).toHaveLength(2);
  });

  it('saves to every store, also after one failed, and reports which saved', async () => {
    const warnings: string[] = [];
    const first = memoryStore('cache');
    const last = memoryStore('artifacts');
    const report = await new FallbackStore([first, brokenStore('broken'), last], {
      onWarning: (m) => warnings.push(m),
    }).save(oneRun);
    expect(first.saved).toEqual([oneRun]);
    expect(last.saved).toEqual([oneRun]);
    expect(report).toEqual({
      saved: ['cache', 'artifacts'],
      failed: [{ store: 'broken', reason: 'not even an Error' }],
    });
    expect(warnings).toEqual([]);
  });

  it('describes its stores in order', () => {
    expect(new FallbackStore([memoryStore('a'), memoryStore('b')]).description).toBe('a, then b');
  });
});
