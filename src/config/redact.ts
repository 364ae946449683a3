// Keeps secrets (values taken from the environment) out of anything the tool prints or saves.

/** What a redacted secret is replaced with. */
export const REDACTED = '***';

/**
 * Replaces every occurrence of each non-empty secret in `text` with `***`, including the forms a
 * secret takes inside JSON strings and URLs (escaped, percent-encoded). Longer secrets go first,
 * so a secret that contains another is hidden whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form !== '') result = result.split(form).join(REDACTED);
  }
  return result;
}
