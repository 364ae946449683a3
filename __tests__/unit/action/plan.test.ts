import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countRegressions, failsJob, planRun } from '../../../src/action/plan.ts';
import { readRunContext } from '../../../src/action/run-context.ts';

const event = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/events/${name}.json`, import.meta.url));

function context(eventName: string, file: string | undefined, ref: string) {
  return readRunContext({
    GITHUB_EVENT_NAME: eventName,
    ...(file ? { GITHUB_EVENT_PATH: event(file) } : {}),
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_REF: ref,
    GITHUB_SHA: 'abc',
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '2',
  });
}

describe('readRunContext', () => {
  it('reads a pull_request payload', () => {
    const c = context('pull_request', 'pull_request', 'refs/pull/12/merge');
    expect(c).toMatchObject({
      owner: 'octo-org',
      repo: 'shop',
      defaultBranch: 'main',
      runId: '77',
      runAttempt: '2',
      apiUrl: 'https://api.github.com',
      pullRequest: { number: 12, isFork: false, headSha: '1'.repeat(40) },
    });
  });

  it('knows a fork by its head repository', () => {
    expect(context('pull_request', 'pull_request_fork', 'refs/pull/13/merge').pullRequest).toEqual({
      number: 13,
      isFork: true,
      headSha: '3'.repeat(40),
    });
  });

  it('survives a missing or unreadable payload', () => {
    const c = readRunContext({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: '/nonexistent.json' });
    expect(c.defaultBranch).toBe('main');
    expect(c.pullRequest).toBeUndefined();
  });
});

describe('planRun', () => {
  it.each([
    ['pull_request', 'pull_request', 'refs/pull/12/merge', 'auto', false, 12],
    ['pull_request', 'pull_request', 'refs/pull/12/merge', 'true', false, 12],
    ['fork pull_request', 'pull_request_fork', 'refs/pull/13/merge', 'true', false, 13],
    ['push to main', 'push_main', 'refs/heads/main', 'auto', true, undefined],
    ['push to main, update false', 'push_main', 'refs/heads/main', 'false', false, undefined],
    ['push to a branch', 'push_main', 'refs/heads/feature', 'auto', false, undefined],
    ['push to a branch, update true', 'push_main', 'refs/heads/feature', 'true', true, undefined],
  ] as const)('%s (update-baseline %s)', (_label, file, ref, update, save, pr) => {
    const eventName = file.startsWith('pull') ? 'pull_request' : 'push';
    const plan = planRun(context(eventName, file, ref), update);
    expect(plan.saveBaseline).toBe(save);
    expect(plan.pullRequestNumber).toBe(pr);
  });

  it.each([
    ['workflow_dispatch', 'refs/heads/main', true],
    ['schedule', 'refs/heads/main', true],
    ['workflow_dispatch', 'refs/heads/other', false],
  ])('%s on %s saves: %s', (eventName, ref, save) => {
    expect(planRun(context(eventName, 'push_main', ref), 'auto').saveBaseline).toBe(save);
  });

  it('says why a PR does not save', () => {
    const plan = planRun(
      context('pull_request', 'pull_request_fork', 'refs/pull/13/merge'),
      'auto',
    );
    expect(plan.reason).toBe('baselines are never saved from a pull_request run or a fork');
  });
});

describe('failsJob', () => {
  it.each([
    ['fail', 'fail', true],
    ['fail', 'warn', false],
    ['warn', 'warn', true],
    ['warn', 'pass', false],
    ['never', 'fail', false],
  ] as const)('fail-on %s, verdict %s -> %s', (failOn, verdict, fails) => {
    expect(failsJob(failOn, verdict)).toBe(fails);
  });
});

describe('countRegressions', () => {
  it('counts warned and failed regressions, not budgets, passes or improvements', () => {
    const c = (kind: 'budget' | 'regression' | 'improvement', status: 'pass' | 'warn' | 'fail') =>
      ({ kind, status }) as never;
    expect(
      countRegressions({
        checks: [
          c('regression', 'fail'),
          c('regression', 'warn'),
          c('regression', 'pass'),
          c('budget', 'fail'),
          c('improvement', 'pass'),
        ],
      }),
    ).toBe(2);
  });
});
