// The bad-input suite: every case of __tests__/fixtures/bad-input-cases.ts through the CLI's real
// main (in-process: the same code as the program, without a Node start per case), and the cases
// marked `spawn` also as a child process. Each asserts its exit code, its one line (file, line,
// key), no stack trace, no secret, and a time bound.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../scripts/build.ts';
import {
  BAD_INPUT_CASES,
  type BadInputCase,
  type CaseKind,
  EVENT_PAYLOAD_CASES,
  type FileSpec,
} from '../fixtures/bad-input-cases.ts';
import { runAction } from '../helpers/run-action.ts';
import { runCli } from '../helpers/run-cli.ts';
import { runCliInProcess, type TimedCliRun } from '../helpers/run-cli-in-process.ts';

/** Generous: a case is a config check or a five-request run, on a busy machine. */
const TIME_BOUND_MS = 20_000;
/** A frame of a stack trace, or an error's own `Name: message` header. */
const STACK_TRACE = /^\s+at |^\w*Error\b/m;

let root: string;
let server: Server;
let targetUrl: string;
let caseNumber = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'perf-bad-input-'));
  // The live service of the history cases: answers every request at once.
  server = createServer((_, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  targetUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(root, { recursive: true, force: true });
});

function fill(text: string, dir: string): string {
  return text
    .replaceAll('{dir}', dir)
    .replaceAll('{target}', targetUrl)
    .replaceAll('{dead}', 'http://127.0.0.1:9');
}

async function writeSpec(path: string, spec: FileSpec, dir: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  if (typeof spec === 'string') await writeFile(path, fill(spec, dir));
  else if ('fifo' in spec) execFileSync('mkfifo', [path]);
  else if ('directory' in spec) await mkdir(path);
  else if ('bytes' in spec) await writeFile(path, Buffer.from(spec.bytes));
  else {
    const handle = await open(path, 'w');
    await handle.truncate(spec.sparseBytes);
    await handle.close();
  }
}

/** The case's own directory with its files, and its arguments filled in. */
async function prepare(testCase: BadInputCase): Promise<string[]> {
  caseNumber += 1;
  const dir = join(root, `case-${caseNumber}`);
  await mkdir(dir);
  for (const [name, spec] of Object.entries(testCase.files ?? {})) {
    await writeSpec(join(dir, name), spec, dir);
  }
  return testCase.args.map((arg) => fill(arg, dir));
}

function check(testCase: BadInputCase, run: TimedCliRun): void {
  const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  expect(run.code, output).toBe(testCase.code);
  const lines = run.stderr.split('\n').filter((line) => line.length > 0);
  if (testCase.code === 2) {
    expect(lines[0], output).toMatch(testCase.line);
    expect(lines, output).toHaveLength(testCase.lines ?? 1);
    expect(run.stdout, output).toBe('');
  } else {
    expect(
      lines.some((line) => testCase.line.test(line)),
      output,
    ).toBe(true);
  }
  expect(run.stderr, output).not.toMatch(STACK_TRACE);
  for (const secret of testCase.hidden ?? []) {
    expect(run.stdout + run.stderr, output).not.toContain(secret);
  }
  expect(run.elapsedMs).toBeLessThan(TIME_BOUND_MS);
}

const label = (testCase: { kind: string; name: string }) => `${testCase.kind}: ${testCase.name}`;

describe('the bad-input table', () => {
  it('covers at least 80 cases, of every kind', () => {
    const all = [...BAD_INPUT_CASES, ...EVENT_PAYLOAD_CASES];
    expect(all.length).toBeGreaterThanOrEqual(80);
    const kinds = new Set<string>(all.map((testCase) => testCase.kind));
    const expected: (CaseKind | 'event payload')[] = [
      'bound',
      'combined values',
      'wrong type',
      'unknown key',
      'typo of a required key',
      'YAML',
      'file',
      'CLI',
      'environment',
      'credentials',
      'through run',
      'history file',
      'event payload',
    ];
    for (const kind of expected) expect(kinds).toContain(kind);
    const names = all.map(label);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('bad input through the CLI (in-process main)', () => {
  it.each(BAD_INPUT_CASES.map((testCase) => [label(testCase), testCase] as const))(
    '%s',
    async (_, testCase) => {
      const args = await prepare(testCase);
      check(testCase, await runCliInProcess(args, { env: testCase.env ?? {} }));
    },
    TIME_BOUND_MS * 2,
  );
});

/** Runs `task` once fewer than `count` tasks are running: children compete for the same cores. */
function limiter(count: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= count) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

describe.concurrent('bad input through the perf-action program (a child process each)', () => {
  const spawned = BAD_INPUT_CASES.filter((testCase) => testCase.spawn);
  const inTurn = limiter(2);

  it('runs a representative subset of every kind that has one', () => {
    expect(spawned.length).toBeGreaterThanOrEqual(10);
  });

  it.each(spawned.map((testCase) => [label(testCase), testCase] as const))(
    '%s',
    async (_, testCase) => {
      const args = await prepare(testCase);
      const run = await inTurn(async () => {
        const started = performance.now();
        const child = await runCli(args, { env: testCase.env ?? {}, timeoutMs: TIME_BOUND_MS * 2 });
        return { ...child, elapsedMs: performance.now() - started };
      });
      check(testCase, run);
    },
    TIME_BOUND_MS * 6,
  );
});

describe.concurrent('bad event payloads through the action (dist/index.js, a child process each)', () => {
  const inTurn = limiter(2);
  let entry: string;
  let work: string;

  beforeAll(async () => {
    work = join(root, 'action');
    await buildDist(join(work, 'dist'));
    entry = join(work, 'dist', 'index.js');
    // A passing run, so that the payload's warning is the only thing wrong.
    await writeFile(
      join(work, 'perf.yml'),
      [
        'target:',
        `  url: ${targetUrl}`,
        'load:',
        '  scenarios:',
        '    - { name: a, request: { path: / }, connections: 1, requests: 50, rounds: 1, warmup: 0 }',
        '',
      ].join('\n'),
    );
  }, 120_000);

  it.each(EVENT_PAYLOAD_CASES.map((testCase) => [label(testCase), testCase] as const))(
    '%s',
    async (_, testCase) => {
      caseNumber += 1;
      const dir = join(root, `case-${caseNumber}`);
      await mkdir(dir);
      const payloadPath = join(dir, 'event.json');
      if (testCase.payload !== null && testCase.payload !== 'missing') {
        await writeSpec(payloadPath, testCase.payload, dir);
      }
      const run = await inTurn(async () => {
        const started = performance.now();
        const action = await runAction({
          entry,
          event: testCase.event,
          eventPath: testCase.payload === null ? null : payloadPath,
          inputs: {
            config: join(work, 'perf.yml'),
            'results-dir': join(dir, 'out'),
            'baseline-path': join(dir, 'baseline'),
            'artifact-name': '',
            'github-token': 'test-token',
          },
          work: dir,
          runnerTemp: join(dir, 'tmp'),
          // Nothing listens there: a comment attempted would show as a warning about it.
          githubApiUrl: 'http://127.0.0.1:9',
          runId: caseNumber,
          timeoutMs: TIME_BOUND_MS * 3,
        });
        return { ...action, elapsedMs: performance.now() - started };
      });
      const output = `log:\n${run.log}`;
      expect(run.code, output).toBe(0);
      const warnings = run.log.split('\n').filter((line) => line.startsWith('::warning::'));
      expect(warnings, output).toHaveLength(1);
      expect(warnings[0], output).toMatch(testCase.line);
      expect(run.log, output).not.toMatch(STACK_TRACE);
      expect(run.outputFile, output).toMatch(/baseline-saved<<.*\nfalse\n/s);
      expect(run.outputFile, output).not.toContain('comment-url');
      expect(run.elapsedMs).toBeLessThan(TIME_BOUND_MS * 2);
    },
    TIME_BOUND_MS * 6,
  );
});
