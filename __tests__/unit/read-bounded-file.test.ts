import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoundedReadError, readBoundedFile } from '../../src/read-bounded-file.ts';

const options = { maxBytes: 1024, noun: 'test file' };

async function failureOf(path: string, maxBytes = options.maxBytes) {
  const error = await readBoundedFile(path, { ...options, maxBytes }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BoundedReadError);
  const { reason, message } = error as BoundedReadError;
  expect(message).not.toContain('\n');
  return { reason, message };
}

describe('readBoundedFile', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'perf-bounded-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a regular file up to and including the limit, as UTF-8 without a BOM', async () => {
    const file = join(dir, 'exact.txt');
    const text = `\uFEFFé${'a'.repeat(1024 - 5)}`;
    await writeFile(file, text);
    expect(Buffer.byteLength(text)).toBe(1024);
    expect(await readBoundedFile(file, options)).toBe(text.slice(1));
  });

  it('refuses a file one byte over the limit before reading it', async () => {
    const file = join(dir, 'over.txt');
    await writeFile(file, 'a'.repeat(1025));
    expect(await failureOf(file)).toStrictEqual({
      reason: 'too-large',
      message: 'the test file is 1 KB, more than the 1 KB allowed',
    });
  });

  it('says how large a large file is', async () => {
    const file = join(dir, 'large.txt');
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024 + 300 * 1024));
    expect((await failureOf(file, 1024 * 1024)).message).toBe(
      'the test file is 3.3 MB, more than the 1 MB allowed',
    );
  });

  it.each([
    ['a missing file', 'missing.txt', 'not-found', 'test file not found'],
    ['a directory', '.', 'not-regular', 'expected a test file, got a directory'],
  ])('refuses %s', async (_, name, reason, message) => {
    expect(await failureOf(join(dir, name))).toStrictEqual({ reason, message });
  });

  it('refuses a FIFO at once, with no writer on the other end', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(await failureOf(fifo)).toStrictEqual({
      reason: 'not-regular',
      message: 'expected a test file, got a FIFO (named pipe)',
    });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses a device that would never end', async () => {
    expect(await failureOf('/dev/zero')).toStrictEqual({
      reason: 'not-regular',
      message: 'expected a test file, got a device',
    });
  });

  it('refuses bytes that are not UTF-8', async () => {
    const file = join(dir, 'latin1.txt');
    await writeFile(file, Buffer.from([0x61, 0xe9, 0x62]));
    expect(await failureOf(file)).toStrictEqual({
      reason: 'not-text',
      message: 'the test file is not UTF-8 text',
    });
  });
});
