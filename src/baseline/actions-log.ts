// Reading failures that @actions/cache and @actions/artifact only print.
//
// Both libraries treat the service as optional: restoreCache() logs a `::warning::Failed to
// restore: …` (or `::error::` for 5xx) and answers undefined, exactly as on a miss; saveCache()
// logs and answers -1. @actions/core prints those workflow commands with process.stdout.write, so
// the only public way to tell "no entry" from "service down" is to watch that stream while the call
// runs. The watched lines are held back (the store turns them into one thrown Error that the caller
// reports once); every other line passes through unchanged.

/** One line a library printed while it was watched. */
export interface LoggedLine {
  /** `warning` / `error`: an annotation (`::warning::…`); `info`: a plain line. */
  kind: 'warning' | 'error' | 'info';
  /** The message, with the workflow-command escapes (%0A, %0D, %25) undone. */
  message: string;
}

type Watcher = (line: LoggedLine) => boolean;

const watchers = new Set<Watcher>();
let originalWrite: typeof process.stdout.write | undefined;

/**
 * Runs `action` while watching stdout; lines for which `isWatched` answers true are captured
 * instead of printed. Watches may overlap (each sees every line until it ends).
 *
 * @returns the action's outcome (never rejects) and the captured lines, in order
 */
export async function watchActionsLog<T>(
  action: () => Promise<T>,
  isWatched: (line: LoggedLine) => boolean,
): Promise<{
  outcome: { ok: true; value: T } | { ok: false; error: unknown };
  captured: LoggedLine[];
}> {
  const captured: LoggedLine[] = [];
  const watcher: Watcher = (line) => {
    if (!isWatched(line)) return false;
    captured.push(line);
    return true;
  };
  install();
  watchers.add(watcher);
  try {
    const value = await action();
    return { outcome: { ok: true, value }, captured };
  } catch (error) {
    return { outcome: { ok: false, error }, captured };
  } finally {
    watchers.delete(watcher);
    if (watchers.size === 0) uninstall();
  }
}

/** Prints captured lines after all (e.g. warnings of a call that succeeded anyway). */
export function replayActionsLog(lines: LoggedLine[]): void {
  for (const line of lines) {
    const text =
      line.kind === 'info' ? line.message : `::${line.kind}::${escapeCommandData(line.message)}`;
    process.stdout.write(`${text}\n`);
  }
}

/** Parses one printed chunk as a workflow command or a plain line. */
export function parseLoggedLine(text: string): LoggedLine {
  const trimmed = text.replace(/\r?\n$/, '');
  const command = /^::(warning|error)(?: [^:]*)?::(.*)$/s.exec(trimmed);
  if (command) {
    return {
      kind: command[1] as 'warning' | 'error',
      message: unescapeCommandData(command[2] ?? ''),
    };
  }
  return { kind: 'info', message: trimmed };
}

function install(): void {
  if (originalWrite) return;
  const original = process.stdout.write;
  originalWrite = original;
  const patched = function (
    this: NodeJS.WriteStream,
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const line = parseLoggedLine(text);
    for (const watcher of watchers) {
      if (watcher(line)) {
        const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
        if (done) queueMicrotask(() => done());
        return true;
      }
    }
    return Reflect.apply(original, this, [chunk, encodingOrCallback, callback].filter(isGiven));
  };
  process.stdout.write = patched as typeof process.stdout.write;
}

function uninstall(): void {
  if (!originalWrite) return;
  process.stdout.write = originalWrite;
  originalWrite = undefined;
}

function isGiven(value: unknown): boolean {
  return value !== undefined;
}

function unescapeCommandData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
