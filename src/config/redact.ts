// Redaction for the config's own error messages, which are built before any outlet exists (a
// message about a bad value must not quote a value taken from the environment). The rules are the
// run's: see src/output/redactor.ts.
import { Redactor } from '../output/redactor.ts';

export { REDACTED } from '../output/redactor.ts';

/** `text` with every form of each of `secrets` hidden, by the rules of {@link Redactor}. */
export function redact(text: string, secrets: readonly string[]): string {
  return new Redactor(secrets).redact(text);
}
