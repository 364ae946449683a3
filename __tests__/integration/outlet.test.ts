// The outlet's writers on a real disk: files, the service log published through the redaction,
// the warnings about secrets too short to hide, the runner's masks.
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutlet, type OutletSinks } from '../../src/output/outlet.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'perf-action-outlet-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function recording() {
  const lines: Record<'info' | 'warn' | 'fail' | 'print' | 'mask', string[]> = {
    info: [],
    warn: [],
    fail: [],
    print: [],
    mask: [],
  };
  const sinks: OutletSinks = {
    info: (l) => lines.info.push(l),
    warn: (l) => lines.warn.push(l),
    fail: (l) => lines.fail.push(l),
    print: (l) => lines.print.push(l),
    mask: (s) => lines.mask.push(s),
  };
  return { lines, outlet: createOutlet(sinks) };
}

describe('createOutlet', () => {
  it('redacts every line and file with the secrets known when it is written', async () => {
    const { lines, outlet } = recording();
    outlet.info('before: secret-one');
    outlet.protect('secret-one', 'a test value');
    outlet.info('after: secret-one');
    outlet.warn('w secret-one');
    outlet.fail('f secret-one');
    outlet.print('p secret-one');
    const file = join(dir, 'nested', 'out.txt');
    await outlet.writeFile(file, 'file secret-one');
    expect(lines.info).toEqual(['before: secret-one', 'after: ***']);
    expect([lines.warn, lines.fail, lines.print]).toEqual([['w ***'], ['f ***'], ['p ***']]);
    expect(await readFile(file, 'utf8')).toBe('file ***');
    expect(outlet.redact({ a: ['x secret-one'] })).toEqual({ a: ['x ***'] });
    expect(lines.mask).toEqual(['secret-one']);
  });

  it('warns once per kind about secrets too short to hide whole, and masks none of the shortest', () => {
    const { lines, outlet } = recording();
    outlet.protect('12', 'a value taken from the environment');
    outlet.protect('34', 'a value taken from the environment');
    outlet.protect('5678', 'the login token');
    outlet.protect('5678', 'the login token');
    outlet.protect('', 'an empty value');
    expect(lines.warn).toEqual([
      'a value taken from the environment is shorter than 4 characters: it is not hidden in the output',
      'the login token is shorter than 8 characters: it is hidden only where it stands alone, not inside a longer word or number',
    ]);
    expect(lines.mask).toEqual(['5678']);
  });
});

describe('ServiceLog', () => {
  it('keeps the raw output private and publishes it redacted, with secrets learnt after it opened', async () => {
    const { outlet } = recording();
    outlet.protect('config-secret', 'a test value');
    const path = join(dir, 'results', 'service.log');
    const log = outlet.serviceLog(path);
    const raw = await log.open();
    expect(dirname(raw)).not.toBe(dirname(path));
    expect((await stat(raw)).mode & 0o777).toBe(0o600);
    // The service writes while it runs; the token arrives later, and a line is long.
    await appendFile(raw, 'start config-secret\nissued token-learnt-later\n');
    await appendFile(
      raw,
      `${'x'.repeat(200_000)}token-learnt-later${'y'.repeat(100_000)}\ndone é\n`,
    );
    outlet.protect('token-learnt-later', 'the login token');
    expect(await readdir(dirname(path)).catch(() => [])).toEqual([]);
    await log.publish();
    await log.publish();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(
      `start ***\nissued ***\n${'x'.repeat(200_000)}***${'y'.repeat(100_000)}\ndone é\n`,
    );
    // The private copy is gone.
    await expect(stat(dirname(raw))).rejects.toThrow(/ENOENT/);
  });

  it('appends to an existing service log, as the service itself would', async () => {
    const { outlet } = recording();
    const path = join(dir, 'append', 'service.log');
    await outlet.writeFile(path, 'earlier run\n');
    const log = outlet.serviceLog(path);
    await writeFile(await log.open(), 'this run\n');
    await log.publish();
    expect(await readFile(path, 'utf8')).toBe('earlier run\nthis run\n');
  });

  it('publishes nothing when it was never opened', async () => {
    const { outlet } = recording();
    const path = join(dir, 'never', 'service.log');
    await outlet.serviceLog(path).publish();
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
  });
});
