// An outlet for tests that call the pipeline in-process: every line it is given (progress,
// warnings, the fatal line, printed text) is kept in `lines`, redacted as in production.
import { createOutlet, type Outlet } from '../../src/output/outlet.ts';

export function recordingOutlet(lines: string[] = []): Outlet {
  const keep = (line: string) => {
    lines.push(line);
  };
  return createOutlet({ info: keep, warn: keep, fail: keep, print: keep });
}
