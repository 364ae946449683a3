// The seam every suite plugs into. A suite is one object: the section of perf.yml it owns, how it
// plans its units and runs them against a target, what it adds to results.json, its budgets, the
// metrics it gates by default, the windows the busy-runner guard reads and its report sections.
// The pipeline, the verdict, the report, the baseline history and the CLI ask the registry
// (./registry.ts) and never name a suite; adding one is its folder and one line there.
import type { z } from 'zod';
import type { BudgetMap } from '../config/schema-parts.ts';
import type { SuiteConfigPart } from '../config/suite-config-part.ts';
import type { PairOrder } from '../core/pair-order.ts';
import type { Section } from '../core/report-section.ts';
import type { LoadEngine } from '../engine/load-engine.ts';
import type { ResourceMonitor } from '../monitor/types.ts';
import type {
  Check,
  CoreRunResult,
  Metric,
  ResourceFigures,
  ScenarioRun,
} from '../results/types.ts';

/** The service a unit runs against: where it is and the headers every request carries. */
export interface SuiteTarget {
  /** Base URL (`target.url`). */
  url: string;
  /** The login's auth header, when perf.yml logs in. */
  authHeaders: Record<string, string>;
  /** Watches the service's CPU and memory, and the load generator's. */
  monitor?: ResourceMonitor;
}

/** What a suite's run may use besides its config. */
export interface SuiteContext {
  target: SuiteTarget;
  engine: LoadEngine;
  /** Progress lines for people (never headers or bodies). */
  log: (line: string) => void;
  /** The run's environment (a seed command's). */
  env: Record<string, string | undefined>;
  /** The config file's folder: relative paths in a suite's section are resolved against it. */
  configDir: string;
  signal?: AbortSignal;
}

/** What a suite's run hands over. */
export interface SuiteOutput<Detail = unknown> {
  /** Per-scenario accounts of HTTP load (load scenarios, volume queries at each step). */
  scenarios: ScenarioRun[];
  metrics: Metric[];
  /** Checks the suite decides itself: validity, stability, seeding. */
  checks: Check[];
  /** The suite's own account, kept in results.json under the suite's name. */
  detail?: Detail;
}

/**
 * How a unit is measured beside the base (the same-job comparison): `pairs` pairs, each one
 * measurement on the head and one on the base. Interleaved: one after the other in each pair's
 * seeded order (see src/core/pair-order.ts); concurrent: both at the same time, each with the
 * configured load.
 */
export type { PairOrder };

export interface Pairing {
  mode: 'interleaved' | 'concurrent';
  pairs: number;
  /** The order of each of the unit's pairs (`pairs` entries). */
  orderOf(unitName: string): readonly PairOrder[];
}

/** The same units measured on both services, pair by pair. */
export interface PairedOutput<Detail = unknown> {
  head: SuiteOutput<Detail>;
  base: SuiteOutput<Detail>;
}

/** The two services of a same-job comparison: the head (the PR's) and the base. */
export interface PairedContexts {
  head: SuiteContext;
  base: SuiteContext;
}

/** A stretch of the run the busy-runner guard judges: a scenario key and what was measured then. */
export interface MeasuredWindow {
  /** `<suite>/<scenario>`, as in metric keys. */
  scenario: string;
  resources?: Pick<ResourceFigures, 'otherCpuMean'>;
  /** Another key for stretches named already (a volume query across its steps): judged, not listed. */
  isAlias?: boolean;
}

/** What the default gated set knows of a measured scenario. */
export interface ScenarioFacts {
  /** Closed: connections send as fast as answers come; open: a fixed arrival rate. */
  model: 'closed' | 'open';
  /** Requests answered (any status). */
  answered: number;
}

export interface Suite<Config = unknown, Unit = unknown, Detail = unknown> {
  /** The suite's name: its perf.yml key, the first segment of its metric keys, its results key. */
  name: string;
  /** Its section of perf.yml. */
  config: SuiteConfigPart<Config>;
  /** What it runs, in order: scenarios, levels, the whole volume sweep. Empty: nothing to run. */
  plan(config: Config): Unit[];
  /** The scenario a unit measures (`<suite>/<unitName>` in metric keys). */
  unitName(unit: Unit): string;
  /** What the config asks for, in a few words: `2 scenarios`, `3 queries at 3 steps`. */
  describe(config: Config): string;
  /** The same, as the run's progress line says it before the suite starts (default: describe). */
  announce?(config: Config): string;
  /** Runs these units of the plan against the target; service errors are measured, not thrown. */
  run(context: SuiteContext, config: Config, units: readonly Unit[]): Promise<SuiteOutput<Detail>>;
  /**
   * Pairs a unit runs beside a base by default (1 when absent; `base.pairs` in perf.yml overrides).
   * A metric's `samples` then hold one value per pair, in pair order, on both sides.
   */
  defaultPairs?: number;
  /**
   * Runs the units against both services, pair by pair (`pairing`): each pair's measurement on the
   * head and on the base lands at the same index of the metrics' `samples`. Absent: the pipeline
   * alternates whole runs of each unit, one run per side per pair.
   */
  runPaired?(
    contexts: PairedContexts,
    config: Config,
    units: readonly Unit[],
    pairing: Pairing,
  ): Promise<PairedOutput<Detail>>;
  /**
   * A unit with a failing regression may run again while the service is up: the fail stands only
   * if the second run fails too. For suites whose units stand alone (not volume's, which re-seeds).
   */
  confirmable?: boolean;
  /** The detail's schema, part of the one results schema (absent: the suite keeps no detail). */
  detailSchema?: z.ZodType<Detail>;
  /** The detail as the baseline history stores it (e.g. without a per-second series). */
  compactDetail?(detail: Detail): Detail;
  /** Budgets the config writes for the suite and per scenario (keys `<suite>/<scenario>`). */
  budgets(config: Config, machine: { cores?: number; global: BudgetMap }): SuiteBudgets;
  /** Whether the default gated set holds this metric of the suite. */
  isGatedByDefault(
    metric: Metric,
    facts: ScenarioFacts | undefined,
    all: readonly Metric[],
  ): boolean;
  /** The stretches the busy-runner guard judges, besides the HTTP scenarios' own. */
  windows?(result: CoreRunResult, detail: Detail | undefined): MeasuredWindow[];
  /** The suite's sections of the report, after the checks' tables. */
  report?(result: CoreRunResult, detail: Detail | undefined): Section[];
}

export interface SuiteBudgets {
  suite: BudgetMap;
  scenarios: Record<string, BudgetMap>;
}

/** Any suite, as the registry holds it. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds suites of every config type.
export type AnySuite = Suite<any, any, any>;

/** A suite, typed by its own config, units and detail (checked where it is written). */
export function defineSuite<Config, Unit, Detail = never>(
  suite: Suite<Config, Unit, Detail>,
): Suite<Config, Unit, Detail> {
  return suite;
}
