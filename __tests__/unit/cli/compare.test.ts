import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareResults, readResults } from '../../../src/cli/compare.ts';
import { UsageError } from '../../../src/errors.ts';
import { comparison } from '../../helpers/compared-result.ts';
import { SATURATED } from '../../helpers/sample-checks.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-compare-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, data: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(data));
  return file;
}

describe('readResults', () => {
  it('reads a results.json through the results schema', async () => {
    const result = sampleResult();
    expect(await readResults(await fileWith('good.json', result))).toEqual(
      JSON.parse(JSON.stringify(result)),
    );
  });

  it('names the garbage in a file that looks like results.json', async () => {
    const result = sampleResult();
    (result.metrics[2] as { value: number }).value = -5;
    const file = await fileWith('garbage.json', result);
    const error = await readResults(file).catch((problem: unknown) => problem);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${file}: metrics.2.value: load/projects-list/latency.p95 -5 is outside 0..86400000 ms; not a perf-action results.json of schemaVersion 1`,
    );
  });

  it('says in one line that another kind of file is not one', async () => {
    const file = await fileWith('other.json', { hello: 1 });
    await expect(readResults(file)).rejects.toThrow(
      `${file} is not a perf-action results.json of schemaVersion 1`,
    );
  });
});

describe('compareResults', () => {
  it("keeps HEAD's own checks, older budget-filed ones as their kind, and compares afresh", async () => {
    const head = sampleResult();
    head.checks.push(
      comparison('load/projects-list/latency.p95', 'ms', 10, 19.871, 'fail'),
      SATURATED,
      // As results.json files before validity was a kind of its own wrote it.
      {
        kind: 'budget',
        metric: 'load/sessions-rate/cap',
        status: 'fail',
        value: 1,
        unit: 'count',
        source: 'run',
        message: 'cap: round 1 hit the 10 s wall-clock cap with 4 requests not sent',
      },
    );
    const compared = await compareResults(
      await fileWith('base.json', sampleResult()),
      await fileWith('head.json', head),
    );
    const own = compared.checks.filter((c) => c.kind !== 'regression');
    expect(own.map((c) => [c.kind, c.metric])).toEqual([
      ['budget', 'load/projects-list/latency.p95'],
      ['budget', 'load/sessions-rate/latency.p95'],
      ['budget', 'load/sessions-rate/errors.rate'],
      ['validity', 'load/projects-list/generator.cpu'],
      ['validity', 'load/sessions-rate/cap'],
    ]);
    // HEAD's old comparison is not kept: the same metrics, same values, compare unchanged now.
    expect(compared.checks.filter((c) => c.kind === 'regression' && c.status !== 'pass')).toEqual(
      [],
    );
  });
});
