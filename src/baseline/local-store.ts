// Histories as files in a local directory (the CLI's --baseline-dir).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_LIMITS } from '../config/bounds.ts';
import { BoundedReadError, readBoundedFile } from '../read-bounded-file.ts';
import { historyId, parseHistory, serializeHistory } from './history.ts';
import { OverwriteGuard } from './overwrite-guard.ts';
import type { BaselineHistory, BaselineStore, LoadOptions, SaveReport } from './types.ts';
import { type WarningSink, warnOnStderr } from './warnings.ts';

/**
 * One file per history: `<dir>/<id>.history.json`, where `<id>` is {@link historyId} of the
 * history's name (`default` → `default.history.json`).
 */
export class LocalDirStore implements BaselineStore {
  readonly description: string;
  readonly #dir: string;
  readonly #warn: WarningSink;
  readonly #guard = new OverwriteGuard();

  /**
   * @param dir the directory; created on the first save
   * @param options.onWarning where skipped records are reported (default: stderr)
   */
  constructor(dir: string, options: { onWarning?: WarningSink } = {}) {
    this.#dir = dir;
    this.#warn = options.onWarning ?? warnOnStderr;
    this.description = `local dir ${dir}`;
  }

  /** The file that holds the history `name`. */
  pathOf(name: string): string {
    return join(this.#dir, `${historyId(name)}.history.json`);
  }

  /**
   * The history, or undefined when its file does not exist. A corrupt file gives an empty history
   * and a warning (and is never saved over); an unreadable one (permissions, not a regular file,
   * over FILE_LIMITS.historyBytes) throws, and is never saved over either.
   */
  async load(name: string, options: LoadOptions = {}): Promise<BaselineHistory | undefined> {
    const file = this.pathOf(name);
    let text: string;
    try {
      // Bounded: a FIFO, a device or a huge file is refused before it is read.
      text = await readBoundedFile(file, {
        maxBytes: FILE_LIMITS.historyBytes,
        noun: 'history file',
      });
    } catch (error) {
      if (error instanceof BoundedReadError && error.reason === 'not-found') {
        this.#guard.noteRead(name);
        return undefined;
      }
      throw new Error(`cannot read baseline history ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const { history, warnings, unreadable } = parseHistory(text, name, options);
    for (const warning of warnings) this.#warn(`${warning} (${file})`);
    this.#guard.noteRead(
      name,
      unreadable && `it ${unreadable}; move it away to start a new history`,
    );
    return history;
  }

  /**
   * Writes the history atomically: to a temporary file in the same directory, then renamed over
   * the old one, so that a crash or a concurrent reader never sees half a file. Refuses (throws)
   * when the file there could not be read.
   */
  async save(history: BaselineHistory): Promise<SaveReport> {
    const file = this.pathOf(history.name);
    const refusal = await this.#guard.refusalOf(history.name, () => this.load(history.name));
    if (refusal) throw new Error(`cannot write baseline history ${file}: refused, ${refusal}`);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(this.#dir, { recursive: true });
      await writeFile(temporary, serializeHistory(history), 'utf8');
      await rename(temporary, file);
    } catch (error) {
      // Best effort: the original error is the one worth reporting.
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new Error(`cannot write baseline history ${file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    this.#guard.noteRead(history.name);
    return { saved: [this.description], failed: [] };
  }
}
