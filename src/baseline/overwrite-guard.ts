// Each store's memory of what it read, so that a save never replaces a history nobody could read.
//
// A save writes the whole history: over a local file that could not be read, it would destroy it;
// in the cache or artifacts (immutable entries, restored newest first), it would hide it for good.
// So a store notes what each load found, and before saving a history it has not read it reads it.
import { describeError } from '../errors.ts';

/** One store's notes, by history name. */
export class OverwriteGuard {
  /** name → why the stored history must not be replaced, or undefined when it may be. */
  readonly #seen = new Map<string, string | undefined>();

  /**
   * Notes what a load of history `name` found.
   *
   * @param refusal when the history must not be replaced: one line saying what is there, why it
   *   cannot be read and what the user can do, e.g. `… is not valid JSON; move it away …`
   */
  noteRead(name: string, refusal?: string): void {
    this.#seen.set(name, refusal);
  }

  /**
   * Why saving history `name` must not replace what the store holds, or undefined when it may.
   * Reads it first with `read` (a load that calls {@link noteRead}) when it was not read yet; a
   * read that throws is a reason too (nothing that cannot be read is replaced).
   */
  async refusalOf(name: string, read: () => Promise<unknown>): Promise<string | undefined> {
    if (!this.#seen.has(name)) {
      try {
        await read();
      } catch (error) {
        return `it could not be read to check what it holds (${describeError(error)})`;
      }
    }
    return this.#seen.get(name);
  }
}
