import { describe, expect, it } from 'vitest';
import {
  parseLoggedLine,
  replayActionsLog,
  watchActionsLog,
} from '../../../src/baseline/actions-log.ts';

/** Runs `action` with stdout recorded instead of printed. */
async function recordingStdout<T>(
  action: () => Promise<T>,
): Promise<{ value: T; printed: string[] }> {
  const printed: string[] = [];
  const original = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { value: await action(), printed };
  } finally {
    process.stdout.write = original;
  }
}

describe('parseLoggedLine', () => {
  it.each([
    [
      '::warning::Failed to restore: boom\n',
      { kind: 'warning', message: 'Failed to restore: boom' },
    ],
    ['::error title=x::a%0Ab %25\n', { kind: 'error', message: 'a\nb %' }],
    ['Cache saved successfully\n', { kind: 'info', message: 'Cache saved successfully' }],
  ])('reads %j', (text, line) => {
    expect(parseLoggedLine(text)).toEqual(line);
  });
});

describe('watchActionsLog', () => {
  it('captures watched lines instead of printing them, and passes the others through', async () => {
    const { value, printed } = await recordingStdout(() =>
      watchActionsLog(
        async () => {
          process.stdout.write('::warning::Failed to save: nope\n');
          process.stdout.write('plain line\n');
          return 42;
        },
        (line) => line.kind === 'warning',
      ),
    );
    expect(value.outcome).toEqual({ ok: true, value: 42 });
    expect(value.captured).toEqual([{ kind: 'warning', message: 'Failed to save: nope' }]);
    expect(printed).toEqual(['plain line\n']);
  });

  it('reports a rejection as an outcome and restores stdout afterwards', async () => {
    const { value, printed } = await recordingStdout(async () => {
      const watched = await watchActionsLog(
        () => Promise.reject(new Error('down')),
        () => true,
      );
      process.stdout.write('after\n');
      return watched;
    });
    expect(value.outcome.ok).toBe(false);
    expect(printed).toEqual(['after\n']);
  });

  it('lets overlapping watches each capture what they watch', async () => {
    // Each line is written while both watches are open: the second watch writes W and lets the
    // first write E, then waits until it has.
    const wroteW = Promise.withResolvers<void>();
    const wroteE = Promise.withResolvers<void>();
    const { value, printed } = await recordingStdout(() =>
      Promise.all([
        watchActionsLog(
          async () => {
            await wroteW.promise;
            process.stdout.write('::error::E\n');
            wroteE.resolve();
          },
          (line) => line.kind === 'error',
        ),
        watchActionsLog(
          async () => {
            process.stdout.write('::warning::W\n');
            wroteW.resolve();
            await wroteE.promise;
          },
          (line) => line.kind === 'warning',
        ),
      ]),
    );
    expect(value.map((watch) => watch.captured.map((line) => line.message))).toEqual([
      ['E'],
      ['W'],
    ]);
    expect(printed).toEqual([]);
  });

  it('replays captured lines in workflow-command form', async () => {
    const { printed } = await recordingStdout(async () =>
      replayActionsLog([
        { kind: 'warning', message: 'a\nb' },
        { kind: 'info', message: 'hello' },
      ]),
    );
    expect(printed).toEqual(['::warning::a%0Ab\n', 'hello\n']);
  });
});
