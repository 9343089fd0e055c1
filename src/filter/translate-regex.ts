// Python `re` → JavaScript RegExp source, done once at load time. Invariant: the
// output is compiled with NO flags (`new RegExp(source)`); every Python flag is
// spelled out in the source (IGNORECASE as case-expanded classes, DOTALL/MULTILINE as
// explicit classes and lookarounds). Impossible constructs are ConfigErrors.

/*
 * Semantics decided here (§6): `$` keeps Python's "end or before a final \n" meaning,
 * so callers match the buffer WITH fail2ban's trailing "\n"; `.` is `[^\n]` (Python,
 * not JS, line terminators); `\s`/`\S` are spelled out as Python's whitespace set.
 * Deliberate differences: `\d`, `\w`, `\b` are ASCII (JS without the u flag), not
 * Python 3's Unicode classes (addresses and ids are ASCII; Unicode classes would cost
 * speed); a backreference to a group that did not take part matches empty in JS but
 * fails in Python; captures inside a repeated group are reset on each iteration in JS.
 */

import { ConfigError } from '../errors.js';
import { caseVariants, isCased } from './case-fold.js';
import { eliminateConditionals } from './eliminate-conditionals.js';
import type { ClassItem, RegexNode } from './parse-python-regex.js';
import { parsePythonRegex, RegexSyntaxError } from './parse-python-regex.js';

/** Where a regex comes from, for error messages. */
export interface RegexOrigin {
  file: string;
  key: string;
  section?: string;
}

/** Translation options. */
export interface TranslateOptions {
  /** Python re.MULTILINE for the whole pattern (fail2ban sets it for failregex when maxlines > 1). */
  multiline?: boolean;
}

/** A translated pattern with what is needed to read its groups back. */
export interface TranslatedRegex {
  /** JavaScript source; compile with `new RegExp(source)` and no flags. */
  source: string;
  /** Python group name → JavaScript group names holding its value (first defined wins). */
  groups: Map<string, string[]>;
  /** Python group number → JavaScript group names (named copies when `numbered` is false). */
  numberedGroups: Map<number, string[]>;
  /** True when JavaScript group numbers equal Python's (no group had to be duplicated). */
  numbered: boolean;
  /** The final, conditional-free tree, for literal extraction. */
  tree: RegexNode;
}

/** Translates a Python regex to JavaScript source; throws ConfigError naming file, key and construct. */
export function translateRegex(python: string, where: RegexOrigin, opts: TranslateOptions = {}): string {
  return translateRegexDetailed(python, where, opts).source;
}

/** Like translateRegex, also returning group aliases and the parsed tree. */
export function translateRegexDetailed(
  python: string,
  where: RegexOrigin,
  opts: TranslateOptions = {},
): TranslatedRegex {
  try {
    return translateOrThrow(python, opts);
  } catch (e) {
    throw new ConfigError(describeRegexError(e, python), where);
  }
}

/** Translation that throws RegexSyntaxError (for callers that word their own ConfigError). */
export function translateOrThrow(python: string, opts: TranslateOptions = {}): TranslatedRegex {
  const parsed = parsePythonRegex(python, { m: opts.multiline === true });
  const { root, duplicated } = eliminateConditionals(parsed.root);
  const namer = new GroupNamer(parsed.names, duplicated);
  namer.visit(root);
  const source = new Emitter(namer).emit(root);
  const groups = new Map<string, string[]>();
  for (const [name, num] of parsed.names) groups.set(name, namer.aliases.get(num) ?? []);
  return { source, groups, numberedGroups: namer.aliases, numbered: !duplicated, tree: root };
}

/** One-line description of a translation failure; rethrows anything that is not a RegexSyntaxError. */
export function describeRegexError(e: unknown, python: string): string {
  if (!(e instanceof RegexSyntaxError)) throw e;
  const what = e.unsupported ? `${e.message} is not supported` : `invalid regex: ${e.message}`;
  return `${what} in '${python}'`;
}

/** Reads a group through all its JavaScript copies; undefined when none took part. */
export function readGroup(m: RegExpExecArray, names: readonly string[]): string | undefined {
  const g = m.groups;
  if (g === undefined) return undefined;
  for (const n of names) {
    const v = g[n];
    if (v !== undefined) return v;
  }
  return undefined;
}

type Cap = Extract<RegexNode, { t: 'cap' }>;

// Gives every capture node its JavaScript name. Copies made by conditional
// elimination get `name__N`; unnamed groups get `_N` once numbering is lost.
class GroupNamer {
  readonly aliases = new Map<number, string[]>();
  /** Capture nodes by Python group number (several after conditional rewriting). */
  readonly caps = new Map<number, Cap[]>();
  readonly jsName = new Map<Cap, string | undefined>();
  private readonly used = new Set<string>();

  constructor(pyNames: Map<string, number>, private readonly named: boolean) {
    for (const n of pyNames.keys()) this.used.add(n);
  }

  visit(node: RegexNode): void {
    if (node.t === 'cap') {
      const nodes = this.caps.get(node.num) ?? [];
      nodes.push(node);
      this.caps.set(node.num, nodes);
      const list = this.aliases.get(node.num) ?? [];
      let js: string | undefined;
      const base = node.name ?? (this.named ? `_${node.num}` : undefined);
      if (base !== undefined) {
        if (list.length === 0 && (node.name !== undefined || !this.used.has(base))) {
          js = base;
        } else {
          let k = list.length + 1;
          while (this.used.has(`${base}__${k}`)) k++;
          js = `${base}__${k}`;
        }
        this.used.add(js);
        list.push(js);
      }
      this.aliases.set(node.num, list);
      this.jsName.set(node, js);
    }
    switch (node.t) {
      case 'seq':
        node.items.forEach((n) => this.visit(n));
        break;
      case 'alt':
        node.alts.forEach((n) => this.visit(n));
        break;
      case 'cap':
      case 'group':
      case 'rep':
        this.visit(node.body);
        break;
      default:
        break;
    }
  }
}

const SYNTAX_OUTSIDE = '^$\\.*+?()[]{}|/';
const SYNTAX_INSIDE = '\\]^-[';

/** JavaScript source for one code point, safe outside or inside a class. */
export function charSource(cp: number, inClass: boolean): string {
  if (cp > 0xffff) {
    const s = String.fromCodePoint(cp);
    return hex4(s.charCodeAt(0)) + hex4(s.charCodeAt(1));
  }
  const ch = String.fromCharCode(cp);
  if ((inClass ? SYNTAX_INSIDE : SYNTAX_OUTSIDE).includes(ch)) return '\\' + ch;
  if (cp >= 0x20 && cp <= 0x7e) return ch;
  if (cp < 0x100) return '\\x' + cp.toString(16).padStart(2, '0');
  return hex4(cp);
}

function hex4(u: number): string {
  return '\\u' + u.toString(16).padStart(4, '0');
}

/** Source matching one character case-insensitively the way Python does. */
export function ciCharSource(cp: number): string {
  const variants = caseVariants(cp);
  if (variants.length === 1) return charSource(cp, false);
  return '[' + variants.map((v) => charSource(v, true)).join('') + ']';
}

class Emitter {
  constructor(private readonly namer: GroupNamer) {}

  emit(node: RegexNode): string {
    switch (node.t) {
      case 'seq':
        return node.items.map((n) => (n.t === 'alt' ? `(?:${this.emit(n)})` : this.emit(n))).join('');
      case 'alt':
        return node.alts.map((n) => this.emit(n)).join('|');
      case 'char':
        return node.ci ? ciCharSource(node.cp) : charSource(node.cp, false);
      case 'set':
        return emitSet(node.items, node.neg, node.ci);
      case 'any':
        return node.dotall ? '[\\s\\S]' : '[^\\n]';
      case 'esc':
        return escSource(node.k);
      case 'bol':
        return node.ml ? '(?<![^\\n])' : '^';
      case 'eol':
        return node.ml ? '(?![^\\n])' : '(?=\\n?(?![\\s\\S]))';
      case 'A':
        return '^';
      case 'Z':
        return '(?![\\s\\S])';
      case 'b':
        return '\\b';
      case 'B':
        return '\\B';
      case 'cap': {
        const js = this.namer.jsName.get(node);
        return (js === undefined ? '(' : `(?<${js}>`) + this.emit(node.body) + ')';
      }
      case 'group': {
        const open = { nc: '(?:', la: '(?=', nla: '(?!', lb: '(?<=', nlb: '(?<!' }[node.k];
        return open + this.emit(node.body) + ')';
      }
      case 'rep':
        return this.atom(node.body) + quantifier(node.min, node.max) + (node.lazy ? '?' : '');
      case 'backref': {
        // A case-insensitive backreference equals a plain one when its group can only
        // capture caseless text, e.g. the date separator in `(?iu)%d(?P<_sep>[-/])%b(?P=_sep)`.
        if (node.ci && !(this.namer.caps.get(node.num) ?? []).every((c) => isCaseless(c.body))) {
          throw new RegexSyntaxError('backreference inside a case-insensitive (?i) part', 0, true);
        }
        const names = this.namer.aliases.get(node.num) ?? [];
        if (names.length === 0) return `(?:\\${node.num})`;
        const refs = names.map((n) => `\\k<${n}>`).join('');
        return names.length === 1 ? refs : `(?:${refs})`;
      }
      case 'cond':
        throw new Error('internal: conditional left after elimination');
    }
  }

  private atom(node: RegexNode): string {
    if (node.t === 'seq' && node.items.length === 1) return this.atom(node.items[0]!);
    const s = this.emit(node);
    const single = (node.t === 'char' && node.cp <= 0xffff) || node.t === 'set' || node.t === 'any'
      || node.t === 'esc' || node.t === 'cap' || (node.t === 'group' && node.k !== 'lb' && node.k !== 'nlb');
    return single ? s : `(?:${s})`;
  }
}

// True when nothing the node can match has a case variant (so IGNORECASE changes nothing).
function isCaseless(node: RegexNode): boolean {
  switch (node.t) {
    case 'seq':
      return node.items.every(isCaseless);
    case 'alt':
      return node.alts.every(isCaseless);
    case 'char':
      return caseVariants(node.cp).length === 1;
    case 'set':
      if (node.neg) return false;
      return node.items.every((it) => {
        if (it.t === 'esc') return it.k === 'd' || it.k === 's';
        for (let cp = it.lo; cp <= it.hi; cp++) if (isCased(cp) || caseVariants(cp).length > 1) return false;
        return true;
      });
    case 'esc':
      return node.k === 'd' || node.k === 's';
    case 'cap':
    case 'group':
    case 'rep':
      return isCaseless(node.body);
    case 'bol':
    case 'eol':
    case 'A':
    case 'Z':
    case 'b':
    case 'B':
      return true;
    default:
      return false;
  }
}

function quantifier(min: number, max: number): string {
  if (min === 0 && max === Infinity) return '*';
  if (min === 1 && max === Infinity) return '+';
  if (min === 0 && max === 1) return '?';
  if (max === Infinity) return `{${min},}`;
  if (min === max) return `{${min}}`;
  return `{${min},${max}}`;
}

// Python's \s for str patterns (str.isspace). JS \s differs on U+001C-U+001F, U+0085
// and U+FEFF, so both \s and \S are spelled out.
const PY_SPACE: ReadonlyArray<[number, number]> = [
  [0x09, 0x0d], [0x1c, 0x20], [0x85, 0x85], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];
const PY_NON_SPACE: ReadonlyArray<[number, number]> = complement(PY_SPACE);
const SPACE_CLASS = rangesSource(PY_SPACE);

function complement(ranges: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0xffff) out.push([next, 0xffff]);
  return out;
}

function rangesSource(ranges: ReadonlyArray<[number, number]>): string {
  return ranges.map(([lo, hi]) => {
    if (lo === hi) return charSource(lo, true);
    if (hi === lo + 1) return charSource(lo, true) + charSource(hi, true);
    return charSource(lo, true) + '-' + charSource(hi, true);
  }).join('');
}

function escSource(k: 'd' | 'D' | 'w' | 'W' | 's' | 'S'): string {
  if (k === 's') return `[${SPACE_CLASS}]`;
  if (k === 'S') return `[^${SPACE_CLASS}]`;
  return '\\' + k;
}

function emitSet(items: readonly ClassItem[], neg: boolean, ci: boolean): string {
  const escs: string[] = [];
  // \s and \S are each closed under case equivalence (no whitespace has a case), so
  // only the explicit ranges need folding.
  const spaces: Array<[number, number]> = [];
  let ranges: Array<[number, number]> = [];
  for (const item of items) {
    if (item.t === 'esc') {
      if (item.k === 's') spaces.push(...PY_SPACE);
      else if (item.k === 'S') spaces.push(...PY_NON_SPACE);
      else escs.push('\\' + item.k);
      continue;
    }
    if (item.hi > 0xffff) {
      throw new RegexSyntaxError('character outside the Basic Multilingual Plane in a character class', 0, true);
    }
    ranges.push([item.lo, item.hi]);
  }
  ranges = mergeRanges([...(ci ? foldRanges(ranges) : ranges), ...spaces]);
  return '[' + (neg ? '^' : '') + rangesSource(ranges) + escs.join('') + ']';
}

function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

// Closes a set of ranges under Python's case equivalence and re-packs it into ranges.
// Only the members themselves are visited (not the whole BMP), so compiling many
// case-insensitive templates stays cheap.
function foldRanges(ranges: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = ranges.map(([lo, hi]) => [lo, hi]);
  for (const [lo, hi] of ranges) {
    for (let cp = lo; cp <= hi; cp++) {
      if (!isCased(cp)) continue;
      for (const v of caseVariants(cp)) if (v < lo || v > hi) out.push([v, v]);
    }
  }
  return mergeRanges(out);
}
