// The build as check:dist runs it: every bundle, and licenses.txt naming what they hold.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDist, ENTRY_POINTS, NOTICES_FILE } from '../../scripts/build.ts';

let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'perf-action-build-'));
  await buildDist(out);
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('buildDist', () => {
  it('writes each bundle and the third-party notices of what they hold', async () => {
    const bundles = Object.keys(ENTRY_POINTS).map((name) => `${name}.js`);
    expect((await readdir(out)).sort()).toEqual([...bundles, NOTICES_FILE].sort());
    const notices = await readFile(join(out, NOTICES_FILE), 'utf8');
    expect(notices.split('\n', 1)[0]).toBe(
      `Third-party software bundled in perf-action's dist/ (${bundles.join(', ')}).`,
    );
    const index = await readFile(join(out, 'index.js'), 'utf8');
    // Packages the action is built on, each named with the bundles that hold it and its text.
    const section = (name: string) =>
      new RegExp(
        `^${name.replace('/', '\\/')} [\\d.]+ \\(MIT\\), in ([\\w., -]+)\\n-{80}\\n\\[LICENSE`,
        'm',
      );
    expect(notices).toMatch(section('@actions/core'));
    expect(notices.match(section('@actions/core'))?.[1]).toContain('index.js');
    expect(notices.match(section('busboy'))?.[1]).toBe('sample-service.js');
    expect(notices.match(section('zod'))?.[1]).toContain('cli.js');
    expect(index).toContain('Input required and not supplied');
    // A dev-only package is in none of them.
    expect(notices).not.toMatch(/^vitest /m);
    expect(notices).not.toMatch(/^@github\/local-action /m);
  });

  it('is byte-for-byte reproducible', async () => {
    const again = await mkdtemp(join(tmpdir(), 'perf-action-build-'));
    try {
      await buildDist(again);
      for (const name of await readdir(out)) {
        const [a, b] = await Promise.all([readFile(join(out, name)), readFile(join(again, name))]);
        expect(a.equals(b), name).toBe(true);
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});
