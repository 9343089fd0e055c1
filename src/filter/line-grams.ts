// A bigram filter of one line for the literal pre-check (may-match.ts) when many jails read
// the same files: each target's check scans the line for its daemon's literal with
// includes(), a full scan of the line whenever that literal is absent, and 17 stock mail jails
// made that 300 ms of a 72 MB file (#4). Built once per line, the filter answers "absent" for
// most literals from a few bits. Invariant: it never says absent for a literal the line holds
// (every bigram of the line sets its bit); "maybe" goes on to includes().

// Bits in a line's filter: a 200-character line sets ~18 % of them, so a literal of a few
// bigrams that is not there is almost always told apart.
const BITS = 1024;
const SHIFT = 32 - Math.log2(BITS);

function gram(a: number, b: number): number {
  return Math.imul((a << 16) | b, 0x9e3779b1) >>> SHIFT;
}

/** The distinct bigram bits of a literal; undefined when it has no bigram (one unit or none). */
export function literalGrams(text: string): Int32Array | undefined {
  if (text.length < 2) return undefined;
  const bits = new Set<number>();
  for (let i = 1; i < text.length; i++) bits.add(gram(text.charCodeAt(i - 1), text.charCodeAt(i)));
  return Int32Array.from(bits);
}

/** One line's bigram filter, refilled for each line. */
export class LineGrams {
  readonly #words = new Uint32Array(BITS / 32);

  /** Makes this the filter of `line`. */
  fill(line: string): void {
    const w = this.#words;
    w.fill(0);
    let prev = line.charCodeAt(0);
    for (let i = 1; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const h = gram(prev, c);
      w[h >>> 5]! |= 1 << (h & 31);
      prev = c;
    }
  }

  /** False when the line certainly lacks a literal with these bigram bits. */
  mayHold(grams: Int32Array): boolean {
    const w = this.#words;
    for (let k = 0; k < grams.length; k++) {
      const h = grams[k]!;
      if ((w[h >>> 5]! & (1 << (h & 31))) === 0) return false;
    }
    return true;
  }
}
