// The few typed errors of perf-action. Only the entry points (CLI, action) turn them into
// exit codes or setFailed, with one short line and no stack trace unless --debug.

/** Exit codes of the CLI contract (README, "CLI"). */
export const ExitCode = {
  /** pass or warn */
  ok: 0,
  /** a budget or a regression failed */
  failed: 1,
  /** bad usage or bad config */
  usage: 2,
  /** the target was unreachable or failed to start */
  target: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: `exitCode` says how an entry point ends when this error reaches it. */
export class PerfActionError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command-line usage (unknown flag, missing argument). */
export class UsageError extends PerfActionError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
  }
}

/**
 * A problem in perf.yml. `location` is `file:line:column` (or just `file`) and `key` the dotted
 * path of the offending key, so the one-line message says what is wrong and where.
 */
export class ConfigError extends PerfActionError {
  readonly location: string | undefined;
  readonly key: string | undefined;
  constructor(
    message: string,
    where: { location?: string; key?: string } = {},
    options?: ErrorOptions,
  ) {
    const prefix = [where.location, where.key ? `'${where.key}'` : undefined]
      .filter(Boolean)
      .join(' ');
    super(prefix ? `${prefix}: ${message}` : message, ExitCode.usage, options);
    this.location = where.location;
    this.key = where.key;
  }
}

/** The target could not be started, never became healthy, or refused the login. */
export class TargetError extends PerfActionError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.target, options);
  }
}

/** The load engine itself failed (not the service: its errors are measured, not thrown). */
export class EngineError extends PerfActionError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
  }
}

/** One line for any thrown value, including non-Error throws. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** The exit code an entry point uses for a thrown value: unexpected errors count as usage (2). */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof PerfActionError ? error.exitCode : ExitCode.usage;
}
