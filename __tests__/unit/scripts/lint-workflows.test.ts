import { describe, expect, it } from 'vitest';
import { findWorkflows, formatProblem, lintWorkflow } from '../../../scripts/lint-workflows.ts';

const GOOD = `name: ok
on: push
permissions: { contents: read }
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "\${{ github.sha }}"
`;

describe('lintWorkflow (actionlint)', () => {
  it('finds nothing in a sound workflow', async () => {
    expect(await lintWorkflow('good.yml', GOOD)).toEqual([]);
  });

  it('names the file, line, column and rule of each problem', async () => {
    const bad = `${GOOD.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    needs: missing')}      - run: echo "\${{ github.nope }}"\n`;
    const problems = await lintWorkflow('bad.yml', bad);
    expect(problems.map((p) => [p.file, p.line, p.kind])).toEqual([
      ['bad.yml', 5, 'job-needs'],
      ['bad.yml', 11, 'expression'],
    ]);
    expect(formatProblem(problems[1] as (typeof problems)[number])).toMatch(
      /^bad\.yml:11:\d+: property "nope" is not defined in object type .+ \[expression\]$/,
    );
  });
});

describe('findWorkflows', () => {
  it("lists the repository's workflows and the example workflows", async () => {
    const files = await findWorkflows();
    expect(files).toContain('.github/workflows/ci.yml');
    expect(files).toContain('.github/workflows/release.yml');
    expect(files).toContain('examples/workflows/perf-pr.yml');
    expect(files.every((f) => f.endsWith('.yml') || f.endsWith('.yaml'))).toBe(true);
  });
});
