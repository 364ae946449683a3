// The GitHub Actions `services` context as JSON (`${{ toJSON(job.services) }}`):
// {"<label>": {"id": "<container id>", "network": "…", "ports": {"5432": "49153"}}, …}
import { ConfigError } from '../errors.ts';

/** One service container of the job. */
export interface ServiceContainer {
  /** The service's key in the workflow, e.g. `db`. */
  label: string;
  /** The container id. */
  id: string;
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
const EXPECTED = 'expected the JSON of the job\'s services, e.g. "${{ toJSON(job.services) }}"';

/**
 * The containers named in the services JSON text. Empty text and `null` (a job without
 * services) give none.
 * @throws ConfigError when the text is not that JSON.
 */
export function parseServices(text: string | undefined): ServiceContainer[] {
  if (text === undefined || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`services: not valid JSON (${reason}); ${EXPECTED}`);
  }
  if (value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new ConfigError(`services: got ${kind}, not an object keyed by service; ${EXPECTED}`);
  }
  return Object.entries(value as Record<string, unknown>).map(([label, entry]) => {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id.trim() === '') {
      throw new ConfigError(`services: service '${label}' has no container "id"; ${EXPECTED}`);
    }
    return { label, id: id.trim() };
  });
}
