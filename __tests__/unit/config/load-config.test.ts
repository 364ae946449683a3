// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${env:…} is the config syntax under test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.ts';
import { loadPerfConfig } from '../../../src/suites/registry.ts';

describe('loadConfig', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perf-config-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and parses a file, with the given environment', async () => {
    const file = join(dir, 'perf.yml');
    await writeFile(file, 'target:\n  url: http://127.0.0.1:${env:PORT}\n');
    const loaded = await loadPerfConfig(file, { PORT: '9' });
    expect(loaded.config.target).toStrictEqual({ url: 'http://127.0.0.1:9', waitMs: 60_000 });
    expect(loaded.config.budgets).toMatchObject({
      'latency.p95': { fail: 200 },
      'errors.rate': { fail: 0.001 },
    });
    expect(loaded.secrets).toStrictEqual(['9']);
  });

  it('names the file in validation errors', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, 'target:\n  url: http://127.0.0.1\n  wait: 0s\n');
    await expect(loadPerfConfig(file, {})).rejects.toThrow(
      `${file}:3:3 'target.wait': expected a duration from 100ms to 1h, got "0s"`,
    );
  });

  it.each([
    ['a missing file', 'missing.yml', 'config file not found'],
    ['a directory', '.', 'expected a config file, got a directory'],
  ])('rejects %s with a ConfigError naming the path', async (_, name, reason) => {
    const file = join(dir, name);
    const error = await loadPerfConfig(file, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file}: ${reason}`);
    expect((error as ConfigError).location).toBe(file);
  });
});
