import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendRecord,
  emptyHistory,
  MAX_HISTORY_BYTES,
  makeRecord,
  serializeHistory,
} from '../../../src/baseline/history.ts';
import { LocalDirStore } from '../../../src/baseline/local-store.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

let dir: string;
let warnings: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-baseline-local-'));
  warnings = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function history(name: string, ...days: number[]) {
  return days.reduce(
    (kept, day) =>
      appendRecord(kept, makeRecord(sampleResult(), { savedAt: `2026-01-0${day}T00:00:00.000Z` })),
    emptyHistory(name),
  );
}

describe('LocalDirStore', () => {
  it('answers undefined for a history that was never saved', async () => {
    const store = new LocalDirStore(join(dir, 'missing'), { onWarning: (m) => warnings.push(m) });
    expect(await store.load('default')).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('saves (creating the directory) and loads one file per history name', async () => {
    const store = new LocalDirStore(join(dir, 'nested', 'baselines'));
    await store.save(history('default', 1, 2));
    await store.save(history('My App', 3));
    expect((await store.load('default'))?.records.map((r) => r.savedAt)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
    ]);
    expect((await store.load('My App'))?.records).toHaveLength(1);
    const files = (await readdir(join(dir, 'nested', 'baselines'))).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('default.history.json');
    expect(files.find((file) => file !== 'default.history.json')).toMatch(
      /^my_app_[0-9a-f]{8}\.history\.json$/,
    );
  });

  it('replaces the file atomically and leaves no temporary file behind', async () => {
    const store = new LocalDirStore(dir);
    await store.save(history('default', 1));
    await store.save(history('default', 1, 2, 3));
    expect(await readdir(dir)).toEqual(['default.history.json']);
    expect((await store.load('default'))?.records).toHaveLength(3);
  });

  it('never exposes a half-written file to a concurrent reader', async () => {
    const store = new LocalDirStore(dir, { onWarning: (m) => warnings.push(m) });
    const big = history('default', 1, 2, 3, 4, 5, 6, 7, 8, 9);
    await store.save(history('default', 1));
    const reads: Promise<unknown>[] = [];
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round++) {
      writes.push(store.save(round % 2 === 0 ? big : history('default', 1)));
      reads.push(store.load('default'));
    }
    await Promise.all(writes);
    await Promise.all(reads);
    // A torn read would have been reported as a corrupt file.
    expect(warnings).toEqual([]);
    expect(await readdir(dir)).toEqual(['default.history.json']);
  });

  it('turns a corrupt file into an empty history and a warning naming the file', async () => {
    const store = new LocalDirStore(dir, { onWarning: (m) => warnings.push(m) });
    const file = store.pathOf('default');
    await writeFile(file, '{"schemaVersion": 1, "records": [', 'utf8');
    expect(await store.load('default')).toEqual(emptyHistory('default'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not valid JSON');
    expect(warnings[0]).toContain(file);
  });

  const sixRuns = () => serializeHistory(history('default', 1, 2, 3, 4, 5, 6));
  it.each([
    [
      'of a newer schemaVersion',
      () => sixRuns().replace('"schemaVersion": 1', '"schemaVersion": 2'),
      /has schemaVersion 2/,
    ],
    [
      'of another name',
      () => sixRuns().replace('"name": "default"', '"name": "other"'),
      /history 'other'/,
    ],
    ['truncated', () => sixRuns().slice(0, 5000), /not valid JSON/],
  ])(
    'never overwrites a history file it cannot read (%s): the save is refused with the reason',
    async (_, text, why) => {
      const store = new LocalDirStore(dir, { onWarning: (m) => warnings.push(m) });
      const file = store.pathOf('default');
      const before = text();
      await writeFile(file, before, 'utf8');
      const loaded = await store.load('default');
      expect(loaded).toEqual(emptyHistory('default'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(why);
      expect(warnings[0]).toContain('kept as it is (never saved over)');
      const next = appendRecord(
        loaded ?? emptyHistory('default'),
        makeRecord(sampleResult(), { savedAt: '2026-02-01T00:00:00.000Z' }),
      );
      await expect(store.save(next)).rejects.toThrow(
        new RegExp(
          `^cannot write baseline history ${file}: refused, it .*move it away to start a new history$`,
        ),
      );
      // A store that never loaded it reads it before saving, and refuses too.
      await expect(new LocalDirStore(dir).save(next)).rejects.toThrow(/refused/);
      expect(await readFile(file, 'utf8')).toBe(before);
      expect(await readdir(dir)).toEqual(['default.history.json']);
    },
  );

  it('never reads nor overwrites a history file over the size bound: load throws, save is refused', async () => {
    const store = new LocalDirStore(dir, { onWarning: (m) => warnings.push(m) });
    const file = store.pathOf('default');
    const before = `${sixRuns()}${' '.repeat(MAX_HISTORY_BYTES)}`;
    await writeFile(file, before, 'utf8');
    await expect(store.load('default')).rejects.toThrow(/more than the 32 MB allowed/);
    const next = appendRecord(
      emptyHistory('default'),
      makeRecord(sampleResult(), { savedAt: '2026-02-01T00:00:00.000Z' }),
    );
    await expect(store.save(next)).rejects.toThrow(
      new RegExp(`^cannot write baseline history ${file}: refused, it could not be read`),
    );
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['default.history.json']);
  });

  it('writes back the records it could not use, with the new one', async () => {
    const store = new LocalDirStore(dir, { onWarning: (m) => warnings.push(m) });
    const file = store.pathOf('default');
    const stored = JSON.parse(serializeHistory(history('default', 1, 2)));
    stored.records[0].result.metrics[0].value = -1;
    await writeFile(file, JSON.stringify(stored), 'utf8');
    const loaded = await store.load('default');
    expect(loaded?.records).toHaveLength(1);
    await store.save(
      appendRecord(
        loaded ?? emptyHistory('default'),
        makeRecord(sampleResult(), { savedAt: '2026-01-03T00:00:00.000Z' }),
      ),
    );
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written.records).toHaveLength(3);
    expect(written.records[0]).toEqual(stored.records[0]);
  });

  it('writes a file a person can read (indented JSON)', async () => {
    const store = new LocalDirStore(dir);
    await store.save(history('default', 1));
    const text = await readFile(store.pathOf('default'), 'utf8');
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "name": "default"')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it.skipIf(process.getuid?.() === 0)(
    'throws one clear line when the directory is not writable',
    async () => {
      const locked = join(dir, 'locked');
      const store = new LocalDirStore(locked);
      await store.save(history('default', 1));
      await chmod(locked, 0o500);
      try {
        await expect(store.save(history('default', 1, 2))).rejects.toThrow(
          /^cannot write baseline history .*default\.history\.json: EACCES/,
        );
      } finally {
        await chmod(locked, 0o700);
      }
    },
  );

  it('throws when the path exists but is not a readable file', async () => {
    const store = new LocalDirStore(dir);
    await writeFile(join(dir, 'x'), '');
    const blocked = new LocalDirStore(join(dir, 'x'));
    await expect(blocked.load('default')).rejects.toThrow(/cannot read baseline history/);
    await expect(blocked.save(history('default', 1))).rejects.toThrow(
      /^cannot write baseline history .*: refused, it could not be read to check what it holds \(cannot read baseline history .*ENOTDIR/,
    );
    expect(await store.load('default')).toBeUndefined();
  });
});
