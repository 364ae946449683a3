// The bounds of every duration, rate, count and size perf.yml may set: each value that validates
// must be one the engine can run (Node's timers, one thread's scheduling, memory), and too small
// to measure anything is refused too. The schema checks these; the README's table is rendered from
// BOUND_TABLE (a test keeps it in step), so this file is the one place the numbers live.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A closed range, in the unit of its kind: milliseconds for durations, else the count itself. */
export interface Bound {
  min: number;
  max: number;
}

/** Durations, in milliseconds. */
export const DURATION_BOUNDS = {
  /** How long a load scenario's (or volume query's) round runs. */
  duration: { min: 100, max: 24 * HOUR },
  /** Unmeasured load before each round, and before a stress run (0 = none). */
  warmup: { min: 0, max: HOUR },
  /** Per request: scenarios, queries, stress, `defaults:`. */
  requestTimeout: { min: 10, max: 10 * MINUTE },
  /** One stress stage (and each until-break step, which lasts as long as the last stage). */
  stage: { min: 100, max: 30 * MINUTE },
  /** A stress scenario's own warm-up (one from `defaults:` counts in its planned length). */
  stressWarmup: { min: 0, max: 10 * MINUTE },
  /** Held at the first level after the peak: recovery needs two steady seconds in it. */
  cooldown: { min: 2 * SECOND, max: 10 * MINUTE },
  /** A stress stability limit on p95. */
  stabilityP95: { min: 1, max: 10 * MINUTE },
  /** `target.wait`. */
  wait: { min: 100, max: HOUR },
  /** `monitor.interval`: /proc and the Docker API cannot be sampled much faster. */
  monitorInterval: { min: 100, max: MINUTE },
  /** volume.seed.timeout for a seed request. */
  seedRequestTimeout: { min: 10, max: HOUR },
  /** volume.seed.timeout for a seed command (one step's run). */
  seedCommandTimeout: { min: SECOND, max: 24 * HOUR },
  /** video.status.interval: between two polls of one video. */
  pollInterval: { min: 10, max: 10 * MINUTE },
  /** video.status.timeout: one video, from its upload's start to done. */
  videoTimeout: { min: SECOND, max: 24 * HOUR },
  /** A generated video's length: generating longer ones takes too long. */
  syntheticVideo: { min: 100, max: 10 * MINUTE },
  /** The stated length of a video file. */
  videoFile: { min: 100, max: 24 * HOUR },
} as const satisfies Record<string, Bound>;

/** Counts and rates, in their own unit. */
export const NUMBER_BOUNDS = {
  /** Closed model: concurrent connections (one socket each). */
  connections: { min: 1, max: 10_000 },
  /** Open model: arrivals per second one Node thread can schedule on time. */
  rate: { min: 0.1, max: 100_000 },
  /** Closed model: requests per round. */
  requests: { min: 1, max: 10_000_000 },
  /** Open model: requests outstanding at once (one socket each). */
  maxInFlight: { min: 1, max: 10_000 },
  /** Measured rounds of a scenario. */
  rounds: { min: 1, max: 100 },
  /** Stages of a stress scenario. */
  stages: { min: 1, max: 50 },
  /** Request kinds of a stress mix. */
  mix: { min: 1, max: 20 },
  /** A mix item's relative weight. */
  weight: { min: 0.001, max: 1_000_000 },
  /** Records at a volume step. */
  stepRecords: { min: 1, max: 100_000_000 },
  /** Volume steps. */
  steps: { min: 2, max: 20 },
  /** Records per seed request. */
  seedBatch: { min: 1, max: 10_000 },
  /** Seed requests in flight. */
  seedConcurrency: { min: 1, max: 1_000 },
  /** Seed requests per second. */
  seedRate: { min: 0.1, max: 100_000 },
  /** Videos in flight at a level. */
  videoLevel: { min: 1, max: 1_000 },
  /** Video levels. */
  videoLevels: { min: 1, max: 20 },
  /** Videos processed per level. */
  videosPerLevel: { min: 1, max: 1_000 },
  /** Videos processed one by one before the levels. */
  videoWarmup: { min: 0, max: 100 },
  /** A generated video's frame width, in pixels (4K at most). */
  videoWidth: { min: 16, max: 3840 },
  /** A generated video's frame height, in pixels. */
  videoHeight: { min: 16, max: 2160 },
  /** A generated video's frames per second. */
  videoFps: { min: 1, max: 120 },
  /** Moving objects in a generated video. */
  videoObjects: { min: 0, max: 16 },
  /** `target.pid` (Linux's largest pid_max). */
  pid: { min: 1, max: 4_194_304 },
  /** Runs kept in the baseline history. */
  history: { min: 1, max: 100 },
  /** Baseline runs the statistical test needs. */
  minHistory: { min: 1, max: 100 },
  /** Pairs of a unit measured beside the base (`base.pairs`). */
  pairs: { min: 1, max: 100 },
  /** Seed of the base comparison's pair orders (`base.seed`). */
  pairSeed: { min: 0, max: 4_294_967_295 },
} as const satisfies Record<string, Bound>;

/** Limits on what several values make together, checked where each value alone is fine. */
export const COMBINED_LIMITS = {
  /**
   * Open model: rate x duration sends per round. Late sends queue in memory (8 bytes each), and
   * at least one send must be scheduled for the round to measure anything.
   */
  sendsPerRound: { min: 1, max: 10_000_000 },
  /** rounds x (warmup + duration) of one scenario, in milliseconds. */
  scenarioMs: { min: 0, max: 24 * HOUR },
  /**
   * One stress scenario's warm-up, stages, until-break steps and cool-down, in milliseconds: every
   * second of a stress run keeps a latency histogram per request kind (about 90 KB each).
   */
  stressMs: { min: 0, max: HOUR },
  /** Stages plus until-break steps of one stress scenario. */
  stressPhases: { min: 1, max: 100 },
  /** Open stress: the highest rate x timeout, arrivals that may wait for a slot at once. */
  stressBacklog: { min: 0, max: 10_000_000 },
  /** Videos a video suite processes, warm-up included. */
  videos: { min: 1, max: 10_000 },
  /**
   * A generated video's width x height x fps x seconds, in megapixels: 720p at 30 fps for 10
   * minutes is 16,600, a few minutes' work and under 1 GB of MJPEG.
   */
  syntheticMegapixels: { min: 0, max: 20_000 },
} as const satisfies Record<string, Bound>;

/** Files perf-action reads, in bytes. */
export const FILE_LIMITS = {
  /** perf.yml. */
  configBytes: 1024 * 1024,
  /** A results.json given to `compare`. */
  resultsBytes: 64 * 1024 * 1024,
  /** A baseline history file of the local store. */
  historyBytes: 32 * 1024 * 1024,
  /** Nesting of mappings and lists in perf.yml (a JSON body included). */
  yamlDepth: 64,
} as const;

/**
 * Whether `value` is a number within `bound`. Rules on combined values check their parts first:
 * zod runs refinements even after a range check failed, and one line per mistake is enough.
 */
export function isWithin(value: unknown, bound: Bound): value is number {
  return typeof value === 'number' && value >= bound.min && value <= bound.max;
}

/** One row of the README's table of bounds. */
interface BoundRow {
  /** The keys, as the README names them (Markdown). */
  keys: string;
  bound: Bound;
  kind: 'duration' | 'number';
  /** Said after the range (`requests/s`, `per round`). */
  unit?: string;
  /** A limit on a product: only its maximum is shown. */
  isLimit?: boolean;
}

const SCENARIO_KEYS = '(`defaults`, load scenarios, volume queries';

/** The README's table of bounds, in the order a perf.yml is written. */
const BOUND_ROWS: readonly BoundRow[] = [
  { keys: '`target.wait`', bound: DURATION_BOUNDS.wait, kind: 'duration' },
  { keys: '`target.pid`', bound: NUMBER_BOUNDS.pid, kind: 'number' },
  { keys: '`monitor.interval`', bound: DURATION_BOUNDS.monitorInterval, kind: 'duration' },
  { keys: `\`duration\` ${SCENARIO_KEYS})`, bound: DURATION_BOUNDS.duration, kind: 'duration' },
  { keys: `\`warmup\` ${SCENARIO_KEYS})`, bound: DURATION_BOUNDS.warmup, kind: 'duration' },
  {
    keys: `\`timeout\` per request ${SCENARIO_KEYS}, stress scenarios)`,
    bound: DURATION_BOUNDS.requestTimeout,
    kind: 'duration',
  },
  { keys: `\`rounds\` ${SCENARIO_KEYS})`, bound: NUMBER_BOUNDS.rounds, kind: 'number' },
  {
    keys: '`connections` (scenarios, queries, stress stages; stress `step` and `max-level`)',
    bound: NUMBER_BOUNDS.connections,
    kind: 'number',
  },
  {
    keys: '`rate` (scenarios, queries, stress stages; stress `step` and `max-level`)',
    bound: NUMBER_BOUNDS.rate,
    kind: 'number',
    unit: 'requests/s',
  },
  {
    keys: '`requests` (scenarios, queries)',
    bound: NUMBER_BOUNDS.requests,
    kind: 'number',
    unit: 'per round, and at least `connections`',
  },
  { keys: '`max-in-flight`', bound: NUMBER_BOUNDS.maxInFlight, kind: 'number' },
  { keys: '`base.pairs` (each suite)', bound: NUMBER_BOUNDS.pairs, kind: 'number' },
  {
    keys: '`rate` × `duration` (open model)',
    bound: COMBINED_LIMITS.sendsPerRound,
    kind: 'number',
    unit: 'requests per round',
  },
  {
    keys: '`rounds` × (`warmup` + `duration`)',
    bound: COMBINED_LIMITS.scenarioMs,
    kind: 'duration',
    unit: 'per scenario',
    isLimit: true,
  },
  { keys: 'stress `warmup`', bound: DURATION_BOUNDS.stressWarmup, kind: 'duration' },
  { keys: 'stress `stages[].duration`', bound: DURATION_BOUNDS.stage, kind: 'duration' },
  { keys: 'stress `stages`', bound: NUMBER_BOUNDS.stages, kind: 'number', unit: 'stages' },
  {
    keys: 'stress stages + `until-break` steps',
    bound: COMBINED_LIMITS.stressPhases,
    kind: 'number',
    unit: 'phases',
    isLimit: true,
  },
  {
    keys: 'stress `warmup` + stages + steps + `cooldown`',
    bound: COMBINED_LIMITS.stressMs,
    kind: 'duration',
    unit: 'per scenario',
    isLimit: true,
  },
  {
    keys: 'open stress: highest rate × `timeout`',
    bound: COMBINED_LIMITS.stressBacklog,
    kind: 'number',
    unit: 'arrivals waiting at once',
    isLimit: true,
  },
  { keys: 'stress `cooldown`', bound: DURATION_BOUNDS.cooldown, kind: 'duration' },
  { keys: 'stress `mix`', bound: NUMBER_BOUNDS.mix, kind: 'number', unit: 'request kinds' },
  { keys: 'stress `mix[].weight`', bound: NUMBER_BOUNDS.weight, kind: 'number' },
  { keys: 'stress `limits.latency.p95`', bound: DURATION_BOUNDS.stabilityP95, kind: 'duration' },
  { keys: '`volume.steps[]`', bound: NUMBER_BOUNDS.stepRecords, kind: 'number', unit: 'records' },
  { keys: '`volume.steps`', bound: NUMBER_BOUNDS.steps, kind: 'number', unit: 'steps' },
  { keys: '`volume.seed.batch`', bound: NUMBER_BOUNDS.seedBatch, kind: 'number' },
  { keys: '`volume.seed.concurrency`', bound: NUMBER_BOUNDS.seedConcurrency, kind: 'number' },
  {
    keys: '`volume.seed.rate`',
    bound: NUMBER_BOUNDS.seedRate,
    kind: 'number',
    unit: 'requests/s',
  },
  {
    keys: '`volume.seed.timeout` (a request)',
    bound: DURATION_BOUNDS.seedRequestTimeout,
    kind: 'duration',
  },
  {
    keys: '`volume.seed.timeout` (a command, per step)',
    bound: DURATION_BOUNDS.seedCommandTimeout,
    kind: 'duration',
  },
  { keys: '`video.levels[]`', bound: NUMBER_BOUNDS.videoLevel, kind: 'number', unit: 'in flight' },
  { keys: '`video.levels`', bound: NUMBER_BOUNDS.videoLevels, kind: 'number', unit: 'levels' },
  { keys: '`video.videos-per-level`', bound: NUMBER_BOUNDS.videosPerLevel, kind: 'number' },
  { keys: '`video.warmup`', bound: NUMBER_BOUNDS.videoWarmup, kind: 'number', unit: 'videos' },
  {
    keys: 'videos over all levels, warm-up included',
    bound: COMBINED_LIMITS.videos,
    kind: 'number',
    isLimit: true,
  },
  { keys: '`video.status.interval`', bound: DURATION_BOUNDS.pollInterval, kind: 'duration' },
  { keys: '`video.status.timeout`', bound: DURATION_BOUNDS.videoTimeout, kind: 'duration' },
  { keys: '`synthetic.duration`', bound: DURATION_BOUNDS.syntheticVideo, kind: 'duration' },
  { keys: '`synthetic.width`', bound: NUMBER_BOUNDS.videoWidth, kind: 'number', unit: 'pixels' },
  { keys: '`synthetic.height`', bound: NUMBER_BOUNDS.videoHeight, kind: 'number', unit: 'pixels' },
  { keys: '`synthetic.fps`', bound: NUMBER_BOUNDS.videoFps, kind: 'number' },
  { keys: '`synthetic.objects`', bound: NUMBER_BOUNDS.videoObjects, kind: 'number' },
  {
    keys: 'synthetic width × height × fps × seconds',
    bound: COMBINED_LIMITS.syntheticMegapixels,
    kind: 'number',
    unit: 'megapixels',
    isLimit: true,
  },
  { keys: '`videos[].duration` (a file)', bound: DURATION_BOUNDS.videoFile, kind: 'duration' },
  { keys: '`baseline.history`', bound: NUMBER_BOUNDS.history, kind: 'number', unit: 'runs' },
  {
    keys: '`regression.min-history`',
    bound: NUMBER_BOUNDS.minHistory,
    kind: 'number',
    unit: 'runs, and at most `baseline.history`',
  },
];

const showMs = (ms: number): string => {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
};

const showCount = (value: number): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: 6 });

function showBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`;
}

/**
 * The README's table of bounds (Markdown): every bounded key with its range, and the limits on
 * the files read. The README holds a copy, checked by a test.
 */
export function boundsTable(): string {
  const rows = BOUND_ROWS.map((row) => {
    const show = row.kind === 'duration' ? showMs : showCount;
    const range = row.isLimit
      ? `at most ${show(row.bound.max)}`
      : `${show(row.bound.min)} – ${show(row.bound.max)}`;
    return `| ${row.keys} | ${range}${row.unit ? ` ${row.unit}` : ''} |`;
  });
  const files = [
    `| perf.yml | a regular file, at most ${showBytes(FILE_LIMITS.configBytes)}, nested at most ${FILE_LIMITS.yamlDepth} levels |`,
    `| a results.json (\`compare\`) | a regular file, at most ${showBytes(FILE_LIMITS.resultsBytes)} |`,
    `| a history file (\`--baseline-dir\`) | a regular file, at most ${showBytes(FILE_LIMITS.historyBytes)} |`,
  ];
  return ['| Key | Allowed |', '| --- | --- |', ...rows, ...files].join('\n');
}
