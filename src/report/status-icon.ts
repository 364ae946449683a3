// How a status looks in text a browser renders (markdown) and in the headline, which is also the
// action's failure line and the CLI's last line.
import type { Status } from '../results/types.ts';

export const STATUS_ICON: Readonly<Record<Status, string>> = { pass: '✅', warn: '⚠️', fail: '❌' };
