// Text from elsewhere (scenario names from the config, a service's error bodies in check messages)
// as one visible line: what a terminal, a log line or the headline shows of it. Pure.

/**
 * Control characters (escape sequences that would recolour or rewrite a terminal) and
 * bidirectional overrides (which make text read other than it is).
 */
const INVISIBLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** One line of plain text: line breaks and tabs as spaces, invisible characters removed. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(INVISIBLE, '');
}
