// An HTTP test server with known, precise response delays, run in a child process so that its
// timers do not share the event loop (or the core) of the load generator under test.
//
// Precision: each response is due at arrival + delay (process.hrtime.bigint()). One timer sleeps
// until ~2 ms before the earliest due response, then the loop spins with setImmediate (I/O keeps
// flowing in between) until the clock reaches it, so a response never leaves early and rarely more
// than a few tens of microseconds late.
//
// This file is both the test-side API (startDelayServer) and, when started with the marker
// environment variable, the child process itself.
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

/** How the server answers. */
export type DelayServerMode =
  /** Of every 50 requests (by arrival index): 45 take 10 ms, 4 take 40 ms, 1 takes 120 ms. */
  | { kind: 'mix' }
  /** Every request takes `delayMs`. */
  | { kind: 'fixed'; delayMs: number }
  /**
   * Responses that arrive during the last `freezeMs` of every `windowMs` window (counted from the
   * server's start) are held until that window ends; the others are answered at once.
   */
  | { kind: 'freeze'; windowMs: number; freezeMs: number }
  /** Answers at once; every `every`-th request (index % every === every - 1) gets a 500. */
  | { kind: 'errors'; every: number }
  /** Never answers. */
  | { kind: 'hang' };

export interface DelayServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Wall-clock time (Date.now()) at which the freeze windows start counting. */
  startedAtEpochMs: number;
  /** Stops the child process. */
  close(): Promise<void>;
}

const CHILD_MARKER = 'PERF_ACTION_DELAY_SERVER_MODE';
const SPIN_WINDOW_NS = 2_000_000n;
/** Stay awake this long after the last request arrived. */
const AWAKE_AFTER_ARRIVAL_NS = BigInt(process.env.SAWAKE ?? 200_000_000);

/** Starts a delay server on 127.0.0.1, port 0, in a child process. */
export async function startDelayServer(mode: DelayServerMode): Promise<DelayServer> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [CHILD_MARKER]: JSON.stringify(mode) },
    // The parent may run under a test runner's loaders; the child is plain Node (strips types).
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; startedAtEpochMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('delay server did not start in 10 s')), 10_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as { port: number; startedAtEpochMs: number });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`delay server exited early with code ${code}`));
    });
  });
  return {
    url: `http://127.0.0.1:${ready.port}`,
    port: ready.port,
    startedAtEpochMs: ready.startedAtEpochMs,
    close: () => stopChild(child),
    pid: child.pid,
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Pending {
  dueNs: bigint;
  respond: () => void;
}

/**
 * Answers each response at its due time. While requests keep arriving (or one is due within 2 ms)
 * the loop stays awake, turning with setImmediate: an idle process here (a VM) takes ~0.5-1 ms to
 * wake up for a timer or an arriving request, more than the precision the tests need. When idle
 * it sleeps on a timer until ~2 ms before the next due response.
 */
function createResponder(): {
  respondAt: (dueNs: bigint, respond: () => void) => void;
  noteArrival: () => void;
} {
  // Sorted by due time; small (at most the requests in flight).
  const pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let isSpinning = false;
  let lastArrivalNs = 0n;

  const flushDue = (now: bigint): void => {
    while (pending.length > 0 && (pending[0] as Pending).dueNs <= now) {
      (pending.shift() as Pending).respond();
    }
  };
  const turn = (): void => {
    isSpinning = false;
    const now = process.hrtime.bigint();
    flushDue(now);
    if (now - lastArrivalNs < AWAKE_AFTER_ARRIVAL_NS) {
      isSpinning = true;
      setImmediate(turn);
      return;
    }
    sleepUntilNext();
  };
  const sleepUntilNext = (): void => {
    if (isSpinning) return;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const next = pending[0];
    if (!next) return;
    const waitNs = next.dueNs - process.hrtime.bigint();
    if (waitNs > SPIN_WINDOW_NS) {
      timer = setTimeout(
        () => {
          timer = undefined;
          sleepUntilNext();
        },
        Number(waitNs - SPIN_WINDOW_NS) / 1e6,
      );
    } else {
      isSpinning = true;
      setImmediate(turn);
    }
  };
  const wake = (): void => {
    if (isSpinning) return;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    isSpinning = true;
    setImmediate(turn);
  };

  return {
    noteArrival: () => {
      lastArrivalNs = process.hrtime.bigint();
      wake();
    },
    respondAt: (dueNs, respond) => {
      let index = pending.length;
      while (index > 0 && (pending[index - 1] as Pending).dueNs > dueNs) index -= 1;
      pending.splice(index, 0, { dueNs, respond });
      sleepUntilNext();
    },
  };
}

function sendText(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '2', 'x-arrived': String((res as any).arrivedNs), 'x-responded': String(process.hrtime.bigint()) });
  res.end('ok');
}

/** Milliseconds to hold request number `index` (from 0) in mix mode. */
function mixDelayMs(index: number): number {
  const slot = index % 50;
  if (slot < 45) return 10;
  if (slot < 49) return 40;
  return 120;
}

function serve(mode: DelayServerMode): void {
  const { respondAt, noteArrival } = createResponder();
  if (process.env.RAW === '1') {
    let idx = 0;
    const srv = net.createServer((sock) => {
      sock.setNoDelay(true);
      let buf = '';
      sock.on('data', (chunk) => {
        const a = process.hrtime.bigint();
        buf += chunk.toString('latin1');
        let end: number;
        while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
          buf = buf.slice(end + 4);
          const i = idx++;
          noteArrival();
          const d = mode.kind === 'mix' ? mixDelayMs(i) : (mode as any).delayMs;
          respondAt(a + BigInt(d * 1e6), () => sock.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-arrived: ${a}\r\nx-responded: ${process.hrtime.bigint()}\r\n\r\nok`));
        }
      });
    });
    srv.listen(0, '127.0.0.1', () => process.send?.({ port: (srv.address() as any).port, startedAtEpochMs: Date.now() }));
    process.on('disconnect', () => process.exit(0));
    process.on('SIGTERM', () => process.exit(0));
    return;
  }
  const startNs = process.hrtime.bigint();
  const startedAtEpochMs = Date.now();
  let index = 0;
  const server = createServer((req, res) => {
    const arrivedNs = process.hrtime.bigint();
    (res as any).arrivedNs = arrivedNs;
    const current = index;
    index += 1;
    noteArrival();
    // Drain any request body so the connection stays usable.
    req.resume();
    switch (mode.kind) {
      case 'mix':
        respondAt(arrivedNs + BigInt(mixDelayMs(current) * 1e6), () => sendText(res, 200));
        return;
      case 'fixed':
        respondAt(arrivedNs + BigInt(Math.round(mode.delayMs * 1e6)), () => sendText(res, 200));
        return;
      case 'freeze': {
        const windowNs = BigInt(mode.windowMs * 1e6);
        const sinceStart = arrivedNs - startNs;
        const intoWindow = sinceStart % windowNs;
        if (intoWindow >= windowNs - BigInt(mode.freezeMs * 1e6)) {
          respondAt(arrivedNs - intoWindow + windowNs, () => sendText(res, 200));
        } else {
          sendText(res, 200);
        }
        return;
      }
      case 'errors':
        sendText(res, current % mode.every === mode.every - 1 ? 500 : 200);
        return;
      case 'hang':
        return;
    }
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    process.send?.({ port: address.port, startedAtEpochMs });
  });
  // Exit with the parent, whatever happens to it.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

const childMode = process.env[CHILD_MARKER];
if (childMode !== undefined && process.send !== undefined) {
  serve(JSON.parse(childMode) as DelayServerMode);
}
