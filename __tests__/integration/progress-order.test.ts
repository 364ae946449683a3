// The progress lines of a stress run and a volume run, recorded against a small local server:
// each line comes once, after what it reports, in the order things happened. The stress server
// answers the first stage slowly, so that the first stage settles after the second (and both
// after the cool-down began): their lines must still come in phase order, the cool-down's last.
// And a last stage found broken only once the cool-down runs leaves the cool-down whole.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { realEngine } from '../../src/engine/load-engine.ts';
import { parsePerfConfig } from '../../src/suites/registry.ts';
import { runStressSuite } from '../../src/suites/stress/run.ts';
import { runVolumeSuite } from '../../src/suites/volume/run.ts';

interface LocalServer {
  url: string;
  close: () => Promise<void>;
}

const servers: LocalServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Answers every request with `{}` after `delayMs(ms since the first request)`. */
async function serve(delayMs: (sinceFirstMs: number) => number): Promise<LocalServer> {
  let firstAt: number | undefined;
  const server: Server = createServer((request, response) => {
    firstAt ??= performance.now();
    const delay = delayMs(performance.now() - firstAt);
    request.resume();
    request.on('end', () => {
      setTimeout(() => {
        response.writeHead(request.method === 'POST' ? 201 : 200, {
          'content-type': 'application/json',
        });
        response.end('{}');
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(local);
  return local;
}

function configOf(yaml: string) {
  return parsePerfConfig(`target: { url: "http://127.0.0.1:1" }\n${yaml}`, {
    file: 'perf.yml',
    env: {},
  }).config;
}

/** Each line matches its pattern, in order, and no line comes twice. */
function expectLines(lines: readonly string[], patterns: readonly RegExp[]): void {
  expect(new Set(lines).size, lines.join('\n')).toBe(lines.length);
  expect(lines.length, lines.join('\n')).toBe(patterns.length);
  lines.forEach((line, i) => {
    expect(line).toMatch(patterns[i] as RegExp);
  });
}

const engine = realEngine;

describe('progress lines', () => {
  it('of a stress run: each stage once, in order, then the cool-down with what it found', async () => {
    // The first stage (its first 0.9 s) is answered after 1.5 s, later requests after 50 ms.
    const server = await serve((sinceFirstMs) => (sinceFirstMs < 900 ? 1500 : 50));
    const config = configOf(`stress:
  scenarios:
    - name: mix
      mix:
        - { name: page, weight: 3, request: { path: /page } }
        - { name: create, weight: 1, request: { method: POST, path: /create, json: { n: 1 } } }
      stages:
        - { rate: 40, duration: 1s }
        - { rate: 80, duration: 1s }
      warmup: 0s
      cooldown: 2s
      timeout: 5s
      # Far above the 1.5 s answers, so that both stages hold however late a busy machine runs
      # the server's timers: this test is about the order of the lines.
      limits: { latency.p95: 5s }
`);
    const lines: string[] = [];
    await runStressSuite({
      baseUrl: server.url,
      scenarios: config.stress?.scenarios ?? [],
      authHeaders: {},
      engine: realEngine,
      log: (line) => lines.push(line),
    });
    expectLines(lines, [
      /^mix: stress open model, 40 → 80 req\/s$/,
      /^mix: 40 req\/s: [\d.]+ req\/s, p95 .+, errors .+ — held$/,
      /^mix: 80 req\/s: [\d.]+ req\/s, p95 .+, errors .+ — held$/,
      /^mix: cool-down at 40 req\/s for .+: [\d.]+ req\/s, p95 .+, errors .+ — recovered after .+$/,
    ]);
  }, 30_000);

  it('of a volume run: seeding, one warm-up line per query and step, rounds, growth', async () => {
    const server = await serve(() => 1);
    const config = configOf(`volume:
  steps: [20, 40]
  seed: { request: { path: /bulk, json: { n: "{{i}}" } }, batch: 10, concurrency: 1 }
  defaults: { warmup: 200ms, rounds: 2 }
  queries:
    - { name: a, request: { path: /a }, connections: 1, requests: 10 }
    - { name: b, request: { path: /b }, connections: 1, requests: 10 }
`);
    const lines: string[] = [];
    if (!config.volume) throw new Error('no volume section');
    await runVolumeSuite({
      baseUrl: server.url,
      volume: config.volume,
      env: {},
      authHeaders: {},
      engine,
      log: (line) => lines.push(line),
      progressEveryMs: 60_000,
    });
    const query = (name: string) => [
      new RegExp(`^${name}: warm-up 0\\.2 s \\(closed model, 1 connection\\)$`),
      new RegExp(`^${name}: round 1/2: 10 answered, `),
      new RegExp(`^${name}: round 2/2: 10 answered, `),
    ];
    expectLines(lines, [
      /^volume: step 1\/2: seeding 0 -> 20 records$/,
      /^volume: seeded 20 records in /,
      /^volume: warmed up 2 queries at 20 records first, unmeasured/,
      ...query('a@20'),
      ...query('b@20'),
      /^volume: step 2\/2: seeding 20 -> 40 records$/,
      /^volume: seeded 20 records in /,
      ...query('a@40'),
      ...query('b@40'),
      /^volume: a: latency ~ size\^/,
      /^volume: b: latency ~ size\^/,
    ]);
  }, 30_000);

  it('of a stress run whose last stage breaks late: the cool-down still runs its length', async () => {
    // Fast, then the second stage answered after 1 s (past the 300 ms limit), then fast again.
    const server = await serve((sinceFirstMs) =>
      sinceFirstMs >= 1000 && sinceFirstMs < 1900 ? 1000 : 5,
    );
    const config = configOf(`stress:
  scenarios:
    - name: mix
      mix: [{ name: page, weight: 1, request: { path: /page } }]
      stages:
        - { rate: 20, duration: 1s }
        - { rate: 40, duration: 1s }
      warmup: 0s
      cooldown: 3s
      timeout: 5s
      limits: { latency.p95: 300ms }
`);
    const lines: string[] = [];
    const out = await runStressSuite({
      baseUrl: server.url,
      scenarios: config.stress?.scenarios ?? [],
      authHeaders: {},
      engine: realEngine,
      log: (line) => lines.push(line),
    });
    const phases = out.runs[0]?.phases ?? [];
    expect(phases.map((p) => [p.kind, p.status])).toStrictEqual([
      ['stage', 'held'],
      ['stage', 'broke'],
      ['cooldown', 'cooldown'],
    ]);
    // Judged at the stage's end + 300 ms, while the cool-down ran: stopping "the running phase"
    // then would have cut the cool-down to a few hundred milliseconds.
    expect(phases[2]?.durationMs).toBeGreaterThan(2900);
    expect(out.runs[0]?.recovery?.cooldownMs).toBeGreaterThan(2900);
    expectLines(lines, [
      /^mix: stress open model, 20 → 40 req\/s$/,
      /^mix: 20 req\/s: .+ — held$/,
      /^mix: 40 req\/s: .+ — broke \(p95 >= 300/,
      // Back within 20 % of the first stage's few milliseconds or not: a busy machine decides.
      /^mix: cool-down at 20 req\/s for .+: .+ — (recovered after .+|did not recover \(.+\))$/,
    ]);
  }, 30_000);
});
