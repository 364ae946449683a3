import { describe, expect, it } from 'vitest';
import { buildFailureReport, failureKindOf } from '../../../src/action/failure-report.ts';
import { ConfigError, TargetError, UsageError } from '../../../src/errors.ts';

const links = ['[Workflow run](https://github.com/o/r/actions/runs/1)'];

describe('buildFailureReport', () => {
  it('says that nothing was measured, why, and for which commit', () => {
    expect(
      buildFailureReport({
        kind: 'target',
        reason: 'target http://127.0.0.1:1/health did not answer within 5 s (ECONNREFUSED)',
        links,
        commit: 'abcdef0123456789',
      }),
    ).toBe(
      [
        '**❌ no result: the target could not be reached or failed to start**',
        '',
        'perf-action measured nothing for commit `abcdef012345`, so nothing was compared; an earlier report no longer applies.',
        '',
        '```text',
        'target http://127.0.0.1:1/health did not answer within 5 s (ECONNREFUSED)',
        '```',
        '',
        '[Workflow run](https://github.com/o/r/actions/runs/1)',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['config', 'the configuration is invalid'],
    ['run', 'the run failed'],
  ] as const)('heads a %s failure with %j', (kind, headline) => {
    expect(buildFailureReport({ kind, reason: 'x', links })).toContain(`no result: ${headline}`);
  });

  it('keeps a reason that holds fences, mentions and markup inside its code block', () => {
    const reason = 'login refused: ```\n</details> @octocat [x](javascript:alert(1)) ````';
    const report = buildFailureReport({ kind: 'target', reason, links });
    expect(report).toContain(`\`\`\`\`\`text\n${reason}\n\`\`\`\`\`\n`);
  });

  it('cuts a very long reason', () => {
    const report = buildFailureReport({ kind: 'run', reason: 'x'.repeat(10_000), links });
    expect(report.length).toBeLessThan(2_500);
    expect(report).toContain('(cut; the job log has all of it)');
  });
});

describe('failureKindOf', () => {
  it.each([
    [new TargetError('down'), 'target'],
    [new ConfigError('bad'), 'config'],
    [new UsageError('bad'), 'config'],
    [new Error('boom'), 'run'],
    ['a string', 'run'],
  ] as const)('%s is a %s failure', (error, kind) => {
    expect(failureKindOf(error)).toBe(kind);
  });
});
