// What the action does for an event: compare, comment, save a baseline. Pure.

import type { RunResult, Status } from '../results/types.ts';
import type { RunContext } from './run-context.ts';
import type { FailOn, UpdateBaselineMode } from './settings.ts';

export interface ActionPlan {
  /** The PR to comment on, if any. */
  pullRequestNumber?: number;
  /** Whether this run is on the default branch (a push, dispatch or schedule there). */
  onDefaultBranch: boolean;
  /** Save this run as a baseline after it ran. */
  saveBaseline: boolean;
  /** Why the baseline is or is not saved, for the log. */
  reason: string;
}

/**
 * - pull_request: compare with the default branch's history and comment; never save (a PR's code
 *   is not the baseline, and a fork's token could not save anyway).
 * - push to the default branch: compare with the previous history, then save (auto).
 * - workflow_dispatch / schedule: save only on the default branch (auto).
 * `update-baseline: true` saves from any non-PR run; `false` never saves.
 */
export function planRun(context: RunContext, update: UpdateBaselineMode): ActionPlan {
  const onDefaultBranch = context.ref === `refs/heads/${context.defaultBranch}`;
  const pr = context.pullRequest;
  const base = {
    ...(pr ? { pullRequestNumber: pr.number } : {}),
    onDefaultBranch,
  };
  if (pr || context.eventName.startsWith('pull_request')) {
    return {
      ...base,
      saveBaseline: false,
      reason: `baselines are never saved from a pull_request run${pr?.isFork ? ' or a fork' : ''}`,
    };
  }
  if (update === 'false')
    return { ...base, saveBaseline: false, reason: 'update-baseline is false' };
  if (update === 'true') return { ...base, saveBaseline: true, reason: 'update-baseline is true' };
  return onDefaultBranch
    ? { ...base, saveBaseline: true, reason: `a ${context.eventName} on the default branch` }
    : {
        ...base,
        saveBaseline: false,
        reason: `${context.ref || 'this ref'} is not the default branch (${context.defaultBranch})`,
      };
}

/** Regression checks that warned or failed (accepted ones pass). */
export function countRegressions(result: Pick<RunResult, 'checks'>): number {
  return result.checks.filter((c) => c.kind === 'regression' && c.status !== 'pass').length;
}

/** Whether the verdict fails the job under `fail-on`. */
export function failsJob(failOn: FailOn, verdict: Status): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'warn') return verdict !== 'pass';
  return verdict === 'fail';
}
