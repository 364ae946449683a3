// Starts the resource monitor: the service's process tree and/or containers, and the generator's
// own CPU, sampled together on one unref'd timer.
import { availableParallelism } from 'node:os';
import { ConfigError, describeError } from '../errors.ts';
import { type ContainerTarget, createContainerSources } from './container-source.ts';
import { resolveDockerSocket } from './docker-api.ts';
import { createGeneratorSampler } from './generator.ts';
import { createProcessSource } from './proc-tree.ts';
import { parseServices } from './services.ts';
import type { Source } from './source.ts';
import type { MonitorOptions, ResourceMonitor } from './types.ts';

function joinWithAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Drives one source: a tick while its previous reading still runs is skipped, not queued. */
interface Runner {
  /** performance.now() when the latest reading started, in ms. */
  readonly lastStartedAtMs: number;
  /** Starts a reading unless one is running; resolves when the running one ends. */
  run(): Promise<void>;
  /** Resolves when no reading is running. */
  settle(): Promise<void>;
}

function createRunner(source: Source, warn: (line: string) => void): Runner {
  let inFlight: Promise<void> | undefined;
  let lastStartedAtMs = Number.NEGATIVE_INFINITY;
  return {
    get lastStartedAtMs() {
      return lastStartedAtMs;
    },
    run() {
      if (!inFlight) {
        lastStartedAtMs = performance.now();
        inFlight = source
          .sample()
          // Sources report their own problems; this is only a guard for the unexpected.
          .catch((error: unknown) => {
            warn(
              `resource monitor: sampling ${source.series.label} failed: ${describeError(error)}`,
            );
          })
          .finally(() => {
            inFlight = undefined;
          });
      }
      return inFlight;
    },
    settle() {
      return inFlight ?? Promise.resolve();
    },
  };
}

/**
 * Starts watching what `options` names and takes a first sample before resolving. Problems with
 * what is watched (no /proc, no such pid, no Docker socket, unknown container) are warned once
 * and leave that source out; sampling never throws.
 * @throws ConfigError when `intervalMs` is not a positive number or `services` is not the
 *   services JSON.
 */
export async function startMonitor(options: MonitorOptions): Promise<ResourceMonitor> {
  const { intervalMs, warn } = options;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new ConfigError(
      `resource monitor: the interval must be a positive number of ms, got ${intervalMs}`,
    );
  }
  const targets: ContainerTarget[] = [
    ...(options.container?.trim() ? [{ ref: options.container.trim() }] : []),
    ...parseServices(options.services).map((s) => ({ ref: s.id, label: s.label })),
  ];
  const cores = availableParallelism();

  const processSource =
    options.pid === undefined ? undefined : await createProcessSource(options.pid, warn);
  const containers = await createContainerSources(
    targets,
    resolveDockerSocket(options.dockerSocket, process.env.DOCKER_HOST),
    warn,
    cores,
  );
  const sources: Source[] = [...(processSource ? [processSource] : []), ...containers.sources];
  const generator = createGeneratorSampler();

  const labels = sources.map((s) => s.series.label);
  const description = `${labels.length > 0 ? joinWithAnd(labels) : 'no service resources (load generator CPU only)'}, every ${intervalMs} ms`;

  const runners = sources.map((source) => createRunner(source, warn));
  const tick = (): void => {
    generator.sample();
    for (const runner of runners) runner.run();
  };

  generator.sample();
  await Promise.all(runners.map((runner) => runner.run()));
  const timer = setInterval(tick, intervalMs);
  timer.unref();

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await Promise.all(runners.map((runner) => runner.settle()));
    // A last reading right after a tick's would measure CPU over a few ms: mostly noise.
    const isDue = (lastMs: number) => performance.now() - lastMs >= intervalMs / 2;
    if (isDue(generator.lastAtMs)) generator.sample();
    await Promise.all(runners.filter((r) => isDue(r.lastStartedAtMs)).map((r) => r.run()));
    containers.client?.close();
  };

  return {
    description,
    cores,
    series: () => sources.map((s) => ({ ...s.series, samples: [...s.series.samples] })),
    generator: () => [...generator.samples],
    async sampleNow() {
      if (stopping) return;
      await Promise.all(runners.map((runner) => runner.settle()));
      generator.sample();
      await Promise.all(runners.map((runner) => runner.run()));
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
