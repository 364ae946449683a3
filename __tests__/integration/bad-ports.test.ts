// A service on a port the Fetch standard calls "bad" (6000, 6665-6669, 10080, ...) is reached like
// any other, through the real CLI: the health wait, the login, the load, the volume suite's
// record count and API seeding, and video uploads and polls all go out on it. fetch would refuse
// every one of them (`bad port`, exit 3). The sample service runs in this process.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../examples/validation-platform/service.ts';
import type { RunResult } from '../../src/suites/registry.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The Fetch standard's bad ports from 1024 up (the lower ones need privileges to listen on). */
const BAD_PORTS = [
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669,
  6679, 6697, 10080,
];

/** Whether `port` is free on 127.0.0.1 right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A free bad port other than 6000, tried in random order; undefined when all are taken. */
async function freeRandomBadPort(): Promise<number | undefined> {
  const others = BAD_PORTS.filter((p) => p !== 6000).sort(() => Math.random() - 0.5);
  for (const port of others) if (await isFree(port)) return port;
  return undefined;
}

function config(url: string): string {
  return `target: { url: "${url}", health: /health, wait: 10s }
monitor: { enabled: false }
auth:
  login: { method: POST, path: /auth/login, json: { email: test@example.com, password: password } }
  token: access_token
defaults: { warmup: 0s, rounds: 1, timeout: 10s }
budgets: { latency.p95: 10s, errors.rate: 0% }
load:
  scenarios:
    - { name: list, request: { path: "/api/projects?limit=5" }, connections: 2, requests: 20 }
volume:
  steps: [20, 40]
  count: { request: { path: "/api/projects?limit=1" }, value: total }
  seed:
    request: { path: /api/projects/bulk, json: { name: "Port project {{i}}", camera_model: m, camera_view: Front-facing VRU, signal_type: GPIO } }
    batch: 10
  queries:
    - { name: page, request: { path: "/api/projects?limit=5" }, connections: 1, requests: 20 }
video:
  videos:
    - synthetic: { duration: 1s, width: 64, height: 48, fps: 5, seed: 1 }
  upload: { request: { method: POST, path: /api/videos }, field: file, fields: { name: "port {{i}}" } }
  status: { request: { path: "/api/videos/{{id}}" }, interval: 100ms, timeout: 60s }
  levels: [1]
`;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-ports-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the sample service on `port`; undefined when another process took it meanwhile. */
async function tryStart(
  port: number,
): Promise<Awaited<ReturnType<typeof startServer>> | undefined> {
  try {
    return await startServer({ port });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return undefined;
    throw error;
  }
}

async function expectReachable(
  port: number,
  context: { skip: (note?: string) => void },
): Promise<void> {
  const service = await tryStart(port);
  if (!service) {
    console.warn(`skipped: port ${port} is taken on this machine`);
    context.skip(`port ${port} is taken on this machine`);
    return;
  }
  try {
    const file = join(dir, `port-${port}.yml`);
    await writeFile(file, config(service.url));
    const out = join(dir, `out-${port}`);
    const run = await runCli(['run', '-c', file, '--out', out], { timeoutMs: 120_000 });
    expect(`${run.stdout}\n${run.stderr}`).not.toContain('bad port');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    expect(result.target.url).toBe(`http://127.0.0.1:${port}`);
    // The load went through with the login's token (the service answers 401 without one).
    expect(result.scenarios.find((s) => s.name === 'list')?.totals.ok).toBe(20);
    // The record count was read and the seeding went through: both steps measured.
    expect(result.scenarios.map((s) => s.name)).toEqual(['list', 'page@20', 'page@40']);
    expect(result.metrics.map((m) => m.key)).toContain('volume/seed@40/seed.rate');
    // The upload and the polls.
    expect(result.video?.levels[0]?.rows[0]?.outcome).toBe('done');
  } finally {
    await service.close();
  }
}

describe('services on ports fetch refuses', () => {
  it('port 6000', async (context) => {
    await expectReachable(6000, context);
  });

  it('a random port of the bad list', async (context) => {
    const port = await freeRandomBadPort();
    if (port === undefined) context.skip('every bad port from 1024 up is taken');
    await expectReachable(port as number, context);
  });
});
