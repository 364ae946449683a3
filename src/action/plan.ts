// What the action does for an event: compare, comment, save a baseline. Pure.
//
// A saved run becomes the reference every later pull request is judged against, stamped with the
// default branch's name. So only runs of the repository's own code, started by people who may
// change it, are ever saved; `auto` saves only the runs that measure the default branch itself.

import type { Status } from '../results/types.ts';
import type { RunResult } from '../suites/registry.ts';
import type { RunContext } from './run-context.ts';
import type { FailOn, UpdateBaselineMode } from './settings.ts';

/**
 * Who can start a run of the event, and on whose code:
 * - `trusted`: only people with write access to the repository (or GitHub itself, on their
 *   behalf), on the repository's own code: `update-baseline: true` may save it.
 * - `untrusted`: the code or the trigger may come from outside the repository (a fork's pull
 *   request, a comment or an issue anyone can write): never saved, whatever `update-baseline` says.
 */
export type EventTrust = 'trusted' | 'untrusted';

/** Why runs of each untrusted event are never saved, in a few words. */
const PULL_REQUEST_CODE = "runs a pull request's code, which is not the default branch";
const PULL_REQUEST_CONTEXT = 'runs on behalf of a pull request, often with its code';
const ANYONE = 'can be started by anyone, not only by people with write access';
const COMMENT = 'is started by a comment anyone can write, often to test a pull request';

/**
 * Every event GitHub documents as one that can trigger a workflow ("Events that trigger
 * workflows"), with its trust and, for untrusted ones, why. An event name not listed here (a new
 * event, `dynamic`, an empty GITHUB_EVENT_NAME) is never saved either.
 */
export const WORKFLOW_EVENTS: Readonly<Record<string, { trust: EventTrust; why?: string }>> = {
  branch_protection_rule: { trust: 'trusted' },
  check_run: { trust: 'trusted' },
  check_suite: { trust: 'trusted' },
  create: { trust: 'trusted' },
  delete: { trust: 'trusted' },
  deployment: { trust: 'trusted' },
  deployment_status: { trust: 'trusted' },
  discussion: { trust: 'untrusted', why: ANYONE },
  discussion_comment: { trust: 'untrusted', why: ANYONE },
  fork: { trust: 'untrusted', why: ANYONE },
  gollum: { trust: 'untrusted', why: ANYONE },
  image_version: { trust: 'trusted' },
  issue_comment: { trust: 'untrusted', why: COMMENT },
  issues: { trust: 'untrusted', why: ANYONE },
  label: { trust: 'trusted' },
  merge_group: {
    trust: 'untrusted',
    why: "runs a merge queue's code, which is not on the default branch yet",
  },
  milestone: { trust: 'trusted' },
  page_build: { trust: 'trusted' },
  project: { trust: 'trusted' },
  project_card: { trust: 'trusted' },
  project_column: { trust: 'trusted' },
  public: { trust: 'trusted' },
  pull_request: { trust: 'untrusted', why: PULL_REQUEST_CODE },
  pull_request_review: { trust: 'untrusted', why: PULL_REQUEST_CODE },
  pull_request_review_comment: { trust: 'untrusted', why: PULL_REQUEST_CODE },
  pull_request_target: { trust: 'untrusted', why: PULL_REQUEST_CONTEXT },
  push: { trust: 'trusted' },
  registry_package: { trust: 'trusted' },
  release: { trust: 'trusted' },
  repository_dispatch: { trust: 'trusted' },
  schedule: { trust: 'trusted' },
  status: { trust: 'trusted' },
  watch: { trust: 'untrusted', why: ANYONE },
  // A called workflow sees its caller's event name: this one never names a run.
  workflow_call: { trust: 'untrusted', why: "is never a run's own event" },
  workflow_dispatch: { trust: 'trusted' },
  workflow_run: {
    trust: 'untrusted',
    why: "follows another run, often a fork's pull request, and may run its code",
  },
};

/** The events `update-baseline: auto` saves, when the run is on the default branch. */
export const AUTO_SAVE_EVENTS: readonly string[] = ['push', 'schedule', 'workflow_dispatch'];

export interface ActionPlan {
  /** The PR to comment on, if any. */
  pullRequestNumber?: number;
  /** Whether this run is on the default branch (GITHUB_REF is that branch, and it is known). */
  onDefaultBranch: boolean;
  /** Save this run as a baseline after it ran. */
  saveBaseline: boolean;
  /** Why the baseline is or is not saved, for the log. */
  reason: string;
}

/**
 * Whether the run is saved as a baseline:
 * - never from an untrusted event (see {@link WORKFLOW_EVENTS}), an unknown one, or a run whose
 *   payload carries a pull request, whatever `update-baseline` says;
 * - `auto`: a push, schedule or workflow_dispatch on the default branch, nothing else;
 * - `true`: any run of a trusted event, on any ref;
 * - `false`: never.
 */
export function planRun(context: RunContext, update: UpdateBaselineMode): ActionPlan {
  const onDefaultBranch =
    context.isDefaultBranchKnown && context.ref === `refs/heads/${context.defaultBranch}`;
  const pr = context.pullRequest;
  const event = context.eventName;
  const base = { ...(pr ? { pullRequestNumber: pr.number } : {}), onDefaultBranch };
  const never = (reason: string): ActionPlan => ({ ...base, saveBaseline: false, reason });
  const known = Object.hasOwn(WORKFLOW_EVENTS, event) ? WORKFLOW_EVENTS[event] : undefined;

  if (!known)
    return never(`'${event}' is not an event this version knows; baselines are not saved`);
  if (known.trust === 'untrusted') {
    return never(`baselines are never saved from a ${event} run: it ${known.why}`);
  }
  if (pr) {
    return never(
      `baselines are never saved from a run of a pull request${pr.isFork ? ' from a fork' : ''}`,
    );
  }
  if (update === 'false') return never('update-baseline is false');
  if (update === 'true') {
    return { ...base, saveBaseline: true, reason: `update-baseline is true (a ${event} run)` };
  }
  if (!AUTO_SAVE_EVENTS.includes(event)) {
    return never(
      `update-baseline: auto saves only a push, schedule or workflow_dispatch on the default branch, not a ${event}`,
    );
  }
  if (!context.isDefaultBranchKnown) {
    return never(
      'the default branch is not known (the event payload has no repository.default_branch)',
    );
  }
  if (!onDefaultBranch) {
    return never(
      `${context.ref || 'this ref'} is not the default branch (${context.defaultBranch})`,
    );
  }
  return { ...base, saveBaseline: true, reason: `a ${event} on the default branch` };
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
