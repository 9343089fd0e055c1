// A chunk-level pre-filter in front of mayMatch: one literal search over a whole read
// chunk finds the few lines that can match anything, so the others are never sliced.
// Invariant: whenever mayMatch(f, line) holds for a gated filter f, some gate literal
// lies inside that line (each literal is one a candidate line must contain, or a part of
// one, and none holds a newline). A delivered line also learns which literals it holds, so
// a filter none of whose literals are there is not even pre-checked (literal bits, below).
import { literalSource, type CompiledFilter, type LiteralCheck } from './compile-filter.js';

/** Every literal bit set: a line or filter about which nothing is told. */
export const ALL_LITERALS = -1;

/** A conservative, chunk-level pre-filter shared by several compiled filters. */
export interface LineGate {
  /**
   * An index inside the first hit at or after `from` (a literal that a candidate line must
   * contain): its last character, so on the hit's line, since no literal holds a newline;
   * -1 when there is none.
   */
  next(text: string, from: number): number;
  /**
   * Literal bits (optional): the bits of the gate literals in the line that ends at
   * `lineEnd` (its newline, or the text's end) and whose first hit `next` gave as `hit`; every
   * occurrence is found, overlapping ones too. Afterwards `after` holds the first hit past
   * the line, as `next(text, lineEnd + 1)` would give it, so the caller searches on from there.
   */
  lineBits?(text: string, hit: number, lineEnd: number): number;
  /** With lineBits: the hit after the line it last looked at (-1: none). */
  after?: number;
  /**
   * With lineBits: the bits of which a line must hold one for a failregex of `filter` (with
   * its prefregex) to match ('fail'), or one of its successregexes ('success'). A line with
   * neither fails mayMatch(filter, line). ALL_LITERALS for a filter the gate was not built over.
   */
  filterBits?(filter: CompiledFilter, part: 'fail' | 'success'): number;
}

/** What a gate searches: exact substrings, and flag-free regexes for case-insensitive literals. */
export interface GateLiterals {
  exact: string[];
  patterns: RegExp[];
}

/**
 * undefined when the filters cannot be gated (some filter has no precheck, or a
 * clause-free precheck, i.e. any line may match).
 */
export function buildLineGate(filters: readonly CompiledFilter[]): LineGate | undefined {
  const lits = gateLiterals(filters);
  return lits === undefined ? undefined : new RegexGate(lits, filters);
}

/** The literals a gate over `filters` searches (one necessary clause per alternative); undefined when ungateable. */
export function gateLiterals(filters: readonly CompiledFilter[]): GateLiterals | undefined {
  // An alternative is one way for a line to pass mayMatch: prefregex + one failregex, or one successregex.
  const alternatives: LiteralCheck[][][] = [];
  for (const f of filters) {
    const p = f.precheck;
    if (p === undefined) return undefined;
    if (p.fail.length > 0) for (const fail of p.fail) alternatives.push([...p.pref, ...fail]);
    for (const success of p.success) alternatives.push(success);
  }
  const chosen = new Map<string, LiteralCheck>();
  // Alternatives with the fewest choices first, so the others can reuse what they picked.
  const options = alternatives
    .map((clauses) => clauses.map(usable).filter((c): c is LiteralCheck[] => c !== undefined))
    .sort((a, b) => a.length - b.length);
  for (const clauses of options) {
    if (clauses.length === 0) return undefined;
    let best: LiteralCheck[] | undefined;
    let bestCost = Infinity;
    for (const clause of clauses) {
      const cost = clauseCost(clause, chosen);
      if (cost < bestCost) [best, bestCost] = [clause, cost];
    }
    for (const lit of best!) chosen.set(key(lit), lit);
  }
  const exact: string[] = [];
  const patterns: RegExp[] = [];
  for (const lit of chosen.values()) {
    if (lit.re === undefined) exact.push(lit.text);
    // compileFilter builds them without flags; one with flags could not join the alternation.
    else if (lit.re.flags !== '') return undefined;
    else patterns.push(lit.re);
  }
  return { exact: factor(exact), patterns };
}

// A clause as the gate can use it: literals that a single line can never hold (a newline
// inside) are dropped, since no line passing mayMatch can owe its pass to them; a clause
// with an empty literal says nothing. undefined = useless clause.
function usable(clause: LiteralCheck[]): LiteralCheck[] | undefined {
  if (clause.some((l) => l.text === '')) return undefined;
  const lits = clause.filter((l) => !l.text.includes('\n'));
  return lits;
}

function key(lit: LiteralCheck): string {
  return lit.re === undefined ? 's:' + lit.text : `r:${lit.re.source}/${lit.re.flags}`;
}

// Expected share of lines a literal occurs in falls quickly with its length; each literal
// also costs search time. Literals already chosen for another alternative are free.
function clauseCost(clause: LiteralCheck[], chosen: Map<string, LiteralCheck>): number {
  let cost = 0;
  for (const lit of clause) {
    if (chosen.has(key(lit))) continue;
    const len = lit.re === undefined ? lit.text.length : lit.text.length * 0.75;
    cost += 1 / (len * len) + 0.002;
  }
  return cost;
}

// Fewer, still selective exact literals: drop one that contains another (it adds no line),
// and merge two that share a long common substring into that substring (a line holding
// either holds it). Fewer alternatives make every search strategy faster.
const MIN_COMMON = 8;

function factor(input: string[]): string[] {
  let lits = dropContaining([...new Set(input)]);
  // Each pair's common substring is computed once, however many merges follow.
  const memo = new Map<string, string>();
  for (;;) {
    let pick: [number, number, string] | undefined;
    for (let i = 0; i < lits.length; i++) {
      for (let j = i + 1; j < lits.length; j++) {
        const a = lits[i]!;
        const b = lits[j]!;
        const pair = a + '\u0000' + b;
        let common = memo.get(pair);
        if (common === undefined) memo.set(pair, (common = longestCommonSubstring(a, b)));
        if (common.length < MIN_COMMON || (common.length < 0.75 * Math.min(a.length, b.length) && common.length < 20)) continue;
        if (pick === undefined || common.length > pick[2].length) pick = [i, j, common];
      }
    }
    if (pick === undefined) return lits.sort();
    const [i, j, common] = pick;
    lits = dropContaining([...lits.filter((_, k) => k !== i && k !== j), common]);
  }
}

function dropContaining(lits: string[]): string[] {
  return lits.filter((a) => !lits.some((b) => b !== a && a.includes(b)));
}

// Longest common substring if it has at least MIN_COMMON units, else ''.
function longestCommonSubstring(a: string, b: string): string {
  if (a.length > b.length) [a, b] = [b, a];
  // Most pairs share no MIN_COMMON-gram: settle those without the quadratic table.
  let shared = false;
  for (let i = 0; i + MIN_COMMON <= a.length && !shared; i++) shared = b.includes(a.slice(i, i + MIN_COMMON));
  if (!shared) return '';
  let best = 0;
  let end = 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? prev[j - 1]! + 1 : 0;
      if (cur[j]! > best) [best, end] = [cur[j]!, i];
    }
    [prev, cur] = [cur, prev];
  }
  return a.slice(end - best, end);
}

// Every literal in one alternation, run with lastIndex over the whole chunk: irregexp's
// Boyer-Moore lookahead made it 4-5× faster than one cached indexOf per literal on the
// bench corpus (bench/micro/line-gate.bench.ts). The regex is private to this gate and
// lastIndex is set on every call, so the `g` flag shares no state between callers. test()
// rather than exec(): the end it leaves in lastIndex places the hit as well as its start
// would, and no result array is built per candidate line (#4).
//
// Literal bits: exact literal k is bit k. The hit ending at `end` is the one exact literal
// that ends there: factor() leaves no literal inside another, so two literals ending at one
// place, or one starting at another's start, cannot both occur. Searching on from the start
// + 1 of each occurrence finds overlapping ones. A filter's bits are those of the gate
// literals inside any literal of its pre-check: each clause the gate chose for one of its
// alternatives holds literals that contain gate literals, so a line without any of those
// bits fails every alternative. The 3 shipped jails' pre-checks cost half as much with them
// (one 72 MB file's scan: -5 to -10 %, #4). No bits (nothing skipped, as before) for
// case-blind literals, which are regex patterns and cannot be told apart by their end, nor
// beyond 32 literals: with that many jails the line's bigram filter already spares most
// literal scans, and searching every line to its end cost more than it saved (17 jails).
const MAX_LITERAL_BITS = 32;
// Occurrences read in one line before it is given every bit: a log line holds one to three,
// and a crafted one must not cost a search per occurrence (#5).
const MAX_OCCURRENCES = 16;

class RegexGate implements LineGate {
  after = -1;
  readonly #re: RegExp;
  readonly #exact: readonly string[];
  // Per last UTF-16 unit of the exact literals: the indexes of those that end with it.
  readonly #byLast = new Map<number, number[]>();
  readonly #filters: readonly CompiledFilter[];
  // Per filter: its 'fail' and 'success' bits.
  readonly #filterBits = new Map<CompiledFilter, readonly [number, number]>();

  constructor(lits: GateLiterals, filters: readonly CompiledFilter[]) {
    const sources = [...lits.exact.map((t) => literalSource(t, '')), ...lits.patterns.map((p) => `(?:${p.source})`)];
    // An empty alternation would match everywhere; with no literal nothing passes.
    this.#re = sources.length === 0 ? /(?!)/g : new RegExp(sources.join('|'), 'g');
    this.#exact = lits.exact;
    this.#filters = filters;
    lits.exact.forEach((t, k) => {
      const last = t.charCodeAt(t.length - 1);
      const list = this.#byLast.get(last);
      if (list === undefined) this.#byLast.set(last, [k]);
      else list.push(k);
    });
    if (lits.patterns.length > 0 || lits.exact.length > MAX_LITERAL_BITS) {
      this.lineBits = undefined;
      this.filterBits = undefined;
    }
  }

  next(text: string, from: number): number {
    const re = this.#re;
    re.lastIndex = from;
    return re.test(text) ? re.lastIndex - 1 : -1;
  }

  lineBits?(text: string, hit: number, lineEnd: number): number {
    let bits = 0;
    for (let h = hit, seen = 0; ; seen++) {
      const k = seen < MAX_OCCURRENCES ? this.#endingAt(text, h) : -1;
      if (k < 0) {
        // Not an exact literal's end (cannot happen without patterns), or a line packed with
        // literals (a crafted one: "reject:" 9 000 times in 64 KiB): nothing is told.
        this.after = this.next(text, lineEnd + 1);
        return ALL_LITERALS;
      }
      bits |= 1 << k;
      h = this.next(text, h - this.#exact[k]!.length + 2);
      if (h === -1 || h > lineEnd) {
        this.after = h;
        return bits;
      }
    }
  }

  filterBits?(filter: CompiledFilter, part: 'fail' | 'success'): number {
    let bits = this.#filterBits.get(filter);
    if (bits === undefined) {
      const p = filter.precheck;
      if (!this.#filters.includes(filter) || p === undefined) return ALL_LITERALS;
      // A failregex alternative is the prefregex's clauses plus the failregex's.
      bits = [this.#bitsWithin([p.pref, ...p.fail]), this.#bitsWithin(p.success)];
      this.#filterBits.set(filter, bits);
    }
    return part === 'fail' ? bits[0] : bits[1];
  }

  // The bits of the gate literals inside any literal of these clauses.
  #bitsWithin(alternatives: readonly (readonly LiteralCheck[][])[]): number {
    const texts: string[] = [];
    for (const clauses of alternatives) for (const clause of clauses) for (const lit of clause) texts.push(lit.text);
    let bits = 0;
    this.#exact.forEach((g, k) => {
      if (texts.some((t) => t.includes(g))) bits |= 1 << k;
    });
    return bits;
  }

  // The exact literal that ends at `end` in `text`, -1 when none does.
  #endingAt(text: string, end: number): number {
    const list = this.#byLast.get(text.charCodeAt(end));
    if (list === undefined) return -1;
    // next() only stops where a literal ends: with one candidate, it is that one.
    if (list.length === 1) return list[0]!;
    for (const k of list) {
      const t = this.#exact[k]!;
      if (text.startsWith(t, end - t.length + 1)) return k;
    }
    return -1;
  }
}
