// The only place that reads the action's inputs: parsed once into a typed settings object.
// Bad input values fail the step with one line naming the input and the accepted values.
import * as core from '@actions/core';
import { UsageError } from '../errors.ts';

export type BaselineMode = 'cache' | 'artifact' | 'none';
export type UpdateBaselineMode = 'auto' | 'true' | 'false';
export type CommentMode = 'always' | 'on-change' | 'never';
export type FailOn = 'fail' | 'warn' | 'never';

export interface ActionSettings {
  /** Path of perf.yml (input `config`). */
  config: string;
  /** Replaces target.url (input `target-url`), e.g. a service container's address. */
  targetUrl?: string;
  /** Replaces target.start (input `target-start`): the shell command that starts the service. */
  targetStart?: string;
  /**
   * Replaces base.url (input `base-url`): the base branch's service, measured beside the target in
   * the same job, pair by pair, and compared with it.
   */
  baseUrl?: string;
  /** Replaces base.start (input `base-start`): the shell command that starts the base service. */
  baseStart?: string;
  /** The job's service containers as JSON (input `services`), for the resource monitor. */
  services?: string;
  /** Suites to run (input `suites`, comma-separated); every configured suite when absent. */
  suites?: string[];
  /** Token for the PR comment and the artifact listing (input `github-token`). */
  githubToken: string;
  /** Where the baseline history lives (input `baseline`). */
  baseline: BaselineMode;
  /** A directory store that replaces `baseline` when set (input `baseline-path`). */
  baselinePath?: string;
  /** When to save this run as a baseline (input `update-baseline`). */
  updateBaseline: UpdateBaselineMode;
  /** When to write the sticky PR comment (input `comment`). */
  comment: CommentMode;
  /** Which verdict fails the job (input `fail-on`). */
  failOn: FailOn;
  /** Where the result files go (input `results-dir`). */
  resultsDir: string;
  /** Name of the uploaded artifact; empty: no upload (input `artifact-name`). */
  artifactName: string;
}

/** Reads and checks every input. */
export function readSettings(read: (name: string) => string = core.getInput): ActionSettings {
  const text = (name: string) => read(name).trim();
  const targetUrl = text('target-url');
  const targetStart = text('target-start');
  const baseUrl = text('base-url');
  const baseStart = text('base-start');
  const baselinePath = text('baseline-path');
  const services = text('services');
  const suites = text('suites')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return {
    config: text('config') || 'perf.yml',
    ...(targetUrl ? { targetUrl } : {}),
    ...(targetStart ? { targetStart } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...(baseStart ? { baseStart } : {}),
    ...(services && services !== 'null' ? { services } : {}),
    ...(suites.length > 0 ? { suites } : {}),
    githubToken: text('github-token'),
    baseline: oneOf('baseline', text('baseline') || 'cache', ['cache', 'artifact', 'none']),
    ...(baselinePath ? { baselinePath } : {}),
    updateBaseline: oneOf('update-baseline', text('update-baseline') || 'auto', [
      'auto',
      'true',
      'false',
    ]),
    comment: oneOf('comment', text('comment') || 'always', ['always', 'on-change', 'never']),
    failOn: oneOf('fail-on', text('fail-on') || 'fail', ['fail', 'warn', 'never']),
    resultsDir: text('results-dir') || 'perf-results',
    artifactName: text('artifact-name'),
  };
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`input '${input}' is '${value}'; expected one of: ${allowed.join(', ')}`);
}
