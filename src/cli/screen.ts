// Where the CLI's report goes: a terminal gets the text summary, anything else (CI logs, a pipe, a
// file) the markdown. The one place that asks stdout what it is.
import { styleText } from 'node:util';
import type { Style } from '../report/terminal.ts';
import type { OutputFormat } from './args.ts';

/** What the report is printed to. */
export interface Screen {
  /** stdout is a terminal (a TTY). */
  isTerminal: boolean;
  /** Colours text where the stream takes them, honouring NO_COLOR and FORCE_COLOR. */
  style: Style;
}

/** The process's stdout as a Screen. */
export function stdoutScreen(stream: NodeJS.WriteStream = process.stdout): Screen {
  return {
    isTerminal: stream.isTTY === true,
    style: (format, text) => styleText(format, text, { stream }),
  };
}

/** `auto` as the screen makes it: text on a terminal, markdown elsewhere. */
export function resolveFormat(format: OutputFormat, screen: Screen): 'text' | 'markdown' {
  if (format !== 'auto') return format;
  return screen.isTerminal ? 'text' : 'markdown';
}
