// Cutting text to a width people see: by code points, so that an emoji or an accented letter
// counts once and is never split into halves. Pure.

/** Length in code points. */
export function charLength(text: string): number {
  return [...text].length;
}

/** The text within `max` code points, ending in `…` when it was cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
