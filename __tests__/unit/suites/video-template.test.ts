// The video suite's placeholders and the status condition.
import { describe, expect, it } from 'vitest';
import { meetsCondition } from '../../../src/suites/video/job.ts';
import {
  findVideoTemplateProblem,
  renderVideoTemplate,
  UPLOAD_PLACEHOLDERS,
} from '../../../src/suites/video/template.ts';

describe('renderVideoTemplate', () => {
  it('replaces known placeholders, encoding values when asked', () => {
    expect(
      renderVideoTemplate(
        '/v/{{id}}?n={{ video }}&i={{i}}',
        { id: 'a/b', video: 'x y.avi', i: 3 },
        encodeURIComponent,
      ),
    ).toBe('/v/a%2Fb?n=x%20y.avi&i=3');
    expect(renderVideoTemplate('perf {{i}} at {{level}}', { i: 1, level: 5 })).toBe('perf 1 at 5');
  });

  it('leaves a placeholder without a value as written', () => {
    expect(renderVideoTemplate('{{id}}', {})).toBe('{{id}}');
  });
});

describe('findVideoTemplateProblem', () => {
  it.each([
    ['perf {{i}}', undefined],
    ['plain', undefined],
    ['{{id}}', 'unknown placeholder {{id}} (expected {{i}}, {{level}} or {{video}})'],
    ['{{i}', 'malformed placeholder in "{{i}" (expected {{i}}, {{level}} or {{video}})'],
    ['a }} b', 'malformed placeholder in "a }} b" (expected {{i}}, {{level}} or {{video}})'],
  ])('%j', (text, expected) => {
    expect(findVideoTemplateProblem(text, UPLOAD_PLACEHOLDERS)).toBe(expected);
  });
});

describe('meetsCondition', () => {
  it('compares the value at the path strictly with any of the values', () => {
    const answer = { status: 'done', data: { code: 1 } };
    expect(meetsCondition(answer, { path: 'status', values: ['done'] })).toBe(true);
    expect(meetsCondition(answer, { path: 'status', values: ['failed', 'error'] })).toBe(false);
    expect(meetsCondition(answer, { path: 'data.code', values: [1] })).toBe(true);
    expect(meetsCondition(answer, { path: 'data.code', values: ['1'] })).toBe(false);
    expect(meetsCondition(answer, { path: 'missing', values: ['done'] })).toBe(false);
    expect(meetsCondition('done', { path: 'status', values: ['done'] })).toBe(false);
  });
});
