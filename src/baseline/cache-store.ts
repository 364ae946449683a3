// Histories in the GitHub Actions cache, through @actions/cache 6 (cache service v2).
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restoreCache, saveCache } from '@actions/cache';
import { describeError } from '../errors.ts';
import { type LoggedLine, replayActionsLog, watchActionsLog } from './actions-log.ts';
import {
  checkHistorySize,
  historyId,
  type ParsedHistory,
  parseHistory,
  serializeHistory,
} from './history.ts';
import { OverwriteGuard } from './overwrite-guard.ts';
import type { BaselineHistory, BaselineStore, LoadOptions, SaveReport } from './types.ts';
import { type WarningSink, warnOnStderr } from './warnings.ts';

/** Key prefix of every baseline cache entry. */
export const DEFAULT_CACHE_PREFIX = 'perf-action-baseline';

export interface CacheStoreOptions {
  /** The repository's default branch (e.g. `main`): the branch whose runs save baselines. */
  branch: string;
  /** This workflow run's id (GITHUB_RUN_ID). */
  runId: string;
  /** This run's attempt (GITHUB_RUN_ATTEMPT), so that a re-run saves under a new key. */
  attempt: string;
  /** Key prefix (default `perf-action-baseline`). */
  prefix?: string;
  /**
   * Directory of the history file that is cached (default `$RUNNER_TEMP/perf-action-baseline`,
   * or the OS temp dir). It must be the same path on save and on restore: the cache version is a
   * hash of the paths, so an entry saved from another path is invisible.
   */
  dir?: string;
  /** Where skipped records are reported (default: stderr; the action passes core.warning). */
  onWarning?: WarningSink;
}

/**
 * Cache entries are immutable, so every save writes the whole rolling history under a new key,
 * `<prefix>-<branch>-<id>-<run id>-<attempt>` (id: {@link historyId} of the name), and `load`
 * asks for the restore key `<prefix>-<branch>-<id>-`, which the cache service resolves to the
 * newest matching entry. Old entries are left to the cache's eviction (unused for 7 days, or the
 * repository's size limit).
 *
 * Errors: `load` answers undefined on a miss and throws when the service failed (the library only
 * logs those, see actions-log.ts); `save` throws when no entry was written, and refuses (throws)
 * when the newest entry holds a history that could not be read: saving would hide it for good.
 */
export class ActionsCacheStore implements BaselineStore {
  readonly description: string;
  readonly #branch: string;
  readonly #runId: string;
  readonly #attempt: string;
  readonly #prefix: string;
  readonly #dir: string;
  readonly #warn: WarningSink;
  readonly #guard = new OverwriteGuard();

  constructor(options: CacheStoreOptions) {
    if (!options.branch) throw new Error('ActionsCacheStore: the default branch name is required');
    if (!options.runId || !options.attempt) {
      throw new Error(
        'ActionsCacheStore: the run id and attempt (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT) are required',
      );
    }
    // Keys may not contain commas; git allows them in branch names.
    this.#branch = options.branch.replace(/[,\s]/g, '_');
    this.#runId = options.runId;
    this.#attempt = options.attempt;
    this.#prefix = options.prefix ?? DEFAULT_CACHE_PREFIX;
    this.#dir = options.dir ?? join(process.env.RUNNER_TEMP || tmpdir(), 'perf-action-baseline');
    this.#warn = options.onWarning ?? warnOnStderr;
    this.description = `Actions cache (${this.#prefix}-${this.#branch}-*)`;
  }

  /** The key this run saves history `name` under. */
  keyOf(name: string): string {
    return `${this.restoreKeyOf(name)}${this.#runId}-${this.#attempt}`;
  }

  /** The prefix that finds the newest saved history `name`. */
  restoreKeyOf(name: string): string {
    return `${this.#prefix}-${this.#branch}-${historyId(name)}-`;
  }

  /** The file that is cached for history `name` (the same on save and restore). */
  pathOf(name: string): string {
    return join(this.#dir, `${historyId(name)}.history.json`);
  }

  async load(name: string, options: LoadOptions = {}): Promise<BaselineHistory | undefined> {
    const file = this.pathOf(name);
    const restoreKey = this.restoreKeyOf(name);
    // A file left by an earlier save in this job must not pass for a restored one.
    await rm(file, { force: true });
    const { outcome, captured } = await watchActionsLog(
      // This run's own key first: when this run already saved, that entry is the newest anyway.
      () => restoreCache([file], this.keyOf(name), [restoreKey]),
      (line) => line.kind !== 'info' || line.message.startsWith('Cache restore skipped'),
    );
    const failed =
      !outcome.ok ||
      captured.some(
        (line) =>
          line.message.startsWith('Failed to restore') ||
          line.message.startsWith('Cache restore skipped'),
      );
    if (failed) {
      const reasons = [
        ...(outcome.ok ? [] : [describeError(outcome.error)]),
        ...messages(captured),
      ];
      throw new Error(
        `Actions cache: cannot restore baseline '${name}' (${restoreKey}*): ${reasons.join('; ')}`,
      );
    }
    replayActionsLog(captured);
    const matchedKey = outcome.value;
    if (matchedKey === undefined) {
      this.#guard.noteRead(name);
      return undefined;
    }
    let parsed: ParsedHistory;
    try {
      // Over the size bound the file is not read at all.
      parsed =
        checkHistorySize(name, (await stat(file)).size) ??
        parseHistory(await readFile(file, 'utf8'), name, options);
    } catch (error) {
      throw new Error(
        `Actions cache: entry ${matchedKey} did not restore ${file}: ${describeError(error)}`,
        { cause: error },
      );
    }
    const { history, warnings, unreadable } = parsed;
    for (const warning of warnings) this.#warn(`${warning} (cache entry ${matchedKey})`);
    this.#guard.noteRead(
      name,
      unreadable &&
        `cache entry ${matchedKey} ${unreadable}; delete that entry (gh cache delete ${matchedKey}) or set baseline.name to start a new history`,
    );
    return history;
  }

  async save(history: BaselineHistory): Promise<SaveReport> {
    const file = this.pathOf(history.name);
    const key = this.keyOf(history.name);
    const refusal = await this.#guard.refusalOf(history.name, () => this.load(history.name));
    if (refusal) {
      throw new Error(`Actions cache: refused to save baseline '${history.name}': ${refusal}`);
    }
    await mkdir(this.#dir, { recursive: true });
    await writeFile(file, serializeHistory(history), 'utf8');
    try {
      const { outcome, captured } = await watchActionsLog(
        () => saveCache([file], key),
        (line) =>
          line.kind !== 'info' ||
          line.message.startsWith('Failed to save') ||
          line.message.startsWith('Cache save skipped'),
      );
      if (!outcome.ok || outcome.value === -1) {
        const reasons = [
          ...(outcome.ok ? [] : [describeError(outcome.error)]),
          ...messages(captured),
        ];
        throw new Error(
          `Actions cache: cannot save baseline '${history.name}' as ${key}: ${
            reasons.join('; ') || 'no cache entry was created'
          }`,
        );
      }
      replayActionsLog(captured);
    } finally {
      await rm(file, { force: true });
    }
    this.#guard.noteRead(history.name);
    return { saved: [this.description], failed: [] };
  }
}

/** First lines only: the libraries append paragraphs of generic advice. */
function messages(lines: LoggedLine[]): string[] {
  return lines.map((line) => line.message.split('\n', 1)[0] ?? '').filter(Boolean);
}
