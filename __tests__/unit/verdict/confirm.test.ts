import { describe, expect, it } from 'vitest';
import type { Check } from '../../../src/results/types.ts';
import { applyConfirmation, scenariosToConfirm } from '../../../src/verdict/confirm.ts';

function check(metric: string, status: Check['status'], kind: Check['kind'] = 'regression'): Check {
  return { kind, metric, status, value: 1, unit: 'ms', message: `${metric} ${status}` };
}

describe('scenariosToConfirm', () => {
  it('lists each scenario with a failing regression once', () => {
    expect(
      scenariosToConfirm([
        check('load/a/latency.p95', 'fail'),
        check('load/a/latency.p50', 'fail'),
        check('load/b/latency.p95', 'warn'),
        check('load/c/latency.p95', 'fail', 'budget'),
        check('volume/q@1000/latency.p95', 'fail'),
      ]),
    ).toEqual(['load/a', 'volume/q@1000']);
  });
});

describe('applyConfirmation', () => {
  it('keeps a fail the second run repeats, and says so', () => {
    const [out] = applyConfirmation(
      [check('load/a/latency.p95', 'fail')],
      [check('load/a/latency.p95', 'fail')],
    );
    expect(out).toMatchObject({ status: 'fail' });
    expect(out?.message).toContain('confirmed by a second run');
  });

  it.each(['pass', 'warn'] as const)(
    'turns a fail the second run calls %s into a warning',
    (again) => {
      const [out] = applyConfirmation(
        [check('load/a/latency.p95', 'fail')],
        [check('load/a/latency.p95', again)],
      );
      expect(out).toMatchObject({ status: 'warn' });
      expect(out?.message).toContain(`not confirmed by a second run (load/a/latency.p95 ${again})`);
    },
  );

  it('an improvement on the second run does not confirm', () => {
    const [out] = applyConfirmation(
      [check('load/a/latency.p95', 'fail')],
      [check('load/a/latency.p95', 'pass', 'improvement')],
    );
    expect(out?.status).toBe('warn');
  });

  it('leaves other checks, and metrics the second run lacks, as they were', () => {
    const first = [
      check('load/a/latency.p95', 'warn'),
      check('load/b/latency.p95', 'fail'),
      check('load/a/latency.p99', 'fail', 'budget'),
    ];
    expect(applyConfirmation(first, [check('load/a/latency.p95', 'pass')])).toEqual(first);
  });
});
