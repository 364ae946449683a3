// Shared helpers for perf-action's own HTTP calls (http-client.ts): one-line descriptions of
// their failures and of durations.

/** A duration for a message: `750 ms`, `2 s`, `1.5 s`, `60 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/**
 * One line for a failed request: undici may hide the useful part (`connect ECONNREFUSED
 * 127.0.0.1:8000`) in `cause`, sometimes as an AggregateError when a name resolved to several
 * addresses. `timeoutMs` is the per-request timeout, named when the request timed out.
 */
export function describeHttpError(error: unknown, timeoutMs: number): string {
  if (isNamed(error, 'TimeoutError')) return `no answer within ${formatDuration(timeoutMs)}`;
  let deepest: unknown = error;
  while (deepest instanceof Error && deepest.cause !== undefined) deepest = deepest.cause;
  if (deepest instanceof AggregateError && deepest.errors.length > 0) {
    const messages = deepest.errors.map((inner) => describeOne(inner));
    return [...new Set(messages)].join('; ');
  }
  return describeOne(deepest);
}

function describeOne(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return oneLine(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    return code ?? error.name;
  }
  return oneLine(String(error));
}

function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

/** Collapse whitespace so that a message stays on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
