// Case-insensitive equivalence as Python's `re.IGNORECASE` applies it to str
// patterns: two characters match when their simple lowercase forms are equal, plus
// the extra equivalences of CPython's `re._casefix` (i/ı, s/ſ, µ/μ, ...). BMP only.

// CPython re._casefix._EXTRA_CASES as groups of mutually equivalent code points.
const EXTRA_GROUPS: readonly number[][] = [
  [0x69, 0x131], [0x73, 0x17f], [0xb5, 0x3bc], [0x345, 0x3b9, 0x1fbe], [0x390, 0x1fd3],
  [0x3b0, 0x1fe3], [0x3b2, 0x3d0], [0x3b5, 0x3f5], [0x3b8, 0x3d1], [0x3ba, 0x3f0],
  [0x3c0, 0x3d6], [0x3c1, 0x3f1], [0x3c2, 0x3c3], [0x3c6, 0x3d5], [0x432, 0x1c80],
  [0x434, 0x1c81], [0x43e, 0x1c82], [0x441, 0x1c83], [0x442, 0x1c84, 0x1c85], [0x44a, 0x1c86],
  [0x463, 0x1c87], [0x1c88, 0xa64b], [0x1e61, 0x1e9b], [0xfb05, 0xfb06],
];

let byLower: Map<number, number[]> | undefined;

function lower(cp: number): number {
  if (cp > 0xffff) return cp;
  const l = String.fromCharCode(cp).toLowerCase();
  // Multi-character full mappings (e.g. U+0130) have no simple single-char form here.
  return l.length === 1 ? l.charCodeAt(0) : cp;
}

function table(): Map<number, number[]> {
  if (byLower !== undefined) return byLower;
  const map = new Map<number, number[]>();
  for (let cp = 0; cp <= 0xffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const l = lower(cp);
    if (l === cp && String.fromCharCode(cp).toUpperCase() === String.fromCharCode(cp)) continue;
    const list = map.get(l);
    if (list === undefined) map.set(l, [cp]);
    else list.push(cp);
  }
  for (const [l, list] of map) if (!list.includes(l)) list.push(l);
  byLower = map;
  return map;
}

const EXTRA_INDEX = new Map<number, readonly number[]>();
for (const group of EXTRA_GROUPS) for (const cp of group) EXTRA_INDEX.set(cp, group);

const variantsCache = new Map<number, readonly number[]>();

// The only non-ASCII code point whose simple lowercase is an ASCII letter (U+212A KELVIN
// SIGN → k): with it and the extra groups, ASCII needs no scan of the whole BMP, so
// patterns such as the `(?iu)` date templates compile without building the table.
const KELVIN = 0x212a;

/** All code points that match `cp` under IGNORECASE, including `cp`, sorted (do not mutate). */
export function caseVariants(cp: number): readonly number[] {
  if (cp > 0xffff) return [cp];
  let cached = variantsCache.get(cp);
  if (cached === undefined) {
    cached = cp < 0x80 ? asciiVariants(cp) : computeVariants(cp);
    variantsCache.set(cp, cached);
  }
  return cached;
}

function asciiVariants(cp: number): number[] {
  const lo = cp | 0x20;
  if (lo < 0x61 || lo > 0x7a) return [cp];
  const out = new Set<number>([lo, lo - 0x20]);
  if (lo === 0x6b) out.add(KELVIN);
  for (const v of EXTRA_INDEX.get(lo) ?? []) out.add(v);
  return [...out].sort((a, b) => a - b);
}

/** caseVariants computed from the full table (tests compare the ASCII shortcut with it). */
export function computeVariants(cp: number): number[] {
  const out = new Set<number>([cp]);
  const queue = [cp];
  while (queue.length > 0) {
    const c = queue.pop()!;
    const related = [...(table().get(lower(c)) ?? []), ...(EXTRA_INDEX.get(c) ?? [])];
    for (const v of related) {
      if (!out.has(v)) {
        out.add(v);
        queue.push(v);
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** True when `cp` has case variants (cheap test used before caseVariants on big ranges). */
export function isCased(cp: number): boolean {
  if (cp < 0x80) return ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a);
  return cp <= 0xffff && (table().has(lower(cp)) || EXTRA_INDEX.has(cp));
}
