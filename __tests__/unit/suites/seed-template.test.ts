import { describe, expect, it } from 'vitest';
import type { RequestConfig } from '../../../src/config/schema.ts';
import {
  compileJson,
  compileSeedRequest,
  compileText,
  findTemplateProblems,
  recordRandom,
  renderText,
  renderValue,
  TemplateError,
} from '../../../src/suites/volume/seed-template.ts';

const at = (i: number, seed = 1) => ({ i, random: recordRandom(seed, i) });

describe('compileText / renderValue', () => {
  it.each([
    ['plain text', 'Project', 'Project'],
    ['{{i}} alone is a number', '{{i}}', 41],
    ['{{i}} within text', 'Project {{i}}', 'Project 41'],
    ['spaces inside the braces', 'P{{ i }}', 'P41'],
    ['two placeholders', '{{i}}-{{i}}', '41-41'],
    ['a lone brace', 'a { b } c', 'a { b } c'],
  ])('%s', (_, text, expected) => {
    expect(renderValue(compileText(text), at(41))).toBe(expected);
  });

  it('{{int MIN MAX}} is an integer within the bounds, both ends reachable', () => {
    const template = compileText('{{int 1 3}}');
    const seen = new Set<unknown>();
    for (let i = 0; i < 300; i++) seen.add(renderValue(template, at(i)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('{{float MIN MAX}} is a number within [MIN, MAX) with 3 decimals; DECIMALS sets them', () => {
    const three = compileText('{{float 0.5 1}}');
    const one = compileText('{{float 10 20 1}}');
    for (let i = 0; i < 200; i++) {
      const a = renderValue(three, at(i)) as number;
      expect(a).toBeGreaterThanOrEqual(0.5);
      expect(a).toBeLessThanOrEqual(1);
      expect(Math.round(a * 1000)).toBeCloseTo(a * 1000, 6);
      const b = renderValue(one, at(i)) as number;
      expect(Math.round(b * 10)).toBeCloseTo(b * 10, 6);
    }
  });

  it('{{pick …}} chooses among words and quoted phrases, each reachable', () => {
    const template = compileText(`{{pick TP FP "false negative" 'x y'}}`);
    const seen = new Set<unknown>();
    for (let i = 0; i < 300; i++) seen.add(renderValue(template, at(i)));
    expect([...seen].sort()).toEqual(['FP', 'TP', 'false negative', 'x y']);
  });

  it('{{uuid}} is a version 4 UUID, different per record', () => {
    const template = compileText('{{uuid}}');
    const a = renderValue(template, at(1));
    const b = renderValue(template, at(2));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
  });

  it('in text every placeholder renders as text', () => {
    expect(renderText(compileText('{{int 7 7}}'), at(0))).toBe('7');
  });

  it.each([
    ['an unknown name', '{{foo}}', /unknown placeholder \{\{foo\}\}.*\{\{i\}\}/],
    ['an unclosed placeholder', 'a {{i', /unclosed/],
    ['i with arguments', '{{i 2}}', /takes no arguments/],
    ['pick without options', '{{pick}}', /at least one option/],
    ['int with one bound', '{{int 1}}', /\{\{int MIN MAX\}\}/],
    ['int with MIN > MAX', '{{int 5 1}}', /MIN <= MAX/],
    ['int with decimals', '{{int 1.5 3}}', /integers/],
    ['int with a word', '{{int one 3}}', /MIN must be a number/],
    ['float with MIN > MAX', '{{float 2 1}}', /MIN <= MAX/],
    ['float with bad decimals', '{{float 0 1 -1}}', /DECIMALS/],
    ['an empty placeholder', '{{}}', /unknown placeholder/],
  ])('rejects %s', (_, text, message) => {
    expect(() => compileText(text)).toThrow(TemplateError);
    expect(() => compileText(text)).toThrow(message);
  });
});

describe('reproducibility', () => {
  const item = compileJson({
    id: '{{uuid}}',
    n: '{{int 1 1000000}}',
    label: '{{pick a b c d e f}}',
    score: '{{float 0 1}}',
  });

  it('record i has the same values for the same seed, whatever was rendered before', () => {
    const first = item(at(7));
    for (let i = 0; i < 50; i++) item(at(i));
    expect(item(at(7))).toEqual(first);
  });

  it('another seed gives other values', () => {
    expect(item(at(7, 2))).not.toEqual(item(at(7, 1)));
  });
});

describe('compileJson', () => {
  it('renders strings at any depth, keeps keys and non-strings, types whole placeholders', () => {
    const render = compileJson({
      name: 'Event {{i}}',
      nested: { list: ['{{i}}', 3, true, null], '{{i}}': 'key stays' },
    });
    expect(render(at(5))).toEqual({
      name: 'Event 5',
      nested: { list: [5, 3, true, null], '{{i}}': 'key stays' },
    });
  });
});

describe('findTemplateProblems', () => {
  it('names the key path of every bad string', () => {
    expect(
      findTemplateProblems({
        path: '/api/{{nope}}',
        headers: { 'x-run': '{{i}}' },
        json: { items: [{ a: 'ok' }, { b: '{{int 3 1}}' }] },
      }),
    ).toEqual([
      { path: ['path'], message: expect.stringMatching(/unknown placeholder/) },
      { path: ['json', 'items', 1, 'b'], message: expect.stringMatching(/MIN <= MAX/) },
    ]);
  });

  it('is empty for a valid request', () => {
    expect(findTemplateProblems({ path: '/api/x', json: { a: '{{i}}' } })).toEqual([]);
  });
});

describe('compileSeedRequest', () => {
  const request: RequestConfig = {
    method: 'POST',
    path: '/api/sessions/{{int 1 1}}/events',
    headers: { 'x-first': '{{i}}' },
    json: { label: 'e{{i}}', confidence: '{{float 0.5 1}}' },
  };

  it('without batch: one record per body, content-type set, path and headers rendered', () => {
    const template = compileSeedRequest(request, { randomSeed: 1, isBatch: false });
    const rendered = template.render(10, 1);
    expect(rendered.method).toBe('POST');
    expect(rendered.path).toBe('/api/sessions/1/events');
    expect(rendered.headers).toEqual({ 'x-first': '10', 'content-type': 'application/json' });
    expect(JSON.parse(rendered.body ?? '')).toEqual({
      label: 'e10',
      confidence: expect.any(Number),
    });
  });

  it('with batch: a JSON array of the records, each the same as when sent alone', () => {
    const batch = compileSeedRequest(request, { randomSeed: 1, isBatch: true });
    const single = compileSeedRequest(request, { randomSeed: 1, isBatch: false });
    const items = JSON.parse(batch.render(100, 3).body ?? '') as unknown[];
    expect(items).toHaveLength(3);
    expect(items.map((item) => (item as { label: string }).label)).toEqual([
      'e100',
      'e101',
      'e102',
    ]);
    expect(items[1]).toEqual(JSON.parse(single.render(101, 1).body ?? ''));
  });

  it('a raw body is rendered as text and gets no content-type', () => {
    const raw: RequestConfig = { method: 'PUT', path: '/k/{{i}}', headers: {}, body: 'v={{i}}' };
    const rendered = compileSeedRequest(raw, { randomSeed: 1, isBatch: false }).render(4, 1);
    expect(rendered).toEqual({ method: 'PUT', path: '/k/4', headers: {}, body: 'v=4' });
  });

  it('keeps a content-type the template sets', () => {
    const typed: RequestConfig = { ...request, headers: { 'Content-Type': 'application/x+json' } };
    const rendered = compileSeedRequest(typed, { randomSeed: 1, isBatch: false }).render(0, 1);
    expect(rendered.headers).toEqual({ 'Content-Type': 'application/x+json' });
  });
});
