// The last line of defence behind the Outlet: what libraries print themselves (@actions/cache and
// @actions/artifact log with process.stdout.write, Node prints warnings, a crash prints its error)
// goes through the same Redactor. Installed once, by an entry point, before anything runs.
import type { Redactor } from './redactor.ts';

/** An installed guard. */
export interface ProcessGuard {
  /**
   * Runs `write` with the guard lifted: for the one line that must carry a secret as it is, the
   * runner's `::add-mask::` command.
   */
  unguarded<T>(write: () => T): T;
  /** Puts the original writers and handlers back (for tests). */
  restore(): void;
}

type Write = typeof process.stdout.write;

/**
 * Wraps `process.stdout.write` and `process.stderr.write` so that every text chunk is redacted
 * with `redactor`'s secrets at the time it is written, and turns an uncaught exception or an
 * unhandled rejection into `onCrash(error)` (which should print one redacted line and exit) in
 * place of Node's own, unredacted, report.
 */
export function guardProcessOutput(
  redactor: Redactor,
  options: { onCrash?: (error: unknown) => void } = {},
): ProcessGuard {
  let lifted = 0;
  const originals = new Map<NodeJS.WriteStream, Write>();
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    originals.set(stream, original);
    const guarded = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
      const [chunk, encoding] = args;
      if (lifted === 0) {
        const text = textOf(chunk, encoding);
        if (text !== undefined) {
          const redacted = redactor.redact(text);
          if (redacted !== text) {
            const callback = args.find((arg) => typeof arg === 'function');
            return Reflect.apply(original, this, callback ? [redacted, callback] : [redacted]);
          }
        }
      }
      return Reflect.apply(original, this, args);
    };
    stream.write = guarded as Write;
  }
  const onCrash = options.onCrash;
  const crash = (error: unknown) => onCrash?.(error);
  if (onCrash) {
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }
  return {
    unguarded(write) {
      lifted++;
      try {
        return write();
      } finally {
        lifted--;
      }
    },
    restore() {
      for (const [stream, original] of originals) stream.write = original;
      process.removeListener('uncaughtException', crash);
      process.removeListener('unhandledRejection', crash);
    },
  };
}

/** The chunk as text, when it is text (UTF-8 strings, and bytes read as UTF-8). */
function textOf(chunk: unknown, encoding: unknown): string | undefined {
  if (typeof chunk === 'string') {
    // Rewritten chunks are written as UTF-8: leave other encodings (hex, base64) alone.
    return typeof encoding !== 'string' || /^utf-?8$/i.test(encoding) ? chunk : undefined;
  }
  if (chunk instanceof Uint8Array) return Buffer.from(chunk).toString('utf8');
  return undefined;
}
