import { stripVTControlCharacters, styleText } from 'node:util';
import { describe, expect, it } from 'vitest';
import { headline } from '../../../src/report/headline.ts';
import { renderTerminal, type Style, TERMINAL_ROWS } from '../../../src/report/terminal.ts';
import {
  allPassResult,
  manyFailuresResult,
  threeRegressionsResult,
} from '../../helpers/compared-result.ts';
import { COULD_NOT_RUN, SATURATED } from '../../helpers/sample-checks.ts';
import { sampleResult } from '../../helpers/sample-result.ts';

const colour: Style = (format, text) => styleText(format, text, { validateStream: false });

describe('renderTerminal, plain', () => {
  it('is a table of what regressed or failed, the baseline, the counts and the headline last', () => {
    expect(renderTerminal(threeRegressionsResult())).toBe(
      [
        '┌────────┬────────────────────┬────────┬─────────────────┬───────────┬──────────┬────────┐',
        '│ Suite  │ Scenario           │ Metric │        Baseline │   Current │   Change │ Status │',
        '├────────┼────────────────────┼────────┼─────────────────┼───────────┼──────────┼────────┤',
        '│ load   │ projects-list      │ p99    │        17.48 ms │  40.20 ms │ +130.0 % │ fail   │',
        '│ load   │ projects-list      │ p95    │        15.10 ms │  19.87 ms │  +31.6 % │ fail   │',
        '│ load   │ sessions-rate      │ p95    │ limit 200.00 ms │ 250.50 ms │  +25.3 % │ fail   │',
        '│ volume │ projects-page@1000 │ p95    │        23.10 ms │  28.30 ms │  +22.5 % │ warn   │',
        '└────────┴────────────────────┴────────┴─────────────────┴───────────┴──────────┴────────┘',
        '',
        "Baseline 'main': 12 runs (newest abc1234, 2026-11-26). Each metric is tested against the history's run-to-run spread (robust z), false alarms controlled over the run's 6 comparisons (Benjamini–Hochberg): unchanged code is called worse in at most 2.5 % of runs.",
        '3 regressions · 1 budget over · 1 improvement · 2 unchanged',
        '❌ 3 regressions (worst: projects-list p99 +130.0 %) · 1 budget over · vs 12 runs of main@abc1234',
        '',
      ].join('\n'),
    );
  });

  it('has no markdown in it', () => {
    const text = renderTerminal(manyFailuresResult());
    expect(text).not.toMatch(/<details>|<summary>|\*\*|^\|/m);
    expect(text).not.toContain('\u00a0');
  });

  it(`shows ${TERMINAL_ROWS} rows and counts the rest`, () => {
    const lines = renderTerminal(manyFailuresResult()).split('\n');
    expect(lines.filter((l) => l.startsWith('│ load')).length).toBe(TERMINAL_ROWS);
    expect(lines).toContain('… and 130 more; --format markdown prints the whole report.');
  });

  it('without findings, is the baseline, the counts and the headline', () => {
    const result = allPassResult();
    expect(renderTerminal(result).trimEnd().split('\n')).toEqual([
      "Baseline 'main': 12 runs (newest abc1234, 2026-11-26).",
      '0 regressions · 0 budgets over · 0 improvements · 4 unchanged',
      headline(result),
    ]);
  });

  it('says below the table why a check without limits failed', () => {
    const result = sampleResult();
    result.checks.push({
      kind: 'stability',
      metric: 'stress/mix/capacity.level',
      status: 'fail',
      value: 40,
      unit: 'rps',
      source: 'stability',
      message: 'capacity.level stable up to 40 req/s; broke at 80 req/s (p95 2.50 s >= 2.00 s)',
    });
    const text = renderTerminal(result);
    expect(text).toMatch(/│ stress +│ mix +│ capacity\.level +│ +– │ +– │ +– │ fail +│/);
    expect(text).toContain(
      'stress/mix: capacity.level stable up to 40 req/s; broke at 80 req/s (p95 2.50 s >= 2.00 s)\n',
    );
  });

  it('names what made the figures untrustworthy first, apart from the table', () => {
    const result = sampleResult();
    result.checks.push(COULD_NOT_RUN, { ...SATURATED, metric: 'load/sessions-rate/generator.cpu' });
    const lines = renderTerminal(result).split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Measurement validity:',
      'fail video/suite: could not run: ffmpeg exited 1 (nothing measured)',
      'warn load/sessions-rate: generator.cpu 97 % of one core: the load generator was saturated',
      '',
    ]);
    expect(lines.filter((l) => l.startsWith('│')).join('\n')).not.toMatch(/generator|run/);
    expect(lines.at(-3)).toBe(
      '0 regressions · 2 budgets over · 0 improvements · 0 unchanged · 1 suite could not run · ' +
        'generator saturated in 1 scenario',
    );
  });
});

describe('renderTerminal and text from elsewhere', () => {
  it('lets no control character of a name or a message through', () => {
    const result = threeRegressionsResult();
    for (const check of result.checks) {
      check.metric = check.metric.replace('projects-list', 'list\u001b]0;owned\u0007');
      check.message = `${check.message}\u001b[2J`;
    }
    result.checks.push({
      kind: 'validity',
      metric: 'load/x\u001b[31m/run',
      status: 'fail',
      value: 1,
      unit: 'count',
      message: 'could not run: \u001b[2Jgone\r\nnext',
    });
    const text = renderTerminal(result);
    expect(text.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(text).toContain('load/x[31m: could not run: [2Jgone next\n');
  });
});

describe('renderTerminal, coloured', () => {
  const result = threeRegressionsResult();
  const text = renderTerminal(result, colour);

  it('reads the same without its colours, the table still aligned', () => {
    expect(stripVTControlCharacters(text)).toBe(renderTerminal(result));
  });

  it('colours the statuses and the headline by the verdict', () => {
    expect(text).toContain(styleText('red', 'fail', { validateStream: false }));
    expect(text).toContain(styleText('yellow', 'warn', { validateStream: false }));
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      styleText(['bold', 'red'], headline(result), { validateStream: false }),
    );
  });
});
