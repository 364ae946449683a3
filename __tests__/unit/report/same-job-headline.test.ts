// What the headline and the report say when the base was measured in the same job.
import { describe, expect, it } from 'vitest';
import { baseName, comparedWithBase } from '../../../src/report/headline.ts';

const sameJob = {
  target: { url: 'http://127.0.0.1:8001' },
  mode: 'interleaved' as const,
  pairs: { load: 10, stress: 1 },
};

describe('comparedWithBase', () => {
  it('names the base by branch and commit, and the most pairs any suite ran', () => {
    expect(
      comparedWithBase({ ...sameJob, git: { ref: 'refs/heads/main', sha: 'abc1234def5678' } }),
    ).toBe('vs base main@abc1234, measured in this job, 10 pairs interleaved');
  });

  it('falls back to the address without a commit, and says concurrent when it was', () => {
    expect(comparedWithBase({ ...sameJob, mode: 'concurrent', pairs: { video: 1 } })).toBe(
      'vs base 127.0.0.1:8001, measured in this job, 1 pair concurrent',
    );
  });

  it('keeps a branch name on one short line', () => {
    const name = baseName({ target: sameJob.target, git: { ref: `a\nb${'x'.repeat(60)}` } });
    expect(name).not.toContain('\n');
    expect([...name].length).toBeLessThanOrEqual(24);
  });
});
