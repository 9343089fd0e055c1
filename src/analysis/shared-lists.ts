// Lists that report rows share instead of holding an array each: with a million addresses, an
// array per row for the same few contents (no usernames, the same jails, the same countries)
// weighs more than the rows' numbers (#4). Rows are read-only to the renderers; the empty list
// is frozen, so a stray in-place sort or push fails loudly instead of changing every row.

/** The one empty list of names. */
export const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];

/** One array per distinct content: an exact-size copy of the first list seen with it. */
export class SharedLists {
  readonly #byKey = new Map<string, string[]>();

  /** The shared array equal to `list` (names without newlines: jails, country codes). */
  get(list: readonly string[]): string[] {
    if (list.length === 0) return NO_NAMES;
    const key = list.join('\n');
    let shared = this.#byKey.get(key);
    if (shared === undefined) this.#byKey.set(key, (shared = list.slice()));
    return shared;
  }
}
