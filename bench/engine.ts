// Benchmark of the closed-model engine (npm run bench:engine):
// 1. throughput of runClosed (50 connections) against the autocannon CLI with the same settings,
//    alternated 3 + 3 times against one minimal node:http server in its own process;
//    target: ours / cli >= 0.9 (medians);
// 2. peak memory (max RSS) of a 100-connection closed run of 60 s, in a child process of its own;
//    target: < 200 MB.
// Loopback only. BENCH_SECONDS (default 10) and BENCH_MEMORY_SECONDS (default 60) shorten it.
// Exits 0 whatever the figures (they are printed with PASS / FAIL); 1 only when something crashed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClosed } from '../src/engine/closed.ts';
import { median, readSeconds, runToEnd } from './helpers.ts';

const THROUGHPUT_TARGET_RATIO = 0.9;
const MEMORY_TARGET_MB = 200;
const ROUNDS = 3;
const CONNECTIONS = 50;
const MEMORY_CONNECTIONS = 100;
const REQUEST = { method: 'GET', path: '/', headers: {} };

/** The server under load: the smallest node:http answer, in its own process. */
const SERVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => {
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

async function measureOurs(url: string, seconds: number): Promise<number> {
  const result = await runClosed({
    baseUrl: url,
    request: REQUEST,
    timeoutMs: 10_000,
    connections: CONNECTIONS,
    durationMs: seconds * 1000,
  });
  if (result.socketErrors + result.timeouts > 0) {
    console.log(`  (ours: ${result.socketErrors} socket errors, ${result.timeouts} timeouts)`);
  }
  return result.achievedRate;
}

async function measureCli(url: string, seconds: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
  const stdout = await runToEnd(
    process.execPath,
    [cli, '-c', String(CONNECTIONS), '-d', String(seconds), '--json', url],
    'autocannon CLI',
  );
  const json = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
    requests: { average: number; total: number };
    duration: number;
  };
  return json.requests.average;
}

async function benchThroughput(url: string, seconds: number): Promise<void> {
  console.log(
    `Throughput: ${CONNECTIONS} connections, ${seconds} s per run, ${ROUNDS} runs each, alternated (requests/s)`,
  );
  const ours: number[] = [];
  const cli: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const mine = await measureOurs(url, seconds);
    ours.push(mine);
    console.log(`  round ${round}  ours ${format(mine)}`);
    const theirs = await measureCli(url, seconds);
    cli.push(theirs);
    console.log(`  round ${round}  cli  ${format(theirs)}`);
  }
  const ratio = median(ours) / median(cli);
  const verdict = ratio >= THROUGHPUT_TARGET_RATIO ? 'PASS' : 'FAIL';
  console.log(`  median   ours ${format(median(ours))}   cli ${format(median(cli))}`);
  console.log(
    `  ratio ours/cli = ${ratio.toFixed(3)} (target >= ${THROUGHPUT_TARGET_RATIO}): ${verdict}`,
  );
}

interface MemoryReport {
  maxRssKB: number;
  completed: number;
  achievedRate: number;
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

/** The child side of benchMemory: one long run, then its own peak RSS. */
async function runMemoryChild(url: string, seconds: number): Promise<void> {
  const result = await runClosed({
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
  };
  console.log(JSON.stringify(report));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--memory-child') {
    await runMemoryChild(process.argv[3] ?? '', Number(process.argv[4]));
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
    await benchThroughput(url, seconds);
    await benchMemory(url, memorySeconds);
  } finally {
    server.kill();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:engine crashed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
