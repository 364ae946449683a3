// The CLI's outlet: the report and the verdict on stdout, progress, warnings and the fatal line on
// stderr. The only place in the CLI that holds the raw writers.
import { describeError, ExitCode } from '../errors.ts';
import { createOutlet, type Outlet } from '../output/outlet.ts';
import { guardProcessOutput } from '../output/process-guard.ts';
import { Redactor } from '../output/redactor.ts';

/**
 * Builds the CLI's outlet and guards the process's own stdout and stderr with the same secrets
 * (`guard: false` for a CLI run in-process by a test, which must not patch the process for good).
 */
export function createCliOutlet(options: { guard?: boolean } = {}): Outlet {
  const redactor = new Redactor();
  const outlet = createOutlet(
    {
      info: (line) => process.stderr.write(`${line}\n`),
      warn: (line) => process.stderr.write(`warning: ${line}\n`),
      fail: (line) => process.stderr.write(`perf-action: ${line}\n`),
      print: (text) => process.stdout.write(text),
    },
    redactor,
  );
  if (options.guard === false) return outlet;
  guardProcessOutput(redactor, {
    onCrash: (error) => {
      outlet.fail(`internal error: ${describeError(error)}`);
      process.exit(ExitCode.usage);
    },
  });
  return outlet;
}
