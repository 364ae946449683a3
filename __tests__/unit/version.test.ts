import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { TOOL_VERSION } from '../../src/version.ts';

it('TOOL_VERSION matches package.json', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  expect(TOOL_VERSION).toBe(pkg.version);
});
