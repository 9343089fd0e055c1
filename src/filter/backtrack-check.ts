// Compile-time detection of regexes that can backtrack exponentially (#5). JavaScript regexes
// cannot be interrupted, and every fail2ban <HOST> expansion holds a lookbehind, which rules
// out V8's linear-time fallback engine, so a user regex such as `(\w+\s?)+:` could stall a
// replay on one crafted line. Sound-enough heuristics on the parsed Python pattern; pure.
import type { CompiledFilter, CompiledPattern } from './compile-filter.js';
import { parsePythonRegex, type ClassItem, type RegexNode } from './parse-python-regex.js';

/** One regex of a filter that may backtrack exponentially. */
export interface BacktrackFinding {
  /** `failregex`, `ignoreregex`, `prefregex` or `successregex`. */
  key: string;
  /** 1-based position in a multi-line list. */
  index: number;
  count: number;
  /** The offending construct, e.g. `(\w+\s?)+`. */
  construct: string;
  /** Why it is ambiguous. */
  reason: string;
}

// Repetitions allowing more than this many iterations count as unbounded: 2^16 paths per
// position is already a stall.
const UNBOUNDED = 16;

/** Checks every regex of a compiled filter; at most one finding per regex. */
export function checkFilterBacktracking(filter: CompiledFilter): BacktrackFinding[] {
  const out: BacktrackFinding[] = [];
  const visit = (key: string, list: readonly CompiledPattern[]): void => {
    list.forEach((p, i) => {
      const f = findCatastrophicBacktracking(p.python);
      if (f !== undefined) out.push({ key, index: i + 1, count: list.length, ...f });
    });
  };
  if (filter.prefregex !== undefined) visit('prefregex', [filter.prefregex]);
  visit('failregex', filter.failregex);
  visit('ignoreregex', filter.ignoreregex);
  visit('successregex', filter.successregex);
  return out;
}

/** Formats a finding as one warning line naming the filter file, key and construct. */
export function describeBacktrackFinding(filter: { name: string; file: string }, f: BacktrackFinding, jail?: string): string {
  const which = f.count > 1 ? ` (regex ${f.index} of ${f.count})` : '';
  const owner = jail === undefined ? `filter ${filter.name}` : `jail ${jail}, filter ${filter.name}`;
  return (
    `${owner}: ${filter.file} [Definition] ${f.key}${which}: ${f.construct} may backtrack catastrophically ` +
    `(${f.reason}); a crafted log line can stall the replay: make the repetition unambiguous`
  );
}

/** The first exponentially ambiguous construct of a Python pattern, or undefined. */
export function findCatastrophicBacktracking(python: string): { construct: string; reason: string } | undefined {
  let root: RegexNode;
  try {
    root = parsePythonRegex(python).root;
  } catch {
    return undefined; // compileFilter reports syntax errors
  }
  const alphabet = buildAlphabet(root);
  const sets = new CharSets(alphabet);
  let found: { construct: string; reason: string } | undefined;
  walk(root, (node) => {
    if (found !== undefined || node.t !== 'rep' || node.max <= UNBOUNDED) return;
    const body = node.body;
    // What every iteration starts with: its mandatory leading characters, else its first ones.
    const lead = leadingAtoms(body, sets).atoms;
    if (lead.length === 0) lead.push(sets.first(body));
    // (a+)+, (\w+\s?)+: an inner repetition can end one iteration and also swallow the start
    // of the next one, so every split of a run is tried.
    for (const inner of lastRepetitions(body)) {
      if (inner === node || inner.max <= UNBOUNDED) continue;
      const eats = sets.chars(inner.body);
      if (lead.every((set) => sets.overlap(eats, set))) {
        found = { construct: printNode(node), reason: `the inner ${printNode(inner)} and the next iteration can match the same text` };
        return;
      }
    }
    // (\w|\d)+, (a|aa)*: two alternatives match the same text, so each iteration doubles the paths.
    const alt = unwrap(body);
    if (alt.t === 'alt') {
      const pair = overlappingAlternatives(alt.alts, sets);
      if (pair !== undefined) {
        found = { construct: printNode(node), reason: `alternatives ${pair} can match the same text` };
      }
    }
  });
  return found;
}

// ---- structure ------------------------------------------------------------------------------

function walk(node: RegexNode, fn: (n: RegexNode) => void): void {
  fn(node);
  switch (node.t) {
    case 'seq':
      for (const i of node.items) walk(i, fn);
      break;
    case 'alt':
      for (const a of node.alts) walk(a, fn);
      break;
    case 'cap':
    case 'group':
    case 'rep':
      walk(node.body, fn);
      break;
    case 'cond':
      walk(node.yes, fn);
      if (node.no !== undefined) walk(node.no, fn);
      break;
    default:
  }
}

function unwrap(node: RegexNode): RegexNode {
  let n = node;
  while (n.t === 'cap' || (n.t === 'group' && n.k === 'nc') || (n.t === 'seq' && n.items.length === 1)) {
    n = n.t === 'seq' ? (n.items[0] as RegexNode) : n.body;
  }
  return n;
}

function nullable(node: RegexNode): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.alts.some(nullable);
    case 'char':
    case 'set':
    case 'any':
    case 'esc':
      return false;
    case 'cap':
      return nullable(node.body);
    case 'group':
      return node.k === 'nc' ? nullable(node.body) : true;
    case 'rep':
      return node.min === 0 || nullable(node.body);
    case 'cond':
      return nullable(node.yes) || node.no === undefined || nullable(node.no);
    default:
      return true; // anchors, backreferences (may be empty)
  }
}

/** Repetitions that can consume the last characters matched by `node`. */
function lastRepetitions(node: RegexNode): Array<Extract<RegexNode, { t: 'rep' }>> {
  switch (node.t) {
    case 'seq': {
      const out: Array<Extract<RegexNode, { t: 'rep' }>> = [];
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as RegexNode;
        out.push(...lastRepetitions(item));
        if (!nullable(item)) break;
      }
      return out;
    }
    case 'alt':
      return node.alts.flatMap(lastRepetitions);
    case 'cap':
      return lastRepetitions(node.body);
    case 'group':
      return node.k === 'nc' ? lastRepetitions(node.body) : [];
    case 'rep':
      return [node, ...lastRepetitions(node.body)];
    case 'cond':
      return [...lastRepetitions(node.yes), ...(node.no === undefined ? [] : lastRepetitions(node.no))];
    default:
      return [];
  }
}

/**
 * The character sets every match of `node` begins with, one per position, and whether they
 * are the whole of it (`, arg\d+=` → `,`, ` `, `a`, `r`, `g`, `\d`; stops at anything optional).
 */
function leadingAtoms(node: RegexNode, sets: CharSets): { atoms: Uint8Array[]; complete: boolean } {
  switch (node.t) {
    case 'char':
    case 'set':
    case 'any':
    case 'esc':
      return { atoms: [sets.atom(node)], complete: true };
    case 'seq': {
      const atoms: Uint8Array[] = [];
      for (const item of node.items) {
        const r = leadingAtoms(item, sets);
        atoms.push(...r.atoms);
        if (!r.complete) return { atoms, complete: false };
      }
      return { atoms, complete: true };
    }
    case 'cap':
      return leadingAtoms(node.body, sets);
    case 'group':
      return node.k === 'nc' ? leadingAtoms(node.body, sets) : { atoms: [], complete: true };
    case 'rep':
      if (node.min === 0) return { atoms: [], complete: false };
      return { atoms: leadingAtoms(node.body, sets).atoms, complete: false };
    case 'alt':
      return { atoms: nullable(node) ? [] : [sets.first(node)], complete: false };
    case 'bol':
    case 'eol':
    case 'A':
    case 'Z':
    case 'b':
    case 'B':
      return { atoms: [], complete: true };
    default:
      return { atoms: [], complete: false };
  }
}

/** Alternatives made of single characters only, as one character set per position. */
function fixedAtoms(node: RegexNode, sets: CharSets): Uint8Array[] | undefined {
  const n = unwrap(node);
  if (n.t === 'char' || n.t === 'set' || n.t === 'any' || n.t === 'esc') return [sets.atom(n)];
  if (n.t !== 'seq') return undefined;
  const out: Uint8Array[] = [];
  for (const item of n.items) {
    const part = fixedAtoms(item, sets);
    if (part === undefined) return undefined;
    out.push(...part);
  }
  return out;
}

// Two alternatives that can match one same string: equal-length fixed sequences that overlap
// position by position, or one that a repetition of the other can spell (a|aa).
function overlappingAlternatives(alts: readonly RegexNode[], sets: CharSets): string | undefined {
  const fixed = alts.map((a) => fixedAtoms(a, sets));
  for (let i = 0; i < alts.length; i++) {
    for (let j = i + 1; j < alts.length; j++) {
      const a = fixed[i];
      const b = fixed[j];
      if (a === undefined || b === undefined || a.length === 0 || b.length === 0) continue;
      const [short, long] = a.length <= b.length ? [a, b] : [b, a];
      if (long.length % short.length !== 0) continue;
      if (long.every((set, k) => sets.overlap(set, short[k % short.length] as Uint8Array))) {
        return `${printNode(alts[i] as RegexNode)} and ${printNode(alts[j] as RegexNode)}`;
      }
    }
  }
  return undefined;
}

// ---- character sets over a sample alphabet ----------------------------------------------------

// Representatives of the character classes (ASCII, Latin-1 space and letters, Greek, line
// separator, BOM, replacement character, astral), plus every character the pattern names.
const BASE_SAMPLE = [0xa0, 0xe9, 0xc9, 0x100, 0x3b1, 0x661, 0x2028, 0xfeff, 0xfffd, 0x1f600];

function buildAlphabet(root: RegexNode): number[] {
  const cps = new Set<number>(BASE_SAMPLE);
  for (let c = 0; c < 128; c++) cps.add(c);
  walk(root, (n) => {
    if (n.t === 'char') {
      cps.add(n.cp);
      for (const v of caseVariants(n.cp)) cps.add(v);
    } else if (n.t === 'set') {
      for (const item of n.items) if (item.t === 'range') cps.add(item.lo).add(item.hi);
    }
  });
  return [...cps];
}

function caseVariants(cp: number): number[] {
  const s = String.fromCodePoint(cp);
  return [s.toLowerCase(), s.toUpperCase()].filter((v) => [...v].length === 1).map((v) => v.codePointAt(0) as number);
}

const ESCAPES: Readonly<Record<'d' | 'w' | 's', RegExp>> = {
  d: /^\p{Nd}$/u,
  w: /^[\p{L}\p{N}_]$/u,
  s: /^[\s\x1c-\x1f\x85]$/u,
};

function escMatches(k: 'd' | 'D' | 'w' | 'W' | 's' | 'S', ch: string): boolean {
  const lower = k.toLowerCase() as 'd' | 'w' | 's';
  const hit = ESCAPES[lower].test(ch);
  return k === lower ? hit : !hit;
}

class CharSets {
  constructor(private readonly alphabet: readonly number[]) {}

  atom(node: RegexNode): Uint8Array {
    return this.of((cp, ch) => {
      switch (node.t) {
        case 'char':
          return cp === node.cp || (node.ci && caseVariants(node.cp).includes(cp));
        case 'any':
          return node.dotall || cp !== 0x0a;
        case 'esc':
          return escMatches(node.k, ch);
        case 'set': {
          const inItems = (c: number, s: string): boolean => node.items.some((it) => itemMatches(it, c, s));
          const hit = inItems(cp, ch) || (node.ci && caseVariants(cp).some((v) => inItems(v, String.fromCodePoint(v))));
          return node.neg ? !hit : hit;
        }
        default:
          return false;
      }
    });
  }

  /** Characters that can start a non-empty match of `node`. */
  first(node: RegexNode): Uint8Array {
    switch (node.t) {
      case 'char':
      case 'set':
      case 'any':
      case 'esc':
        return this.atom(node);
      case 'seq': {
        const acc = this.empty();
        for (const item of node.items) {
          this.addInto(acc, this.first(item));
          if (!nullable(item)) break;
        }
        return acc;
      }
      case 'alt':
        return this.union(node.alts.map((a) => this.first(a)));
      case 'cap':
        return this.first(node.body);
      case 'group':
        return node.k === 'nc' ? this.first(node.body) : this.empty();
      case 'rep':
        return node.max === 0 ? this.empty() : this.first(node.body);
      case 'cond':
        return this.union([this.first(node.yes), ...(node.no === undefined ? [] : [this.first(node.no)])]);
      case 'backref':
        return this.all();
      default:
        return this.empty();
    }
  }

  /** Every character `node` can consume. */
  chars(node: RegexNode): Uint8Array {
    const acc = this.empty();
    walk(node, (n) => {
      if (n.t === 'char' || n.t === 'set' || n.t === 'any' || n.t === 'esc') this.addInto(acc, this.atom(n));
      else if (n.t === 'backref') this.addInto(acc, this.all());
    });
    return acc;
  }

  overlap(a: Uint8Array, b: Uint8Array): boolean {
    for (let i = 0; i < a.length; i++) if (a[i] === 1 && b[i] === 1) return true;
    return false;
  }

  private of(pred: (cp: number, ch: string) => boolean): Uint8Array {
    const out = new Uint8Array(this.alphabet.length);
    this.alphabet.forEach((cp, i) => {
      if (pred(cp, String.fromCodePoint(cp))) out[i] = 1;
    });
    return out;
  }

  private empty(): Uint8Array {
    return new Uint8Array(this.alphabet.length);
  }

  private all(): Uint8Array {
    return new Uint8Array(this.alphabet.length).fill(1);
  }

  private union(parts: Uint8Array[]): Uint8Array {
    const acc = this.empty();
    for (const p of parts) this.addInto(acc, p);
    return acc;
  }

  private addInto(acc: Uint8Array, part: Uint8Array): void {
    for (let i = 0; i < acc.length; i++) if (part[i] === 1) acc[i] = 1;
  }
}

function itemMatches(item: ClassItem, cp: number, ch: string): boolean {
  return item.t === 'range' ? cp >= item.lo && cp <= item.hi : escMatches(item.k, ch);
}

// ---- printing -------------------------------------------------------------------------------

// Python-syntax rendering of a node, for messages (capture names dropped, long text cut).
function printNode(node: RegexNode): string {
  const s = print(node);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function print(node: RegexNode): string {
  switch (node.t) {
    case 'seq':
      return node.items.map(print).join('');
    case 'alt':
      return node.alts.map(print).join('|');
    case 'char':
      return escapeChar(node.cp);
    case 'set':
      return `[${node.neg ? '^' : ''}${node.items.map((it) => (it.t === 'esc' ? `\\${it.k}` : it.lo === it.hi ? escapeChar(it.lo) : `${escapeChar(it.lo)}-${escapeChar(it.hi)}`)).join('')}]`;
    case 'any':
      return '.';
    case 'esc':
      return `\\${node.k}`;
    case 'bol':
      return '^';
    case 'eol':
      return '$';
    case 'A':
      return '\\A';
    case 'Z':
      return '\\Z';
    case 'b':
      return '\\b';
    case 'B':
      return '\\B';
    case 'cap':
      return `(${print(node.body)})`;
    case 'group':
      return `(${{ nc: '?:', la: '?=', nla: '?!', lb: '?<=', nlb: '?<!' }[node.k]}${print(node.body)})`;
    case 'rep': {
      const body = unwrapForRep(node.body);
      const q =
        node.min === 0 && node.max > UNBOUNDED ? '*' : node.min === 1 && node.max > UNBOUNDED ? '+' : node.min === 0 && node.max === 1 ? '?' : node.max > UNBOUNDED ? `{${node.min},}` : node.min === node.max ? `{${node.min}}` : `{${node.min},${node.max}}`;
      return `${body}${q}${node.lazy ? '?' : ''}`;
    }
    case 'backref':
      return `\\${node.num}`;
    case 'cond':
      return `(?(${node.num})${print(node.yes)}${node.no === undefined ? '' : `|${print(node.no)}`})`;
    default:
      return '';
  }
}

function unwrapForRep(body: RegexNode): string {
  const s = print(body);
  const single = body.t === 'char' || body.t === 'set' || body.t === 'any' || body.t === 'esc' || body.t === 'cap' || body.t === 'group';
  return single ? s : `(?:${s})`;
}

function escapeChar(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (/[\\^$.|?*+()[\]{}-]/.test(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return ch;
}
