// The resource monitor's contract: what the pipeline and the suites read from it.

/** One reading of a watched source. */
export interface ResourceSample {
  /** performance.now() when the reading was taken, in ms. */
  atMs: number;
  /** CPU used since the previous reading, in percent of ONE core (may exceed 100 on several cores). */
  cpuPercent: number;
  /** Resident memory in MB (MiB, 1024 × 1024 bytes). */
  memoryMB: number;
}

/** The readings of one watched source. */
export interface ResourceSeries {
  source: 'process' | 'container';
  /** e.g. "process tree of pid 123" or "container db (3f2a1b2c3d4e)" */
  label: string;
  samples: ResourceSample[];
}

/** CPU of the load generator itself (this process), so a saturated generator is not blamed on the service. */
export interface GeneratorSample {
  /** performance.now() when the reading was taken, in ms. */
  atMs: number;
  /** CPU this process used since the previous reading, in percent of one core. */
  cpuPercent: number;
  /**
   * The whole machine over the same interval (Linux /proc/stat; absent elsewhere), in percent of
   * one core: what all its processes ran (`busyPercent`, this one and the service included) and
   * what the hypervisor gave to other machines (`stealPercent`).
   */
  host?: { busyPercent: number; stealPercent: number };
}

/** A running resource monitor. */
export interface ResourceMonitor {
  /** One line for logs/report: what is watched, e.g. "process tree of pid 1234, every 500 ms". */
  readonly description: string;
  /** Logical cores of this machine. */
  readonly cores: number;
  /** Samples so far, per watched source (several containers = several series). */
  series(): ResourceSeries[];
  /** Load generator CPU samples so far. */
  generator(): GeneratorSample[];
  /**
   * Takes a reading now (after any that is running), so that a window ending now has one even
   * when it was shorter than the interval.
   */
  sampleNow(): Promise<void>;
  /** Stops sampling (takes one last sample first); idempotent. */
  stop(): Promise<void>;
}

/** What to watch and how often. */
export interface MonitorOptions {
  /** A process whose whole tree (it and all its descendants) is watched through /proc. */
  pid?: number;
  /** A container name or id, watched through the Docker Engine API. */
  container?: string;
  /** The GitHub Actions `services` JSON text (`${{ toJSON(job.services) }}`): every container in it is watched. */
  services?: string;
  /** Path of the Docker Engine socket (`/path` or `unix:///path`); default DOCKER_HOST when it is `unix://…`, else /var/run/docker.sock. */
  dockerSocket?: string;
  /** Time between samples, in ms (e.g. 500). */
  intervalMs: number;
  /** Degraded paths (no socket, unknown container, no /proc) report one line here and the run goes on. */
  warn: (line: string) => void;
}
