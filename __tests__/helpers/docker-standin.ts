// A stand-in for the Docker Engine API on a unix socket, for the resource monitor's tests (Docker
// does not run here). It speaks the documented shapes of the few endpoints the monitor uses:
// - GET [/v1.NN]/containers/{id or name}/json -> 200 {Id, Name: "/name", State, …};
// - GET [/v1.NN]/containers/{id or name}/stats?stream=false[&one-shot=true] -> 200 ContainerStats;
// - an unknown container -> 404 {"message": "No such container: <ref>"}; unknown routes -> 404
//   {"message": "page not found"}.
// Stats counters come from a script per container: reading n (0, 1, 2, …) gives the cumulative
// CPU counters and the memory at that reading. Like the real daemon, `one-shot=true` answers with
// one reading and an empty precpu_stats; without it (or when acting as a daemon older than API
// 1.41, which ignores one-shot) precpu_stats is one reading and cpu_stats the next.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The counters of one stats reading. */
export interface StandinReading {
  /** cpu_usage.total_usage, cumulative, in ns. */
  containerNs: number;
  /** system_cpu_usage, cumulative host CPU time over all CPUs, in ns. */
  systemNs: number;
  onlineCpus: number;
  /** memory_stats.usage, in bytes. */
  memoryUsage: number;
  /** memory_stats.stats: cgroup v1 (`cache`, `total_inactive_file`, …) or v2 (`inactive_file`, `file`, …). */
  memoryStats: Record<string, number>;
}

export interface StandinContainer {
  /** 64 hex digits. */
  id: string;
  /** Without the leading slash. */
  name: string;
  /** Reading number n of this container, n = 0, 1, 2, … */
  reading: (n: number) => StandinReading;
}

export interface DockerStandinOptions {
  containers: StandinContainer[];
  /** Act as a daemon older than API 1.41: ignore `one-shot` and always fill precpu_stats. */
  isOneShotIgnored?: boolean;
  /** Answer stats requests this much later, in ms (a busy daemon; a real one without one-shot takes ~1-2 s). */
  statsDelayMs?: number;
}

export interface DockerStandin {
  socketPath: string;
  /** Method and URL of every request, in order. */
  requests: string[];
  /** The most stats requests that were open at the same time. */
  maxConcurrentStats(): number;
  /** Takes a container away: later requests for it get 404. */
  removeContainer(name: string): void;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** A 64-hex-digit container id made from a seed character. */
export function containerId(seed: string): string {
  return `${seed}${'0123456789abcdef'.repeat(4)}`.slice(0, 64);
}

/** Readings with constant deltas: each reading adds `cpuDeltaNs` to the container, `systemDeltaNs` to the host. */
export function steadyReadings(shape: {
  cpuDeltaNs: number;
  systemDeltaNs: number;
  onlineCpus: number;
  memoryUsage: number;
  memoryStats: Record<string, number>;
}): (n: number) => StandinReading {
  return (n) => ({
    containerNs: 5e9 + n * shape.cpuDeltaNs,
    systemNs: 7e14 + n * shape.systemDeltaNs,
    onlineCpus: shape.onlineCpus,
    memoryUsage: shape.memoryUsage,
    memoryStats: shape.memoryStats,
  });
}

function cpuStats(reading: StandinReading): object {
  return {
    cpu_usage: {
      total_usage: reading.containerNs,
      usage_in_kernelmode: Math.floor(reading.containerNs * 0.3),
      usage_in_usermode: Math.floor(reading.containerNs * 0.7),
    },
    system_cpu_usage: reading.systemNs,
    online_cpus: reading.onlineCpus,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
}

/** precpu_stats of a one-shot answer: zeros, no system counter (omitted when empty). */
const EMPTY_CPU_STATS = {
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'api-version': '1.45',
    server: 'Docker/26.1.0 (linux)',
  });
  res.end(text);
}

/** Starts the stand-in on a unix socket in a fresh temp directory. */
export async function startDockerStandin(options: DockerStandinOptions): Promise<DockerStandin> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-standin-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: string[] = [];
  const removed = new Set<string>();
  const readingsServed = new Map<string, number>();
  const startedAt = new Date();
  let openStats = 0;
  let maxOpenStats = 0;

  const find = (ref: string): StandinContainer | undefined => {
    const name = ref.replace(/^\//, '');
    const byName = options.containers.find((c) => c.name === name || c.id === ref);
    const byPrefix = options.containers.filter((c) => ref.length >= 4 && c.id.startsWith(ref));
    const found = byName ?? (byPrefix.length === 1 ? byPrefix[0] : undefined);
    return found && !removed.has(found.id) ? found : undefined;
  };

  const nextReading = (container: StandinContainer): StandinReading => {
    const n = readingsServed.get(container.id) ?? 0;
    readingsServed.set(container.id, n + 1);
    return container.reading(n);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v1\.\d+(?=\/)/, '');
    const match = /^\/containers\/([^/]+)\/(json|stats)$/.exec(path);
    if (req.method !== 'GET' || !match) {
      sendJson(res, 404, { message: 'page not found' });
      return;
    }
    const ref = decodeURIComponent(match[1] as string);
    const container = find(ref);
    if (!container) {
      sendJson(res, 404, { message: `No such container: ${ref}` });
      return;
    }
    if (match[2] === 'json') {
      sendJson(res, 200, {
        Id: container.id,
        Created: startedAt.toISOString(),
        Name: `/${container.name}`,
        State: { Status: 'running', Running: true, Pid: 4242, ExitCode: 0 },
        Config: { Image: 'postgres:16', Hostname: container.id.slice(0, 12) },
      });
      return;
    }
    const stream = url.searchParams.get('stream');
    if (stream !== 'false' && stream !== '0') {
      sendJson(res, 400, { message: 'the stand-in answers stream=false only' });
      return;
    }
    openStats += 1;
    maxOpenStats = Math.max(maxOpenStats, openStats);
    res.on('close', () => {
      openStats -= 1;
    });
    const oneShot = url.searchParams.get('one-shot');
    const isOneShot = !options.isOneShotIgnored && (oneShot === 'true' || oneShot === '1');
    const first = nextReading(container);
    const [pre, now] = isOneShot ? [undefined, first] : [first, nextReading(container)];
    const readAt = new Date();
    const body = {
      name: `/${container.name}`,
      id: container.id,
      read: readAt.toISOString(),
      preread: pre ? new Date(readAt.getTime() - 1000).toISOString() : '0001-01-01T00:00:00Z',
      pids_stats: { current: 3, limit: 18446744073709552000 },
      blkio_stats: {
        io_service_bytes_recursive: null,
        io_serviced_recursive: null,
        io_queue_recursive: null,
      },
      num_procs: 0,
      storage_stats: {},
      cpu_stats: cpuStats(now),
      precpu_stats: pre ? cpuStats(pre) : EMPTY_CPU_STATS,
      memory_stats: { usage: now.memoryUsage, stats: now.memoryStats, limit: 2048 * MiB },
      networks: {
        eth0: { rx_bytes: 5338, rx_packets: 36, rx_errors: 0, rx_dropped: 0, tx_bytes: 648 },
      },
    };
    if (options.statsDelayMs) setTimeout(() => sendJson(res, 200, body), options.statsDelayMs);
    else sendJson(res, 200, body);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    requests,
    maxConcurrentStats: () => maxOpenStats,
    removeContainer(name) {
      const container = find(name);
      if (container) removed.add(container.id);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
