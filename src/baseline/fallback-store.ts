// Several stores as one: read from the first that has a history, write to all. Never throws, so a
// store that is down costs a warning, not the run.
import { describeError } from '../errors.ts';
import type { BaselineHistory, BaselineStore } from './types.ts';
import { type WarningSink, warnOnStderr } from './warnings.ts';

/**
 * Tries `stores` in order (e.g. Actions cache, then artifacts). `load` answers the first history
 * that has records; a store that throws is reported through `onWarning` and the next one is
 * tried; when none has one, `load` answers undefined ("no baseline"). `save` writes to every
 * store, one after the other, and reports each failure; it never throws.
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

  async load(name: string): Promise<BaselineHistory | undefined> {
    for (const [index, store] of this.#stores.entries()) {
      try {
        const history = await store.load(name);
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

  async save(history: BaselineHistory): Promise<void> {
    let saved = 0;
    for (const store of this.#stores) {
      try {
        await store.save(history);
        saved++;
      } catch (error) {
        this.#warn(
          `baseline '${history.name}': ${store.description} failed, ${describeError(error)}`,
        );
      }
    }
    if (saved === 0) {
      this.#warn(`baseline '${history.name}' was not saved: every store failed`);
    }
  }
}
