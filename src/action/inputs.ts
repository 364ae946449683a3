// The only place that reads the action's inputs: parsed once into a typed settings object.
import * as core from '@actions/core';

export interface ActionInputs {
  /** Path of perf.yml (input `config`). */
  config: string;
  /** Replaces target.url (input `target-url`), e.g. a service container's address. */
  targetUrl?: string;
  /** Suites to run (input `suites`, comma-separated); all configured ones when empty. */
  suites?: string[];
  /** Where the result files go (input `results-dir`). */
  resultsDir: string;
}

/** Reads and checks the inputs. */
export function readInputs(): ActionInputs {
  const targetUrl = core.getInput('target-url').trim();
  const suites = core
    .getInput('suites')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return {
    config: core.getInput('config').trim() || 'perf.yml',
    ...(targetUrl ? { targetUrl } : {}),
    ...(suites.length > 0 ? { suites } : {}),
    resultsDir: core.getInput('results-dir').trim() || 'perf-results',
  };
}
