// Benchmark of the load engine (npm run bench:engine; `npm run bench:engine -- accuracy` runs 4 alone):
// 1. throughput of runClosed (50 connections) against the autocannon CLI with the same settings,
//    alternated 3 + 3 times against one minimal node:http server in its own process;
//    target: ours / cli >= 0.9 (medians); with the CPU time each used per request;
// 2. peak memory (max RSS) of a 100-connection closed run of 60 s, in a child process of its own;
//    target: < 200 MB;
// 3. peak memory of 20 answers of 100 MiB at 10 connections (bodies discarded as they stream),
//    in a child process of its own; target: < 500 MB (held whole, the 10 answers in flight alone
//    would take 1000 MiB; bare undici dispatch peaks at ~210-220 MB here, socket buffers waiting
//    for the garbage collector).
// 4. accuracy (engine-accuracy.ts): p50, p95, p99 and min latency of both models against a server
//    with known delays, BENCH_ACCURACY_ROUNDS rounds (default 3) side by side, the achieved rate
//    against the configured one, and the open-model scheduler's send lag.
// Loopback only. BENCH_SECONDS (default 10) and BENCH_MEMORY_SECONDS (default 60) shorten it.
// The load average is printed first: figures from a busy machine are not comparable.
// Exits 0 whatever the figures (they are printed with PASS / FAIL); 1 only when something crashed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClosed } from '../src/engine/closed.ts';
import { benchAccuracy } from './engine-accuracy.ts';
import { median, readSeconds, runToEnd } from './helpers.ts';

const THROUGHPUT_TARGET_RATIO = 0.9;
const MEMORY_TARGET_MB = 200;
const ROUNDS = 3;
const CONNECTIONS = 50;
const MEMORY_CONNECTIONS = 100;
const BIG_BODY_MIB = 100;
const BIG_CONNECTIONS = 10;
const BIG_REQUESTS = 20;
const BIG_MEMORY_TARGET_MB = 500;
const REQUEST = { method: 'GET', path: '/', headers: {} };

/** The server under load: the smallest node:http answer (`/big`: 100 MiB), in its own process. */
const SERVER_SOURCE = `
const http = require('node:http');
const chunk = Buffer.alloc(64 * 1024, 120);
const big = ${BIG_BODY_MIB} * 1024 * 1024;
const server = http.createServer((req, res) => {
  if (req.url === '/big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(big) });
    let left = big;
    const pump = () => {
      while (left > 0) {
        left -= chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      res.end();
    };
    return pump();
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  res.end('ok');
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('disconnect', () => process.exit(0));
`;

/** Resolves with the first line a child prints on stdout, parsed as JSON. */
function readFirstJsonLine<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        try {
          resolve(JSON.parse(text.slice(0, newline)) as T);
        } catch (error) {
          reject(
            new Error(`${what} printed something that is not JSON: ${text.slice(0, 200)}`, {
              cause: error,
            }),
          );
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${what} exited with code ${code} before answering`)),
    );
  });
}

const format = (value: number): string => value.toFixed(0).padStart(7);

/** Requests per second, and CPU time per request in µs, of one run. */
interface Throughput {
  rate: number;
  cpuMicrosPerRequest: number;
}

async function measureOurs(url: string, seconds: number): Promise<Throughput> {
  const cpuStart = process.cpuUsage();
  const result = await runClosed({
    baseUrl: url,
    request: REQUEST,
    timeoutMs: 10_000,
    connections: CONNECTIONS,
    durationMs: seconds * 1000,
  });
  const cpu = process.cpuUsage(cpuStart);
  if (result.socketErrors + result.timeouts > 0) {
    console.log(`  (ours: ${result.socketErrors} socket errors, ${result.timeouts} timeouts)`);
  }
  return {
    rate: result.achievedRate,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(1, result.completed),
  };
}

async function measureCli(url: string, seconds: number): Promise<Throughput> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
  const stdout = await runToEnd(
    process.execPath,
    [
      '-e',
      // The CLI's own process, with its CPU time printed after its JSON.
      `const cli = require(${JSON.stringify(cli)}); process.on('exit', () => { const u = process.cpuUsage(); console.log(JSON.stringify({ cpuMicros: u.user + u.system })); }); cli.start(cli.parseArguments(process.argv.slice(1)));`,
      '--',
      '-c',
      String(CONNECTIONS),
      '-d',
      String(seconds),
      '--json',
      url,
    ],
    'autocannon CLI',
  );
  const lines = stdout.trim().split('\n');
  const cpu = JSON.parse(lines.pop() ?? '') as { cpuMicros: number };
  const json = JSON.parse(lines.pop() ?? '') as {
    requests: { average: number; total: number };
    duration: number;
  };
  return {
    rate: json.requests.average,
    cpuMicrosPerRequest: cpu.cpuMicros / Math.max(1, json.requests.total),
  };
}

async function benchThroughput(url: string, seconds: number): Promise<void> {
  console.log(
    `Throughput: ${CONNECTIONS} connections, ${seconds} s per run, ${ROUNDS} runs each, alternated (requests/s)`,
  );
  const ours: Throughput[] = [];
  const cli: Throughput[] = [];
  const line = (t: Throughput) =>
    `${format(t.rate)}   (${t.cpuMicrosPerRequest.toFixed(1)} µs CPU/request)`;
  for (let round = 1; round <= ROUNDS; round++) {
    const mine = await measureOurs(url, seconds);
    ours.push(mine);
    console.log(`  round ${round}  ours ${line(mine)}`);
    const theirs = await measureCli(url, seconds);
    cli.push(theirs);
    console.log(`  round ${round}  cli  ${line(theirs)}`);
  }
  const rates = { ours: median(ours.map((t) => t.rate)), cli: median(cli.map((t) => t.rate)) };
  const cpu = {
    ours: median(ours.map((t) => t.cpuMicrosPerRequest)),
    cli: median(cli.map((t) => t.cpuMicrosPerRequest)),
  };
  const ratio = rates.ours / rates.cli;
  const verdict = ratio >= THROUGHPUT_TARGET_RATIO ? 'PASS' : 'FAIL';
  console.log(
    `  median   ours ${format(rates.ours)} (${cpu.ours.toFixed(1)} µs CPU/request)   ` +
      `cli ${format(rates.cli)} (${cpu.cli.toFixed(1)} µs CPU/request, the CLI's whole process)`,
  );
  console.log(
    `  ratio ours/cli = ${ratio.toFixed(3)} (target >= ${THROUGHPUT_TARGET_RATIO}): ${verdict}`,
  );
}

interface MemoryReport {
  maxRssKB: number;
  completed: number;
  achievedRate: number;
  bodyBytes: number;
}

async function benchMemory(url: string, seconds: number): Promise<void> {
  console.log(`Memory: ${MEMORY_CONNECTIONS} connections, ${seconds} s, in a child process`);
  const self = fileURLToPath(import.meta.url);
  const stdout = await runToEnd(
    process.execPath,
    [self, '--memory-child', url, String(seconds)],
    'memory run',
  );
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as MemoryReport;
  const peakMB = report.maxRssKB / 1024;
  const verdict = peakMB < MEMORY_TARGET_MB ? 'PASS' : 'FAIL';
  console.log(
    `  ${report.completed} requests at ${report.achievedRate.toFixed(0)}/s; peak RSS ${peakMB.toFixed(1)} MB (target < ${MEMORY_TARGET_MB} MB): ${verdict}`,
  );
}

async function benchBigBodies(url: string): Promise<void> {
  console.log(
    `Memory with large answers: ${BIG_REQUESTS} answers of ${BIG_BODY_MIB} MiB at ${BIG_CONNECTIONS} connections, in a child process`,
  );
  const self = fileURLToPath(import.meta.url);
  const stdout = await runToEnd(process.execPath, [self, '--big-child', url], 'large-answer run');
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as MemoryReport;
  const peakMB = report.maxRssKB / 1024;
  const verdict = peakMB < BIG_MEMORY_TARGET_MB ? 'PASS' : 'FAIL';
  console.log(
    `  ${report.completed} answers, ${(report.bodyBytes / 2 ** 20).toFixed(0)} MiB of bodies read; ` +
      `peak RSS ${peakMB.toFixed(1)} MB (target < ${BIG_MEMORY_TARGET_MB} MB): ${verdict}`,
  );
}

/** The child side of benchMemory (a long run) and benchBigBodies: the run, then its own peak RSS. */
async function runMemoryChild(url: string, seconds: number | 'big'): Promise<void> {
  const result =
    seconds === 'big'
      ? await runClosed({
          baseUrl: url,
          request: { ...REQUEST, path: '/big' },
          timeoutMs: 120_000,
          connections: BIG_CONNECTIONS,
          requests: BIG_REQUESTS,
        })
      : await runClosed({
          baseUrl: url,
          request: REQUEST,
          timeoutMs: 10_000,
          connections: MEMORY_CONNECTIONS,
          durationMs: seconds * 1000,
        });
  // Encoding is part of a run's cost (results.json keeps the histogram).
  result.histogram.encode();
  const report: MemoryReport = {
    maxRssKB: process.resourceUsage().maxRSS,
    completed: result.completed,
    achievedRate: result.achievedRate,
    bodyBytes: result.bodyBytes,
  };
  console.log(JSON.stringify(report));
}

/** A whole number >= 1 from the environment variable `name`, or `fallback` when unset. */
function readRounds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new Error(`${name} must be a whole number >= 1, got '${raw}'`);
  }
  return value;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--memory-child') {
    await runMemoryChild(process.argv[3] ?? '', Number(process.argv[4]));
    return;
  }
  if (process.argv[2] === '--big-child') {
    await runMemoryChild(process.argv[3] ?? '', 'big');
    return;
  }
  const rounds = readRounds('BENCH_ACCURACY_ROUNDS', 3);
  const formatLoad = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(', ');
  if (process.argv[2] === 'accuracy') {
    console.log(`Load average (1, 5, 15 min) at start: ${formatLoad()}; node ${process.version}`);
    await benchAccuracy(rounds);
    console.log(`Load average at the end: ${formatLoad()}`);
    return;
  }
  const seconds = readSeconds('BENCH_SECONDS', 10);
  const memorySeconds = readSeconds('BENCH_MEMORY_SECONDS', 60);
  const server = spawn(process.execPath, ['-e', SERVER_SOURCE], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  try {
    const { port } = await readFirstJsonLine<{ port: number }>(server, 'the bench server');
    const url = `http://127.0.0.1:${port}/`;
    console.log(`Server: node:http in process ${server.pid} at ${url}; node ${process.version}`);
    console.log(`Load average (1, 5, 15 min) at start: ${formatLoad()}`);
    await benchThroughput(url, seconds);
    await benchMemory(url, memorySeconds);
    await benchBigBodies(url);
    await benchAccuracy(rounds);
    console.log(`Load average at the end: ${formatLoad()}`);
  } finally {
    server.kill();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:engine crashed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
