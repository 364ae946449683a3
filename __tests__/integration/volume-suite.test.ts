// The volume suite end to end: the real sample service in its own process, seeded through its
// bulk API, its queries measured by the real engine, growth fitted; and what a failed seeding
// leaves behind (a small real HTTP server that starts refusing after a number of records).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/demo.ts';
import type { Check, Metric } from '../../src/results/types.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import type { RequestSeed } from '../../src/suites/volume/config.ts';
import { seedThroughApi } from '../../src/suites/volume/seed-api.ts';
import { runSeedCommand } from '../../src/suites/volume/seed-command.ts';
import { compileSeedRequest } from '../../src/suites/volume/seed-template.ts';
import { sendJson } from '../helpers/json-server.ts';
import { runConfig, runOnSampleService, SAMPLE_SERVICE_HEAD } from '../helpers/run-config.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-volume-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function metricOf(result: RunResult, key: string): Metric {
  const found = result.metrics.find((m) => m.key === key);
  if (!found) throw new Error(`no metric ${key}`);
  return found;
}

function checkOf(result: RunResult, key: string): Check | undefined {
  return result.checks.find((c) => c.metric === key);
}

describe('volume suite against the sample service', () => {
  // Steps: the smallest that keep the scan's exponent clearly above 0.5 on a busy 2-core machine:
  // at a few hundred rows the fixed cost of a request still hides the scan.
  const config = `${SAMPLE_SERVICE_HEAD}budgets:
  latency.p95: 2s
volume:
  steps: [500, 5000, 25000]
  count: { request: { path: "/api/projects?limit=1" }, value: total }
  defaults: { warmup: 300ms, rounds: 3 }
  seed:
    request:
      path: /api/projects/bulk
      json:
        name: "Volume {{i}}"
        description: "{{pick smoke soak}} run {{int 1 99}}"
        camera_model: "{{pick 'FLIR Blackfly S' 'Sony IMX390'}}"
        camera_view: Front-facing VRU
        signal_type: "{{pick GPIO CAN}}"
    batch: 500
    concurrency: 2
  queries:
    - name: page
      request: { path: "/api/projects?limit=50&offset=100" }
      connections: 2
      requests: 200
      expect: flat
    - name: search
      request: { path: "/api/projects?search=night&limit=20" }
      connections: 1
      requests: 20
      expect: flat
`;

  let result: RunResult;
  let lines: string[];

  beforeAll(async () => {
    lines = [];
    result = (await runOnSampleService({ dir, name: 'volume', yaml: config, lines })).result;
  }, 60_000);

  it('measures every query at every step and the seeding throughput', () => {
    for (const step of [500, 5000, 25000]) {
      for (const query of ['page', 'search']) {
        const p95 = metricOf(result, `volume/${query}@${step}/latency.p95`);
        expect(p95.samples).toHaveLength(3);
        expect(metricOf(result, `volume/${query}@${step}/errors.rate`).value).toBe(0);
      }
      expect(metricOf(result, `volume/seed@${step}/seed.rate`)).toMatchObject({
        unit: 'records/s',
        better: 'higher',
        value: expect.any(Number),
      });
    }
    const names = result.scenarios.map((s) => `${s.suite}/${s.name}`);
    expect(names).toEqual([
      'volume/page@500',
      'volume/search@500',
      'volume/page@5000',
      'volume/search@5000',
      'volume/page@25000',
      'volume/search@25000',
    ]);
    // 20 requests x 3 rounds, all answered 200: the seeded data was there to search.
    expect(result.scenarios[1]?.totals.statusCodes).toEqual({ '200': 60 });
    // The steps are the service's totals: its five demo projects count.
    expect(lines).toContain(
      'volume: the service holds 5 records (GET /api/projects?limit=1 -> total)',
    );
    expect(lines).toContain('volume: step 1/3: seeding 5 -> 500 records');
    expect(lines).toContain('volume: step 3/3: seeding 5000 -> 25000 records');
  });

  it('finds the indexed page flat and the unindexed search growing, and flags the search', () => {
    const page = metricOf(result, 'volume/page/growth.exponent');
    const search = metricOf(result, 'volume/search/growth.exponent');
    expect(page).toMatchObject({ unit: 'exponent', better: 'lower' });
    expect(page.samples).toHaveLength(3);
    expect(Math.abs(page.value)).toBeLessThan(0.3);
    expect(search.value).toBeGreaterThan(0.5);
    expect(checkOf(result, 'volume/page/growth.exponent')?.status).toBe('pass');
    expect(checkOf(result, 'volume/search/growth.exponent')).toMatchObject({
      kind: 'budget',
      status: 'warn',
      warn: 0.3,
    });
    expect(result.verdict).toBe('warn');
  });

  it('reports a Volume table with the exponents and classes', async () => {
    const markdown = await readFile(join(dir, 'volume', 'report.md'), 'utf8');
    expect(markdown).toContain('### Volume');
    expect(markdown).toMatch(
      /\| Query +\| +500 \| +5,000 \| +25,000 \| +b \| Growth +\| Status +\|/,
    );
    expect(markdown).toMatch(/\| search +\|.*\| (sublinear|linear-ish|superlinear) +\| ⚠️ warn/);
    expect(markdown).toMatch(/\| page +\|.*\| (flat|logarithmic-ish) +\| ✅ pass/);
  });
});

/**
 * A real HTTP server: bulk inserts counted until `limit` records, then 500; GET /q answers 200;
 * GET /count says how many records it holds, off by `countOffset`.
 */
async function startRefusingServer(
  limit: number,
  countOffset = 0,
): Promise<{
  url: string;
  bulkRequests: () => number;
  close: () => Promise<void>;
}> {
  let records = 0;
  let bulkRequests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, body: unknown) => sendJson(response, status, body);
      if (request.method === 'POST' && request.url === '/bulk') {
        bulkRequests++;
        const items = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[];
        if (records + items.length > limit) return send(500, { detail: 'disk full' });
        records += items.length;
        return send(201, { created: items.length });
      }
      if (request.url === '/q') return send(200, { records });
      if (request.url === '/count') {
        return send(200, { total: Math.max(0, records + countOffset) });
      }
      send(404, { detail: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bulkRequests: () => bulkRequests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a seeding failure', () => {
  it('stops the suite with a failed check naming the request and the answer, keeping what was measured', async () => {
    const server = await startRefusingServer(300);
    try {
      const lines: string[] = [];
      const output = await runConfig({
        dir,
        name: 'refused',
        yaml: `target: { url: "${server.url}" }
volume:
  steps: [100, 200, 400, 800]
  defaults: { warmup: 0s, rounds: 2 }
  seed:
    request: { path: /bulk, json: { n: "{{i}}" } }
    batch: 50
    concurrency: 1
  queries:
    - { name: q, request: { path: /q }, connections: 1, requests: 10, expect: flat }
`,
        lines,
      });
      const out = join(dir, 'refused');
      // 6 batches of 50 accepted (300 records), the 7th refused, and nothing sent after it.
      expect(server.bulkRequests()).toBe(7);
      const failure = checkOf(output.result, 'volume/seed@400/seed.failed');
      expect(failure).toMatchObject({ kind: 'seeding', status: 'fail', fail: 0, value: 1 });
      expect(failure?.message).toBe(
        'seeding 200 -> 400 records failed: POST /bulk (records 300..349) answered 500 ' +
          'Internal Server Error: {"detail":"disk full"}',
      );
      expect(output.result.verdict).toBe('fail');
      expect(lines.some((l) => l.startsWith('volume: seeding failed, the suite stops here'))).toBe(
        true,
      );

      // results.json holds the two measured steps and their growth; no later step was measured.
      const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
      const keys = saved.metrics.map((m) => m.key);
      expect(keys).toContain('volume/q@100/latency.p95');
      expect(keys).toContain('volume/q@200/latency.p95');
      expect(keys).toContain('volume/q/growth.exponent');
      expect(keys.some((k) => k.includes('@400') || k.includes('@800'))).toBe(false);
      expect(saved.checks[0]?.metric).toBe('volume/seed@400/seed.failed');
      const report = await readFile(join(out, 'report.md'), 'utf8');
      expect(report).toMatch(/^\*\*❌ seeding failed at 1 step \(worst: seed@400 seeding /);
      expect(report).toContain('answered 500 Internal Server Error');
    } finally {
      await server.close();
    }
  });

  it('a refused first step leaves no metrics at all', async () => {
    const server = await startRefusingServer(0);
    try {
      const output = await runConfig({
        dir,
        name: 'refused-first',
        yaml: `target: { url: "${server.url}" }
volume:
  steps: [10, 100]
  seed: { request: { path: /bulk, json: {} }, batch: 10 }
  queries: [{ name: q, request: { path: /q }, connections: 1, requests: 5 }]
`,
      });
      expect(output.result.metrics).toEqual([]);
      expect(output.result.checks).toEqual([
        expect.objectContaining({ metric: 'volume/seed@10/seed.failed', status: 'fail' }),
      ]);
      expect(output.markdown).toContain('Seeding failed, later steps were not measured');
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      'the service already holds more than the first step',
      500,
      'seeding 500 -> 100 records failed: the service already holds 500 records, more than the first step (100)',
    ],
    [
      'the count falls short after seeding',
      -1,
      'seeding 0 -> 100 records failed: seeding reported success, but GET /count -> total says 99 records',
    ],
  ])('with count: %s', async (_, countOffset, message) => {
    const server = await startRefusingServer(10_000, countOffset);
    try {
      const output = await runConfig({
        dir,
        name: `count-${countOffset}`,
        yaml: `target: { url: "${server.url}" }
volume:
  steps: [100, 1000]
  count: { request: { path: /count }, value: total }
  seed: { request: { path: /bulk, json: {} }, batch: 50 }
  queries: [{ name: q, request: { path: /q }, connections: 1, requests: 5 }]
`,
      });
      expect(output.result.checks).toEqual([
        expect.objectContaining({ metric: 'volume/seed@100/seed.failed', status: 'fail', message }),
      ]);
    } finally {
      await server.close();
    }
  });

  it('a socket error names the request and the cause', async () => {
    const seed: RequestSeed = {
      kind: 'request',
      request: { method: 'POST', path: '/bulk', headers: {}, json: { n: '{{i}}' } },
      concurrency: 2,
      randomSeed: 1,
      timeoutMs: 2000,
    };
    // A port nothing listens on (port 9 would be refused by fetch itself, as a "bad port").
    const port = await freePort();
    await expect(
      seedThroughApi({
        baseUrl: `http://127.0.0.1:${port}`,
        seed,
        template: compileSeedRequest(seed.request, { randomSeed: 1, isBatch: false }),
        authHeaders: {},
        first: 0,
        count: 5,
        log: () => undefined,
      }),
    ).rejects.toThrow(/^POST \/bulk \(records [0-4]\.\.[0-4]\) failed: .*ECONNREFUSED/);
  });
});

describe('seeding with a command', () => {
  const base = { targetUrl: 'http://127.0.0.1:1', env: {}, log: () => undefined };

  it('gets the counts in its environment and its output in the log', async () => {
    const lines: string[] = [];
    const file = join(dir, 'seed-env.txt');
    const outcome = await runSeedCommand({
      ...base,
      command: `echo "$PERF_SEED_FROM $PERF_SEED_COUNT $PERF_SEED_STEP $PERF_TARGET_URL" | tee "${file}"`,
      timeoutMs: 10_000,
      from: 1000,
      to: 5000,
      step: 2,
      log: (line) => lines.push(line),
    });
    expect(outcome).toMatchObject({ records: 4000, requests: 0 });
    expect(await readFile(file, 'utf8')).toBe('1000 5000 2 http://127.0.0.1:1\n');
    expect(lines).toEqual(['seed.command: 1000 5000 2 http://127.0.0.1:1']);
  });

  it('a failing command is a SeedError with its exit code and last lines', async () => {
    await expect(
      runSeedCommand({
        ...base,
        command: 'echo loading; echo "no space left on device" >&2; exit 3',
        timeoutMs: 10_000,
        from: 0,
        to: 10,
        step: 1,
      }),
    ).rejects.toThrow(
      /^seed\.command exited with code 3 \(PERF_SEED_FROM=0 PERF_SEED_COUNT=10\): (loading \| no space left on device|no space left on device \| loading)$/,
    );
  });

  it('a command that outlives its timeout is stopped, with its group', async () => {
    const started = performance.now();
    await expect(
      runSeedCommand({
        ...base,
        command: 'sleep 30 & sleep 30',
        timeoutMs: 300,
        from: 0,
        to: 10,
        step: 1,
      }),
    ).rejects.toThrow(/^seed\.command did not finish within 300 ms \(PERF_SEED_FROM=0/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
