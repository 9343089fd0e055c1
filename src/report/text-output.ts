// What a renderer hands to the CLI: one string, or the same text as a sequence of pieces
// so that a large report (JSON, ndjson) is written while it is produced, never held whole.
// Invariant: joining the pieces gives exactly the text the string form would have.

/** Rendered text: whole, or in pieces in output order. */
export type TextOutput = string | Iterable<string>;

/** The whole text of an output (mail bodies, tests). */
export function textOf(out: TextOutput): string {
  if (typeof out === 'string') return out;
  let s = '';
  for (const piece of out) s += piece;
  return s;
}

/** Target size of a piece: large enough to keep writes few, small enough to stay young garbage. */
export const PIECE_CHARS = 64 * 1024;
