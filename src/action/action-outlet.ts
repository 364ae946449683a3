// The action's outlet: the job log, annotations, setFailed, the step's outputs, the job summary and
// the sticky comment. The only place in the action that holds the raw writers of @actions/core.
import * as core from '@actions/core';
import { describeError } from '../errors.ts';
import { createOutlet, type Outlet } from '../output/outlet.ts';
import { guardProcessOutput } from '../output/process-guard.ts';
import { Redactor } from '../output/redactor.ts';
import {
  type UpsertResult,
  type UpsertStickyCommentOptions,
  upsertStickyComment,
} from './sticky-comment.ts';

/** The outlet plus the sinks only the action has. */
export interface ActionOutlet extends Outlet {
  /** Sets a step output. */
  setOutput(name: string, value: string | number): void;
  /** Appends markdown to the job summary (GITHUB_STEP_SUMMARY). */
  writeSummary(markdown: string): Promise<void>;
  /** Creates or updates the sticky comment with a redacted body; progress lines go to the log. */
  upsertComment(options: Omit<UpsertStickyCommentOptions, 'log'>): Promise<UpsertResult>;
}

/**
 * Builds the action's outlet and guards the process's stdout and stderr (which @actions/core and
 * the cache and artifact libraries print to) with the same secrets. Secrets added are also masked
 * in the runner's log (`::add-mask::`), for whatever later steps print.
 */
export function createActionOutlet(): ActionOutlet {
  const redactor = new Redactor();
  const guard = guardProcessOutput(redactor, {
    onCrash: (error) => {
      core.setFailed(`internal error: ${describeError(error)}`);
      process.exit(1);
    },
  });
  const outlet = createOutlet(
    {
      info: (line) => core.info(inertCommands(line)),
      warn: (line) => core.warning(line),
      fail: (line) => core.setFailed(line),
      print: (text) => core.info(inertCommands(text)),
      // The one line that carries a secret as it is: the runner reads it and removes it.
      mask: (secret) => guard.unguarded(() => core.setSecret(secret)),
    },
    redactor,
  );
  return {
    ...outlet,
    setOutput: (name, value) => core.setOutput(name, outlet.redact(String(value))),
    writeSummary: async (markdown) => {
      await core.summary.addRaw(outlet.redact(markdown)).write();
    },
    upsertComment: (options) =>
      upsertStickyComment({ ...options, body: outlet.redact(options.body), log: outlet.info }),
  };
}

/**
 * A log line is read by the runner as a workflow command when it starts with `::` (or the old
 * `##[`), after leading white space: a service's text quoted in a progress line could otherwise
 * set outputs, add masks or stop command processing. A zero-width space keeps such a line inert
 * and reads the same. (Annotations and setFailed escape their text themselves.)
 */
export function inertCommands(text: string): string {
  return text.replace(
    /^(\s*)(::|##\[)/gm,
    (_, space: string, start: string) => `${space}${start[0]}\u200b${start.slice(1)}`,
  );
}
