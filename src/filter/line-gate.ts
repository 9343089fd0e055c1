// A chunk-level pre-filter in front of mayMatch: one literal search over a whole read
// chunk finds the few lines that can match anything, so the others are never sliced.
// Invariant: whenever mayMatch(f, line) holds for a gated filter f, some gate literal
// lies inside that line (each literal is one a candidate line must contain, or a part of
// one, and none holds a newline).
import { literalSource, type CompiledFilter, type LiteralCheck } from './compile-filter.js';

/** A conservative, chunk-level pre-filter shared by several compiled filters. */
export interface LineGate {
  /**
   * An index inside the first hit at or after `from` (a literal that a candidate line must
   * contain): its last character, so on the hit's line, since no literal holds a newline;
   * -1 when there is none.
   */
  next(text: string, from: number): number;
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
  return lits === undefined ? undefined : regexGate(lits);
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
function regexGate(lits: GateLiterals): LineGate {
  const sources = [...lits.exact.map((t) => literalSource(t, '')), ...lits.patterns.map((p) => `(?:${p.source})`)];
  if (sources.length === 0) return { next: () => -1 };
  const re = new RegExp(sources.join('|'), 'g');
  return {
    next(text: string, from: number): number {
      re.lastIndex = from;
      return re.test(text) ? re.lastIndex - 1 : -1;
    },
  };
}
