// Required-literal extraction from a translated pattern tree, after ripgrep's
// literal.rs: a conjunction of clauses, each a set of literals one of which occurs in
// every text the pattern matches. Soundness first (never claim a literal the JS regex
// can do without), precision second. Case-insensitive parts yield `ci` literals.

import type { RegexNode } from './parse-python-regex.js';
import { isCased } from './case-fold.js';

/** A literal that must occur; `ci` literals compare case-insensitively where `mask` has '1'. */
export interface Literal {
  text: string;
  ci: boolean;
  /** Per UTF-16 unit of `text`: '1' = case-insensitive, '0' = exact. Only when `ci`. */
  mask?: string;
}

/** At least one literal of the clause occurs in every match. */
export type Clause = Literal[];

interface Info {
  /** Every string the node can match, when that set is small; null otherwise. */
  exact: Literal[] | null;
  /** Required clauses found inside the node. */
  clauses: Clause[];
}

const MAX_SET = 64;
const MAX_LEN = 256;
const MAX_CLASS = 8;
const EMPTY: Literal = { text: '', ci: false };

/** All required clauses of a pattern tree (unfiltered). */
export function extractLiterals(tree: RegexNode): Clause[] {
  const info = analyze(tree);
  const clauses = [...info.clauses];
  if (info.exact !== null) pushClause(clauses, info.exact);
  return clauses;
}

/** Where the date detector may cut a date out of the line (it joins the text around it). */
export interface LineLiteralOptions {
  /**
   * True when every date template is `{^LN-BEG}`-anchored: the text before the date
   * is at most two non-word characters. Otherwise the cut may be anywhere.
   */
  dateAtStart: boolean;
  /** Keep at most this many clauses (best first). */
  max?: number;
}

/**
 * The clauses worth checking on a raw log line (date still inside), best first. A
 * literal of the buffer need not appear verbatim in the raw line: the trailing "\n"
 * is not there (keep the longest piece between newlines), and the date cut joins the
 * text before and after it, so a literal may straddle the join. With `dateAtStart`
 * the straddling part is at most two leading non-word characters, which are trimmed;
 * otherwise a literal L is replaced by "L[0..m+1] or L[m..]" (m = half its length),
 * one of which lies wholly on one side of any join.
 */
export function lineLiterals(tree: RegexNode, opts: LineLiteralOptions): Clause[] {
  const out: Clause[] = [];
  for (const clause of extractLiterals(tree)) {
    let lits: Literal[] = [];
    let useless = false;
    for (const lit of clause) {
      for (const cut of cutForLine(preferExact(longestLine(lit)), opts.dateAtStart)) {
        if (cut.text === '') useless = true;
        lits.push(cut);
      }
      if (useless) break;
    }
    if (useless) continue;
    lits = dropImplied(dedupe(lits));
    if (lits.length > 16 || score(lits) < 2) continue;
    if (out.some((c) => sameClause(c, lits))) continue;
    out.push(lits);
  }
  out.sort((a, b) => score(b) - score(a));
  return out.slice(0, opts.max ?? 3);
}

function slice(lit: Literal, from: number, to: number): Literal {
  const text = lit.text.slice(from, to);
  if (!lit.ci) return { text, ci: false };
  const mask = maskOf(lit).slice(from, to);
  return mask.includes('1') ? { text, ci: true, mask } : { text, ci: false };
}

function longestLine(lit: Literal): Literal {
  let from = 0;
  let to = 0;
  let start = 0;
  for (const piece of lit.text.split('\n')) {
    if (piece.length > to - from) [from, to] = [start, start + piece.length];
    start += piece.length + 1;
  }
  return slice(lit, from, to);
}

function cutForLine(lit: Literal, dateAtStart: boolean): Literal[] {
  if (dateAtStart) {
    let k = 0;
    while (k < 2 && k < lit.text.length && !/[A-Za-z0-9_]/.test(lit.text[k]!)) k++;
    return [slice(lit, k, lit.text.length)];
  }
  const n = lit.text.length;
  // A one-character literal cannot straddle anything.
  if (n < 2) return [lit];
  let m = n >> 1;
  // The join never falls inside a surrogate pair, so keep pairs whole.
  const pair = isLowSurrogate(lit.text.charCodeAt(m));
  if (pair) m -= 1;
  return [slice(lit, 0, Math.min(n, m + (pair ? 2 : 1))), slice(lit, m, n)];
}

function isLowSurrogate(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}

// A long exact stretch is cheaper to test (includes) than a case-folding regex.
function preferExact(lit: Literal): Literal {
  if (!lit.ci) return lit;
  const mask = maskOf(lit);
  let bestFrom = 0;
  let bestLen = 0;
  for (let i = 0; i < mask.length;) {
    if (mask[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < mask.length && mask[j] === '0') j++;
    if (j - i > bestLen) [bestFrom, bestLen] = [i, j - i];
    i = j;
  }
  return bestLen >= Math.min(4, lit.text.length) ? slice(lit, bestFrom, bestFrom + bestLen) : lit;
}

// In an "any of" clause, an exact literal containing another exact literal adds nothing.
function dropImplied(lits: Literal[]): Literal[] {
  return lits.filter((a) => a.ci || !lits.some((b) => !b.ci && b.text !== a.text && a.text.includes(b.text)));
}

function score(clause: Clause): number {
  let min = Infinity;
  for (const l of clause) min = Math.min(min, l.ci ? l.text.length * 0.75 : l.text.length);
  return min - clause.length * 0.01;
}

function sameClause(a: Clause, b: Clause): boolean {
  return a.length === b.length && a.every((l, i) => l.text === b[i]!.text && maskOf(l) === maskOf(b[i]!));
}

function pushClause(clauses: Clause[], lits: Literal[]): void {
  if (lits.length === 0 || lits.some((l) => l.text === '')) return;
  clauses.push(lits);
}

function dedupe(lits: Literal[]): Literal[] {
  const seen = new Set<string>();
  const out: Literal[] = [];
  for (const l of lits) {
    const key = l.ci ? `i:${l.text.toLowerCase()}:${maskOf(l)}` : 's:' + l.text;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(l);
    }
  }
  return out;
}

function charLiteral(cp: number, ci: boolean): Literal {
  const text = String.fromCodePoint(cp);
  return ci && isCased(cp) ? { text, ci: true, mask: '1'.repeat(text.length) } : { text, ci: false };
}

function maskOf(l: Literal): string {
  return l.mask ?? '0'.repeat(l.text.length);
}

function cross(a: Literal[], b: Literal[]): Literal[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out: Literal[] = [];
  for (const x of a) {
    for (const y of b) {
      const text = x.text + y.text;
      if (text.length > MAX_LEN) return null;
      if (x.ci || y.ci) out.push({ text, ci: true, mask: maskOf(x) + maskOf(y) });
      else out.push({ text, ci: false });
    }
  }
  return dedupe(out);
}

function best(clauses: Clause[]): Clause | undefined {
  let pick: Clause | undefined;
  for (const c of clauses) if (pick === undefined || score(c) > score(pick)) pick = c;
  return pick;
}

function analyze(node: RegexNode): Info {
  switch (node.t) {
    case 'char': {
      return { exact: [charLiteral(node.cp, node.ci)], clauses: [] };
    }
    case 'set': {
      if (node.neg || node.items.some((i) => i.t === 'esc')) return { exact: null, clauses: [] };
      const lits: Literal[] = [];
      for (const item of node.items) {
        if (item.t !== 'range') continue;
        if (item.hi - item.lo + 1 + lits.length > MAX_CLASS) return { exact: null, clauses: [] };
        for (let cp = item.lo; cp <= item.hi; cp++) {
          lits.push(charLiteral(cp, node.ci));
        }
      }
      return { exact: dedupe(lits), clauses: [] };
    }
    case 'any':
    case 'esc':
    case 'backref':
      return { exact: null, clauses: [] };
    case 'bol':
    case 'eol':
    case 'A':
    case 'Z':
    case 'b':
    case 'B':
      return { exact: [EMPTY], clauses: [] };
    case 'cap':
      return analyze(node.body);
    case 'group': {
      if (node.k === 'nc') return analyze(node.body);
      if (node.k === 'nla' || node.k === 'nlb') return { exact: [EMPTY], clauses: [] };
      // A positive lookaround's text is in the input, but not where the sequence continues.
      const inner = analyze(node.body);
      const clauses = [...inner.clauses];
      if (inner.exact !== null) pushClause(clauses, inner.exact);
      return { exact: [EMPTY], clauses };
    }
    case 'rep': {
      if (node.max === 0) return { exact: [EMPTY], clauses: [] };
      const inner = analyze(node.body);
      if (node.min === 0) {
        const exact = node.max === 1 && inner.exact !== null ? dedupe([...inner.exact, EMPTY]) : null;
        return { exact: exact !== null && exact.length <= MAX_SET ? exact : null, clauses: [] };
      }
      const clauses = [...inner.clauses];
      if (inner.exact !== null) pushClause(clauses, inner.exact);
      let exact: Literal[] | null = null;
      if (inner.exact !== null && node.min === node.max && node.min <= 4) {
        exact = [EMPTY];
        for (let k = 0; k < node.min && exact !== null; k++) exact = cross(exact, inner.exact);
      }
      return { exact, clauses };
    }
    case 'seq': {
      const clauses: Clause[] = [];
      let cur: Literal[] = [EMPTY];
      let allExact = true;
      for (const item of node.items) {
        const info = analyze(item);
        clauses.push(...info.clauses);
        if (info.exact !== null) {
          const next = cross(cur, info.exact);
          if (next !== null) {
            cur = next;
            continue;
          }
          pushClause(clauses, cur);
          cur = info.exact;
          allExact = false;
        } else {
          pushClause(clauses, cur);
          cur = [EMPTY];
          allExact = false;
        }
      }
      if (allExact) return { exact: cur, clauses };
      pushClause(clauses, cur);
      return { exact: null, clauses };
    }
    case 'alt': {
      const infos = node.alts.map(analyze);
      if (infos.every((i) => i.exact !== null)) {
        const union = dedupe(infos.flatMap((i) => i.exact!));
        if (union.length <= MAX_SET) return { exact: union, clauses: [] };
      }
      // Otherwise one clause: the best requirement of each branch, or'ed together.
      const picks: Literal[] = [];
      for (const info of infos) {
        const options = [...info.clauses];
        if (info.exact !== null) pushClause(options, info.exact);
        const pick = best(options);
        if (pick === undefined) return { exact: null, clauses: [] };
        picks.push(...pick);
      }
      const union = dedupe(picks);
      return { exact: null, clauses: union.length <= MAX_SET ? [union] : [] };
    }
    case 'cond':
      return { exact: null, clauses: [] };
  }
}
