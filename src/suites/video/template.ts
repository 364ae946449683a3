// The placeholders of the video suite's requests: `{{i}}` (upload number), `{{level}}` (videos in
// flight), `{{video}}` (the video's file name) and, in the status request, `{{id}}` (the job id the
// upload answered). Pure: the schema checks templates with it, the runner renders them.

/** Every placeholder the video suite knows. */
export const VIDEO_PLACEHOLDERS = ['i', 'level', 'video', 'id'] as const;
export type VideoPlaceholder = (typeof VIDEO_PLACEHOLDERS)[number];

/** The placeholders of the upload request and its multipart fields (no job id exists yet). */
export const UPLOAD_PLACEHOLDERS: readonly VideoPlaceholder[] = ['i', 'level', 'video'];

/** The placeholders of the status request. */
export const STATUS_PLACEHOLDERS: readonly VideoPlaceholder[] = VIDEO_PLACEHOLDERS;

const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

function list(names: readonly string[]): string {
  const shown = names.map((name) => `{{${name}}}`);
  return shown.length <= 1
    ? (shown[0] ?? '')
    : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

/**
 * What is wrong with a template's placeholders, in one line, or undefined when nothing is: an
 * unknown name (`{{idx}}`), or braces that are not a placeholder (`{{ i }`).
 */
export function findVideoTemplateProblem(
  text: string,
  allowed: readonly VideoPlaceholder[],
): string | undefined {
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!(allowed as readonly string[]).includes(name)) {
      return `unknown placeholder {{${name}}} (expected ${list(allowed)})`;
    }
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    return `malformed placeholder in "${text}" (expected ${list(allowed)})`;
  }
  return undefined;
}

/** Whether the template uses `{{name}}`. */
export function hasPlaceholder(text: string, name: VideoPlaceholder): boolean {
  for (const match of text.matchAll(PLACEHOLDER)) if (match[1] === name) return true;
  return false;
}

/**
 * The template with its placeholders replaced by `values`, each passed through `encode` (e.g.
 * encodeURIComponent for a path). A placeholder without a value is left as written.
 */
export function renderVideoTemplate(
  text: string,
  values: Partial<Record<VideoPlaceholder, string | number>>,
  encode: (value: string) => string = (value) => value,
): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as VideoPlaceholder];
    return value === undefined ? whole : encode(String(value));
  });
}
