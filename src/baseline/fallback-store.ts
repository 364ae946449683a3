// Several stores as one: read from the first that has a history, write to all. Never throws, so a
// store that is down costs a warning, not the run; a save reports which stores saved and which not.
import { describeError } from '../errors.ts';
import type { BaselineHistory, BaselineStore, LoadOptions, SaveReport } from './types.ts';
import { type WarningSink, warnOnStderr } from './warnings.ts';

/**
 * Tries `stores` in order (e.g. Actions cache, then artifacts). `load` answers the first history
 * that has records; a store that throws is reported through `onWarning` and the next one is
 * tried; when none has one, `load` answers undefined ("no baseline"). `save` writes to every
 * store, one after the other, and answers which saved and which failed (with why); it never
 * throws. Each store refuses on its own to save over a history it could not read.
 */
export class FallbackStore implements BaselineStore {
  readonly description: string;
  readonly #stores: readonly BaselineStore[];
  readonly #warn: WarningSink;

  constructor(stores: readonly BaselineStore[], options: { onWarning?: WarningSink } = {}) {
    if (stores.length === 0) throw new Error('FallbackStore: at least one store is required');
    this.#stores = stores;
    this.#warn = options.onWarning ?? warnOnStderr;
    this.description = stores.map((store) => store.description).join(', then ');
  }

  async load(name: string, options: LoadOptions = {}): Promise<BaselineHistory | undefined> {
    for (const [index, store] of this.#stores.entries()) {
      try {
        const history = await store.load(name, options);
        if (history && history.records.length > 0) return history;
      } catch (error) {
        const next = index < this.#stores.length - 1 ? 'trying the next store' : 'no baseline';
        this.#warn(
          `baseline '${name}': ${store.description} failed, ${describeError(error)}; ${next}`,
        );
      }
    }
    return undefined;
  }

  async save(history: BaselineHistory): Promise<SaveReport> {
    const report: SaveReport = { saved: [], failed: [] };
    for (const store of this.#stores) {
      try {
        const { saved, failed } = await store.save(history);
        report.saved.push(...saved);
        report.failed.push(...failed);
      } catch (error) {
        report.failed.push({ store: store.description, reason: describeError(error) });
      }
    }
    return report;
  }
}
