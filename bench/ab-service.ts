// The service under test of `npm run bench:ab` (bench/ab.ts): every request does a known amount of
// CPU work, a fixed number of iterations of a xorshift loop times `--slower`. Work, not a sleep
// and not "spin until the clock says 25 ms": a neighbour that takes the core stretches the request
// as it would stretch a real service's code.
//
//   node bench/ab-service.ts --iterations N [--slower 1.05] [--port 0]
//     listens on 127.0.0.1 (port 0: a free one) and prints {"port": P} on stdout once it does;
//     GET /health answers ok at once, any other path does the work and answers its checksum.
//   node bench/ab-service.ts --calibrate-ms 25
//     prints {"iterations": N}: the iterations that take about 25 ms on this machine now (the
//     fastest of several tries, so a busy moment makes it no shorter). The bench passes the same
//     N to every service it starts, so that head and base do exactly the same work.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string' },
    slower: { type: 'string', default: '1' },
    port: { type: 'string', default: '0' },
    'calibrate-ms': { type: 'string' },
  },
});

/** The work: `n` rounds of xorshift32; the result is answered so that nothing is optimised away. */
function work(n: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

function positive(text: string | undefined, name: string): number {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value))) {
    console.error(`ab-service: ${name} must be a number > 0, got '${text}'`);
    process.exit(2);
  }
  return value;
}

if (values['calibrate-ms'] !== undefined) {
  const targetMs = positive(values['calibrate-ms'], '--calibrate-ms');
  const probe = 1_000_000;
  for (let i = 0; i < 20; i++) work(probe); // JIT warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    work(probe);
    best = Math.min(best, performance.now() - started);
  }
  console.log(JSON.stringify({ iterations: Math.round((probe * targetMs) / best) }));
} else {
  const iterations = Math.round(
    positive(values.iterations, '--iterations') * positive(values.slower, '--slower'),
  );
  const server = createServer((request, response) => {
    const body = request.url === '/health' ? 'ok' : String(work(iterations));
    response.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(values.port), '127.0.0.1', () => {
    const address = server.address();
    const port = address && typeof address === 'object' ? address.port : 0;
    console.log(JSON.stringify({ port }));
  });
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The bench holds an IPC channel: when it dies, so does the service.
  process.on('disconnect', () => process.exit(0));
}
