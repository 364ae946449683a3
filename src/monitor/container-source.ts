// Service containers as monitor sources, read through the Docker Engine API.
import { describeError } from '../errors.ts';
import {
  answeringEngine,
  createDockerClient,
  type DockerClient,
  type DockerSocketChoice,
  describeDockerFailure,
  dockerMessage,
} from './docker-api.ts';
import {
  type ContainerEngine,
  computeMemoryBytes,
  createCpuTracker,
  type DockerStats,
} from './docker-stats.ts';
import { type Source, toMB, warnOnce } from './source.ts';
import type { ResourceSeries } from './types.ts';

/** A container to watch: a name or id, and the service label when it came from the services JSON. */
export interface ContainerTarget {
  ref: string;
  label?: string;
}

/** The container sources that could be set up, and the client to close when done. */
export interface ContainerSources {
  sources: Source[];
  client?: DockerClient;
}

/** Docker's short id: the first 12 hex digits. */
function shortId(id: string): string {
  return id.slice(0, 12);
}

function describeTarget(target: ContainerTarget): string {
  return target.label && target.label !== target.ref
    ? `'${target.label}' (id ${shortId(target.ref)})`
    : `'${target.ref}'`;
}

/**
 * Resolves each target to its container id once (`GET /containers/{ref}/json`) and returns a source
 * for each one found. Never throws: no socket or a refused connection gives one warning and no
 * sources; an unknown container gives one warning and is left out.
 * @param fallbackCpus CPUs to assume when a stats answer does not say (the host's cores).
 */
export async function createContainerSources(
  targets: readonly ContainerTarget[],
  socket: DockerSocketChoice,
  warn: (line: string) => void,
  fallbackCpus: number,
): Promise<ContainerSources> {
  if (targets.length === 0) return { sources: [] };
  const client = createDockerClient(socket.socketPath);
  const sources: Source[] = [];
  for (const target of targets) {
    let answer: Awaited<ReturnType<DockerClient['get']>>;
    try {
      answer = await client.get(`/containers/${encodeURIComponent(target.ref)}/json`);
    } catch (error) {
      const note = socket.note ? ` (${socket.note})` : '';
      warn(
        `resource monitor: ${describeDockerFailure(error, socket.socketPath)}${note}; container metrics skipped`,
      );
      client.close();
      return { sources: [] };
    }
    if (answer.status === 404) {
      warn(
        `resource monitor: no container ${describeTarget(target)} (Docker: ${dockerMessage(answer)}); its metrics skipped`,
      );
      continue;
    }
    const body = answer.body as { Id?: unknown; Name?: unknown };
    if (answer.status !== 200 || typeof body?.Id !== 'string') {
      warn(
        `resource monitor: inspecting container ${describeTarget(target)} failed (Docker: ${dockerMessage(answer)}); its metrics skipped`,
      );
      continue;
    }
    const name = typeof body.Name === 'string' ? body.Name.replace(/^\//, '') : target.ref;
    const label = `container ${target.label ?? name} (${shortId(body.Id)})`;
    const engine = answeringEngine(answer);
    sources.push(createContainerSource(client, body.Id, label, warn, engine, fallbackCpus));
  }
  if (sources.length === 0) client.close();
  return sources.length > 0 ? { sources, client } : { sources };
}

/**
 * One container as a source. `one-shot=true` makes the daemon answer at once with empty
 * precpu_stats (API ≥ 1.41; older daemons ignore it and fill precpu after ~1 s), so CPU is mostly
 * taken against this source's previous answer; the first answer then only sets the baseline.
 * Podman's answers are always taken against the previous one, over wall time (docker-stats.ts).
 */
function createContainerSource(
  client: DockerClient,
  id: string,
  label: string,
  warn: (line: string) => void,
  engine: ContainerEngine,
  fallbackCpus: number,
): Source {
  const series: ResourceSeries = { source: 'container', label, samples: [] };
  const warnSampling = warnOnce(warn);
  const path = `/containers/${id}/stats?stream=false&one-shot=true`;
  const cpu = createCpuTracker(engine, fallbackCpus);
  let isGone = false;
  return {
    series,
    async sample() {
      if (isGone) return;
      let answer: Awaited<ReturnType<DockerClient['get']>>;
      try {
        answer = await client.get(path);
      } catch (error) {
        warnSampling(
          `resource monitor: reading ${label} failed: ${describeDockerFailure(error, client.socketPath)}; its samples are missing meanwhile`,
        );
        return;
      }
      const atMs = performance.now();
      const receivedAtMs = Date.now();
      if (answer.status === 404) {
        warn(
          `resource monitor: ${label} is gone (Docker: ${dockerMessage(answer)}); its metrics stop`,
        );
        isGone = true;
        return;
      }
      // A container that is not running: podman answers 200 with an empty body (Docker answers
      // zeros and an empty memory_stats, which give no sample below). No sample, and no warning.
      if (answer.status === 200 && answer.body === '') return;
      if (answer.status !== 200 || !answer.body || typeof answer.body !== 'object') {
        warnSampling(
          `resource monitor: reading ${label} failed (Docker: ${dockerMessage(answer)}); its samples are missing meanwhile`,
        );
        return;
      }
      try {
        const stats = answer.body as DockerStats;
        const cpuPercent = cpu.next(stats, receivedAtMs);
        const memoryBytes = computeMemoryBytes(stats);
        if (cpuPercent !== undefined && memoryBytes !== undefined) {
          series.samples.push({ atMs, cpuPercent, memoryMB: toMB(memoryBytes) });
        }
      } catch (error) {
        warnSampling(`resource monitor: reading ${label} failed: ${describeError(error)}`);
      }
    },
  };
}
