// An HTTP/1.1 test server with known, precise response delays, run in a child process so that it
// shares neither the event loop nor (mostly) the core of the load generator under test.
//
// Precision, which the accuracy tests need to well under a millisecond:
// - The server is a minimal HTTP/1.1 responder on node:net (keep-alive, Content-Length bodies,
//   responses in request order). A request's arrival is timestamped when its bytes arrive, before
//   any parsing, and each response is one pre-built write: node:http adds ~0.1 ms per request on
//   a small VM.
// - Each response is due at arrival + delay on process.hrtime.bigint(). The loop sleeps on a timer
//   until ~2 ms before the next due response, then spins with setImmediate (I/O is still polled on
//   every turn) until it is due, so a response never leaves early and rarely more than a few tens
//   of microseconds late.
// - Optionally (`stayAwakeMs`) the loop keeps spinning for a while after each arrival: an idle
//   process on a VM takes ~0.1-0.5 ms to wake up for a packet. That pays off when requests arrive
//   back to back (closed model, many connections); with sparse arrivals (open model at a few
//   hundred per second) the spinning only takes a core the load generator needs.
//
// This file is both the test-side API (startDelayServer) and, when started with the marker
// environment variable, the child process itself.
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** How the server answers. Request indexes count from 0 in arrival order, over all connections. */
export type DelayServerMode =
  /** Of every 50 requests: 45 take 10 ms, 4 take 40 ms, 1 takes 120 ms (90 % / 8 % / 2 %). */
  | { kind: 'mix' }
  /** Every request takes `delayMs`. */
  | { kind: 'fixed'; delayMs: number }
  /**
   * Requests that arrive during the last `freezeMs` of every `windowMs` window (counted from the
   * server's start) are held until that window ends; the others are answered at once.
   */
  | { kind: 'freeze'; windowMs: number; freezeMs: number }
  /** Answers at once; request `i` gets a 500 when `i % every === every - 1`, else a 200. */
  | { kind: 'errors'; every: number }
  /** Never answers. */
  | { kind: 'hang' };

export interface DelayServerOptions {
  /** Keep the event loop spinning this long after each arrival, in ms (default 0: sleep). */
  stayAwakeMs?: number;
}

export interface DelayServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Wall-clock time (Date.now()) from which the freeze windows count. */
  startedAtEpochMs: number;
  /** Stops the child process. */
  close(): Promise<void>;
}

const CHILD_MARKER = 'PERF_ACTION_DELAY_SERVER';

/** What the child process is told, through its environment. */
interface ChildConfig {
  mode: DelayServerMode;
  stayAwakeMs: number;
}
/** Below this distance to the next due response the loop spins instead of sleeping. */
const SPIN_WINDOW_NS = 2_000_000n;
const HEAD_END = Buffer.from('\r\n\r\n');

/** Starts a delay server on 127.0.0.1, port 0, in a child process. */
export async function startDelayServer(
  mode: DelayServerMode,
  options: DelayServerOptions = {},
): Promise<DelayServer> {
  const config: ChildConfig = { mode, stayAwakeMs: options.stayAwakeMs ?? 0 };
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [CHILD_MARKER]: JSON.stringify(config) },
    // The parent may run under a test runner's loaders; the child is plain Node (strips types).
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<{ port: number; startedAtEpochMs: number }>(
      (resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('delay server did not start in 10 s')),
          10_000,
        );
        child.once('message', (message) => {
          clearTimeout(timer);
          resolve(message as { port: number; startedAtEpochMs: number });
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`delay server exited early with code ${code}`));
        });
      },
    );
    return {
      url: `http://127.0.0.1:${ready.port}`,
      port: ready.port,
      startedAtEpochMs: ready.startedAtEpochMs,
      close: () => stopChild(child),
    };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
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

/** Calls each `respond` at its due time (see the header comment for how). */
class Responder {
  readonly #stayAwakeNs: bigint;
  // Sorted by due time; small (at most the requests in flight).
  readonly #pending: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #isSpinning = false;
  #lastArrivalNs = 0n;

  constructor(stayAwakeMs: number) {
    this.#stayAwakeNs = BigInt(Math.round(stayAwakeMs * 1e6));
  }

  /** Notes an arrival: with stayAwakeMs, the loop keeps spinning for the next one. */
  noteArrival(nowNs: bigint): void {
    this.#lastArrivalNs = nowNs;
    if (this.#stayAwakeNs > 0n) this.#spin();
  }

  respondAt(dueNs: bigint, respond: () => void): void {
    let index = this.#pending.length;
    while (index > 0 && (this.#pending[index - 1] as Pending).dueNs > dueNs) index -= 1;
    this.#pending.splice(index, 0, { dueNs, respond });
    this.#sleepOrSpin();
  }

  readonly #turn = (): void => {
    this.#isSpinning = false;
    const now = process.hrtime.bigint();
    while (this.#pending.length > 0 && (this.#pending[0] as Pending).dueNs <= now) {
      (this.#pending.shift() as Pending).respond();
    }
    if (now - this.#lastArrivalNs < this.#stayAwakeNs) this.#spin();
    else this.#sleepOrSpin();
  };

  #spin(): void {
    if (this.#isSpinning) return;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#isSpinning = true;
    setImmediate(this.#turn);
  }

  #sleepOrSpin(): void {
    if (this.#isSpinning) return;
    const next = this.#pending[0];
    if (!next) return;
    const waitNs = next.dueNs - process.hrtime.bigint();
    if (waitNs <= SPIN_WINDOW_NS) {
      this.#spin();
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#sleepOrSpin();
      },
      Number(waitNs - SPIN_WINDOW_NS) / 1e6,
    );
  }
}

function buildResponse(status: number): Buffer {
  const reason = status === 200 ? 'OK' : 'Internal Server Error';
  return Buffer.from(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n` +
      'connection: keep-alive\r\nkeep-alive: timeout=30\r\n\r\nok',
    'latin1',
  );
}

/** Milliseconds to hold request number `index` in mix mode. */
function mixDelayMs(index: number): number {
  const slot = index % 50;
  if (slot < 45) return 10;
  if (slot < 49) return 40;
  return 120;
}

/** When (hrtime ns) to answer the request that arrived at `arrivedNs`; undefined: never. */
type Planner = (index: number, arrivedNs: bigint) => { dueNs: bigint; status: number } | undefined;

function createPlanner(mode: DelayServerMode, startNs: bigint): Planner {
  const ms = (millis: number): bigint => BigInt(Math.round(millis * 1e6));
  switch (mode.kind) {
    case 'mix':
      return (index, arrivedNs) => ({ dueNs: arrivedNs + ms(mixDelayMs(index)), status: 200 });
    case 'fixed':
      return (_index, arrivedNs) => ({ dueNs: arrivedNs + ms(mode.delayMs), status: 200 });
    case 'freeze': {
      const windowNs = ms(mode.windowMs);
      const openNs = windowNs - ms(mode.freezeMs);
      return (_index, arrivedNs) => {
        const intoWindow = (arrivedNs - startNs) % windowNs;
        const dueNs = intoWindow >= openNs ? arrivedNs - intoWindow + windowNs : arrivedNs;
        return { dueNs, status: 200 };
      };
    }
    case 'errors':
      return (index, arrivedNs) => ({
        dueNs: arrivedNs,
        status: index % mode.every === mode.every - 1 ? 500 : 200,
      });
    case 'hang':
      return () => undefined;
  }
}

/**
 * One keep-alive connection: splits the byte stream into requests (head up to CRLFCRLF, then
 * Content-Length bytes of body) and writes the responses in request order.
 */
function handleConnection(
  socket: Socket,
  onRequest: (arrivedNs: bigint, answer: (response: Buffer) => void) => void,
): void {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  let buffered: Buffer = Buffer.alloc(0);
  let bodyBytesToSkip = 0;
  // Responses wait here until every earlier one on this connection went out.
  const queue: { response: Buffer | undefined }[] = [];
  const flush = (): void => {
    while (queue.length > 0 && (queue[0] as { response: Buffer | undefined }).response) {
      const { response } = queue.shift() as { response: Buffer };
      if (!socket.destroyed) socket.write(response);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    const arrivedNs = process.hrtime.bigint();
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      if (bodyBytesToSkip > 0) {
        const skipped = Math.min(bodyBytesToSkip, buffered.length);
        buffered = buffered.subarray(skipped);
        bodyBytesToSkip -= skipped;
        if (bodyBytesToSkip > 0) return;
      }
      const headEnd = buffered.indexOf(HEAD_END);
      if (headEnd < 0) return;
      const head = buffered.subarray(0, headEnd).toString('latin1');
      buffered = buffered.subarray(headEnd + HEAD_END.length);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      bodyBytesToSkip = length ? Number(length[1]) : 0;
      const slot: { response: Buffer | undefined } = { response: undefined };
      queue.push(slot);
      onRequest(arrivedNs, (response) => {
        slot.response = response;
        flush();
      });
    }
  });
}

function serve({ mode, stayAwakeMs }: ChildConfig): void {
  const responder = new Responder(stayAwakeMs);
  const startNs = process.hrtime.bigint();
  const startedAtEpochMs = Date.now();
  const plan = createPlanner(mode, startNs);
  const responses = { 200: buildResponse(200), 500: buildResponse(500) };
  let index = 0;
  const server = createServer((socket) => {
    handleConnection(socket, (arrivedNs, answer) => {
      responder.noteArrival(arrivedNs);
      const planned = plan(index, arrivedNs);
      index += 1;
      if (!planned) return;
      const response = planned.status === 500 ? responses[500] : responses[200];
      responder.respondAt(planned.dueNs, () => answer(response));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    process.send?.({ port: address.port, startedAtEpochMs });
  });
  // Exit with the parent, whatever happens to it.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

const childConfig = process.env[CHILD_MARKER];
if (childConfig !== undefined && process.send !== undefined) {
  serve(JSON.parse(childConfig) as ChildConfig);
}
