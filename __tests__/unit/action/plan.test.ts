import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countRegressions, failsJob, planRun, WORKFLOW_EVENTS } from '../../../src/action/plan.ts';
import { type RunContext, readRunContext } from '../../../src/action/run-context.ts';

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
  it('reads a pull_request payload', async () => {
    const c = await context('pull_request', 'pull_request', 'refs/pull/12/merge');
    expect(c).toMatchObject({
      owner: 'octo-org',
      repo: 'shop',
      defaultBranch: 'main',
      runId: '77',
      runAttempt: '2',
      apiUrl: 'https://api.github.com',
      pullRequest: {
        number: 12,
        isFork: false,
        headSha: '1'.repeat(40),
        base: { ref: 'main', sha: '2'.repeat(40) },
      },
    });
  });

  it('knows no base outside a pull request (a push measures no base branch)', async () => {
    const c = await context('push', 'push_main', 'refs/heads/main');
    expect(c.pullRequest).toBeUndefined();
  });

  it('takes what the payload has of the base, and nothing it has not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'perf-action-event-'));
    try {
      const file = join(dir, 'event.json');
      const pr = (base: unknown) => ({
        pull_request: { number: 5, head: { sha: 'f'.repeat(40) }, base },
      });
      await writeFile(file, JSON.stringify(pr({ ref: 'release/1.x' })));
      const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: file };
      expect((await readRunContext(env)).pullRequest?.base).toEqual({ ref: 'release/1.x' });
      await writeFile(file, JSON.stringify(pr({ ref: 7, sha: null })));
      expect((await readRunContext(env)).pullRequest).not.toHaveProperty('base');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('knows a fork by its head repository', async () => {
    expect(
      (await context('pull_request', 'pull_request_fork', 'refs/pull/13/merge')).pullRequest,
    ).toEqual({
      number: 13,
      isFork: true,
      headSha: '3'.repeat(40),
      base: { ref: 'main', sha: '2'.repeat(40) },
    });
  });

  it('survives a missing or unreadable payload, and then does not know the default branch', async () => {
    const c = await readRunContext({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: '/nonexistent.json',
    });
    expect(c.defaultBranch).toBe('main');
    expect(c.isDefaultBranchKnown).toBe(false);
    expect(c.pullRequest).toBeUndefined();
  });

  it('reads the default branch of a schedule run from GITHUB_REF (its payload has no repository)', async () => {
    const c = await context('schedule', 'schedule', 'refs/heads/trunk');
    expect(c).toMatchObject({ defaultBranch: 'trunk', isDefaultBranchKnown: true });
  });
});

// Every event GitHub documents in "Events that trigger workflows", written out here (not taken
// from the code under test) so that the table below is checked against the documentation.
const DOCUMENTED_EVENTS = [
  'branch_protection_rule',
  'check_run',
  'check_suite',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'discussion',
  'discussion_comment',
  'fork',
  'gollum',
  'image_version',
  'issue_comment',
  'issues',
  'label',
  'merge_group',
  'milestone',
  'page_build',
  'project',
  'project_card',
  'project_column',
  'public',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'pull_request_target',
  'push',
  'registry_package',
  'release',
  'repository_dispatch',
  'schedule',
  'status',
  'watch',
  'workflow_call',
  'workflow_dispatch',
  'workflow_run',
];

// Saved by `auto` when on the default branch; nothing else ever is.
const AUTO_SAVES = new Set(['push', 'schedule', 'workflow_dispatch']);
// May be saved with `update-baseline: true` (started by people with write access, on the
// repository's own code). Every other event runs code or input from outside.
const TRUE_SAVES = new Set([
  'branch_protection_rule',
  'check_run',
  'check_suite',
  'create',
  'delete',
  'deployment',
  'deployment_status',
  'image_version',
  'label',
  'milestone',
  'page_build',
  'project',
  'project_card',
  'project_column',
  'public',
  'push',
  'registry_package',
  'release',
  'repository_dispatch',
  'schedule',
  'status',
  'workflow_dispatch',
]);

function runOf(eventName: string, ref: string, over: Partial<RunContext> = {}): RunContext {
  return {
    eventName,
    repository: 'octo-org/shop',
    owner: 'octo-org',
    repo: 'shop',
    ref,
    sha: 'abc',
    defaultBranch: 'main',
    isDefaultBranchKnown: true,
    runId: '77',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    ...over,
  };
}

describe('planRun: every documented event', () => {
  it('classifies exactly the documented events', () => {
    expect(Object.keys(WORKFLOW_EVENTS).sort()).toEqual([...DOCUMENTED_EVENTS].sort());
  });

  const table = DOCUMENTED_EVENTS.flatMap((event) =>
    (['auto', 'true', 'false'] as const).flatMap((update) =>
      ['refs/heads/main', 'refs/heads/feature', 'refs/tags/v1'].map((ref) => {
        const onMain = ref === 'refs/heads/main';
        const saves =
          update === 'auto'
            ? AUTO_SAVES.has(event) && onMain
            : update === 'true' && TRUE_SAVES.has(event);
        return [event, update, ref, saves] as const;
      }),
    ),
  );
  it.each(table)('%s, update-baseline %s, on %s: saves %s', (event, update, ref, saves) => {
    const plan = planRun(runOf(event, ref), update);
    expect(plan.saveBaseline).toBe(saves);
    expect(plan.reason.length).toBeGreaterThan(10);
  });

  it.each([
    'pull_request',
    'pull_request_target',
    'pull_request_review',
    'pull_request_review_comment',
    'workflow_run',
    'issue_comment',
    'merge_group',
  ])('%s is refused even with update-baseline true, and says why', (event) => {
    const plan = planRun(runOf(event, 'refs/heads/main'), 'true');
    expect(plan.saveBaseline).toBe(false);
    expect(plan.reason).toMatch(new RegExp(`^baselines are never saved from a ${event} run: it `));
  });

  it.each(['', 'dynamic', 'Push', 'push ', 'pull_request_comment', 'constructor'])(
    'an event name it does not know (%j) is never saved',
    (event) => {
      for (const update of ['auto', 'true'] as const) {
        const plan = planRun(runOf(event, 'refs/heads/main'), update);
        expect(plan.saveBaseline).toBe(false);
        expect(plan.reason).toMatch(/is not an event this version knows/);
      }
    },
  );

  it('never saves a run whose payload carries a pull request, whatever its event name', () => {
    const plan = planRun(
      runOf('push', 'refs/heads/main', { pullRequest: { number: 4, isFork: true } }),
      'true',
    );
    expect(plan).toMatchObject({ saveBaseline: false, pullRequestNumber: 4 });
    expect(plan.reason).toBe('baselines are never saved from a run of a pull request from a fork');
  });

  it('auto does not save when the default branch is not known', () => {
    const plan = planRun(runOf('push', 'refs/heads/main', { isDefaultBranchKnown: false }), 'auto');
    expect(plan).toMatchObject({ saveBaseline: false, onDefaultBranch: false });
    expect(plan.reason).toMatch(/default branch is not known/);
  });
});

describe('planRun: runs as the runner describes them', () => {
  it.each([
    ['pull_request', 'pull_request', 'refs/pull/12/merge', 'auto', false, 12],
    ['pull_request', 'pull_request', 'refs/pull/12/merge', 'true', false, 12],
    ['pull_request', 'pull_request_fork', 'refs/pull/13/merge', 'true', false, 13],
    ['push', 'push_main', 'refs/heads/main', 'auto', true, undefined],
    ['push', 'push_main', 'refs/heads/main', 'false', false, undefined],
    ['push', 'push_main', 'refs/heads/feature', 'auto', false, undefined],
    ['push', 'push_main', 'refs/heads/feature', 'true', true, undefined],
    ['workflow_dispatch', 'push_main', 'refs/heads/main', 'auto', true, undefined],
    ['workflow_dispatch', 'push_main', 'refs/heads/other', 'auto', false, undefined],
    ['schedule', 'schedule', 'refs/heads/main', 'auto', true, undefined],
    ['workflow_run', 'workflow_run', 'refs/heads/main', 'auto', false, undefined],
    ['workflow_run', 'workflow_run', 'refs/heads/main', 'true', false, undefined],
    ['issue_comment', 'issue_comment', 'refs/heads/main', 'auto', false, undefined],
    ['issue_comment', 'issue_comment', 'refs/heads/main', 'true', false, undefined],
    ['repository_dispatch', 'repository_dispatch', 'refs/heads/main', 'auto', false, undefined],
    ['repository_dispatch', 'repository_dispatch', 'refs/heads/main', 'true', true, undefined],
  ] as const)(
    '%s (%s payload) on %s, update-baseline %s: saves %s',
    async (eventName, file, ref, update, save, pr) => {
      const plan = planRun(await context(eventName, file, ref), update);
      expect(plan.saveBaseline).toBe(save);
      expect(plan.pullRequestNumber).toBe(pr);
    },
  );

  it('says why a fork PR does not save', async () => {
    const plan = planRun(
      await context('pull_request', 'pull_request_fork', 'refs/pull/13/merge'),
      'auto',
    );
    expect(plan.reason).toBe(
      "baselines are never saved from a pull_request run: it runs a pull request's code, which is not the default branch",
    );
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
