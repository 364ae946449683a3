// The sample service's slowdown knob (`--slowdown 25%`, `SAMPLE_SLOWDOWN`): two copies of the
// command-line entry on two free ports, one slowed, answer the same cheap request in turn; the
// slowed one's median is the higher.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../examples/validation-platform/server.ts';
import { freePort } from '../../src/cli/demo.ts';

const SERVER_SCRIPT = fileURLToPath(
  new URL('../../examples/validation-platform/server.ts', import.meta.url),
);
const REQUESTS = 200;
const WARMUP = 30;

interface Copy {
  child: ChildProcess;
  url: string;
  token: string;
  latencies: number[];
}

/**
 * Starts the service on `port`. Both copies burn the same 2 ms of CPU per `/api/*` request
 * (`DEMO_CPU_MS`): the sample's handlers alone take a tenth of a millisecond, well inside what a
 * request costs in Node's HTTP layer and in fetch, where a 25 % slower handler would drown in the
 * noise of a busy machine. The slowdown is a share of the handling time, this burn included.
 */
async function start(port: number, extra: string[]): Promise<Copy> {
  const child = spawn(process.execPath, [SERVER_SCRIPT, '--port', String(port), ...extra], {
    env: { ...process.env, DEMO_CPU_MS: '2', SAMPLE_SLOWDOWN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const [line] = (await Promise.race([
    once(child.stdout as NodeJS.ReadableStream, 'data'),
    once(child, 'exit').then(() => {
      throw new Error(`the service exited: ${stderr}`);
    }),
  ])) as [Buffer];
  const url = /listening on (\S+)/.exec(line.toString())?.[1];
  if (url === undefined) throw new Error(`unexpected first line: ${line}`);
  const login = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'test@example.com', password: 'password' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { child, url, token, latencies: [] };
}

/** One request's time, from sending it to its whole answer. */
async function timeOne(copy: Copy): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${copy.url}/api/projects?limit=1`, {
    headers: { authorization: `Bearer ${copy.token}` },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${copy.url} answered ${response.status}`);
  return performance.now() - started;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

let plain: Copy;
let slowed: Copy;

beforeAll(async () => {
  const plainPort = await freePort();
  let slowedPort = await freePort();
  while (slowedPort === plainPort) slowedPort = await freePort();
  [plain, slowed] = await Promise.all([
    start(plainPort, []),
    start(slowedPort, ['--slowdown', '25%']),
  ]);
}, 60_000);

afterAll(async () => {
  for (const copy of [plain, slowed]) {
    if (copy && copy.child.exitCode === null) {
      const exited = once(copy.child, 'exit');
      copy.child.kill('SIGTERM');
      await exited;
    }
  }
});

describe('sample service --slowdown', () => {
  it('parses --slowdown and SAMPLE_SLOWDOWN as a share (the flag wins)', () => {
    expect(parseCli(['--slowdown', '25%'], {}).slowdown).toBe(0.25);
    expect(parseCli(['--slowdown', '10'], {}).slowdown).toBe(0.1);
    expect(parseCli([], { SAMPLE_SLOWDOWN: ' 50% ' }).slowdown).toBe(0.5);
    expect(parseCli(['--slowdown', '0%'], { SAMPLE_SLOWDOWN: '50%' }).slowdown).toBe(0);
    expect(parseCli([], {}).slowdown).toBe(0);
    for (const bad of ['-5%', 'fast', '2000%', '25%%']) {
      expect(() => parseCli([`--slowdown=${bad}`], {})).toThrow(/--slowdown must be a percent/);
    }
    expect(() => parseCli([], { SAMPLE_SLOWDOWN: 'x' })).toThrow(/SAMPLE_SLOWDOWN .*'x'/);
  });

  it('makes a cheap request slower: the slowed copy has the higher median', async () => {
    // Interleaved, each pair in alternating order: whatever else the machine does at a moment
    // lands on both copies alike.
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const order = i % 2 === 0 ? [plain, slowed] : [slowed, plain];
      for (const copy of order) {
        const ms = await timeOne(copy);
        if (i >= WARMUP) copy.latencies.push(ms);
      }
    }
    const [fast, slow] = [median(plain.latencies), median(slowed.latencies)];
    expect(slow, `medians: plain ${fast} ms, slowed ${slow} ms`).toBeGreaterThan(fast);
  }, 60_000);
});
