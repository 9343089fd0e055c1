// Parser for Python 3.11 `re` pattern syntax (str patterns) into a small AST.
// Mirrors sre_parse: same escapes, same literal `{` fallback, same group rules and
// errors; flags are resolved at parse time so every node carries its own i/m/s state.
// It only parses: translation to JavaScript lives in translate-regex.ts.

/** Python regex flags that change how nodes match (scoped or global). */
export interface RegexFlags {
  /** IGNORECASE */
  i: boolean;
  /** MULTILINE: `^`/`$` at line boundaries */
  m: boolean;
  /** DOTALL: `.` also matches `\n` */
  s: boolean;
  /** VERBOSE: whitespace and `#` comments ignored outside classes */
  x: boolean;
}

/** One element of a character class. */
export type ClassItem =
  | { t: 'range'; lo: number; hi: number }
  | { t: 'esc'; k: 'd' | 'D' | 'w' | 'W' | 's' | 'S' };

/** A node of the parsed pattern. Captures keep their Python group number in `num`. */
export type RegexNode =
  | { t: 'seq'; items: RegexNode[] }
  | { t: 'alt'; alts: RegexNode[] }
  | { t: 'char'; cp: number; ci: boolean }
  | { t: 'set'; neg: boolean; items: ClassItem[]; ci: boolean }
  | { t: 'any'; dotall: boolean }
  | { t: 'esc'; k: 'd' | 'D' | 'w' | 'W' | 's' | 'S' }
  | { t: 'bol'; ml: boolean }
  | { t: 'eol'; ml: boolean }
  | { t: 'A' }
  | { t: 'Z' }
  | { t: 'b' }
  | { t: 'B' }
  | { t: 'cap'; num: number; name: string | undefined; body: RegexNode }
  | { t: 'group'; k: 'nc' | 'la' | 'nla' | 'lb' | 'nlb'; body: RegexNode }
  | { t: 'rep'; body: RegexNode; min: number; max: number; lazy: boolean }
  | { t: 'backref'; num: number; ci: boolean }
  | { t: 'cond'; num: number; yes: RegexNode; no: RegexNode | undefined };

/** Result of parsing one pattern. */
export interface ParsedRegex {
  root: RegexNode;
  /** Number of capture groups (Python numbering, 1-based). */
  groupCount: number;
  /** Named group → group number. */
  names: Map<string, number>;
  /** Flags given globally at the start of the pattern. */
  flags: RegexFlags;
}

/** A pattern Python's `re.compile` would reject, or one we cannot represent. */
export class RegexSyntaxError extends Error {
  readonly pos: number;
  /** True when Python accepts the construct but JavaScript has no equivalent. */
  readonly unsupported: boolean;
  constructor(message: string, pos: number, unsupported = false) {
    super(message);
    this.name = 'RegexSyntaxError';
    this.pos = pos;
    this.unsupported = unsupported;
  }
}

// Python's MAXREPEAT on 64-bit builds; larger bounds are errors there too.
const MAXREPEAT = 4294967295;
const WHITESPACE = ' \t\n\r\v\f';
const DIGITS = '0123456789';
const OCTDIGITS = '01234567';
const HEXDIGITS = '0123456789abcdefABCDEF';
const ASCII_LETTER = /^[A-Za-z]$/;
const LEADING_FLAGS = /^\(\?([aiLmsux]+)\)/;

/** Parses a Python `re` pattern; throws RegexSyntaxError on what Python rejects. */
export function parsePythonRegex(src: string, initial: Partial<RegexFlags> = {}): ParsedRegex {
  return new Parser(src).parse(initial);
}

class Parser {
  private pos = 0;
  private groupCount = 0;
  private readonly names = new Map<string, number>();
  private readonly open = new Set<number>();
  // Numeric conditional references are validated at the end, as sre_parse does.
  private readonly condRefs: Array<{ num: number; pos: number }> = [];

  constructor(private readonly src: string) {}

  parse(initial: Partial<RegexFlags>): ParsedRegex {
    const flags: RegexFlags = { i: false, m: false, s: false, x: false, ...initial };
    // Global flags are only legal at the very start in Python 3.11.
    for (;;) {
      const m = LEADING_FLAGS.exec(this.src.slice(this.pos));
      if (m === null) break;
      this.applyFlagLetters(m[1] ?? '', flags, this.pos);
      this.pos += m[0].length;
    }
    const root = this.parseAlt(flags);
    if (this.pos < this.src.length) {
      throw this.error('unbalanced parenthesis');
    }
    for (const ref of this.condRefs) {
      if (ref.num > this.groupCount) {
        throw new RegexSyntaxError(`invalid group reference ${ref.num}`, ref.pos);
      }
    }
    return { root, groupCount: this.groupCount, names: this.names, flags };
  }

  private error(message: string, pos = this.pos): RegexSyntaxError {
    return new RegexSyntaxError(`${message} at position ${pos}`, pos);
  }

  private unsupported(message: string, pos = this.pos): RegexSyntaxError {
    return new RegexSyntaxError(`${message} at position ${pos}`, pos, true);
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private applyFlagLetters(letters: string, flags: RegexFlags, pos: number): void {
    for (const c of letters) {
      if (c === 'i') flags.i = true;
      else if (c === 'm') flags.m = true;
      else if (c === 's') flags.s = true;
      else if (c === 'x') flags.x = true;
      else if (c === 'L') throw this.error('bad inline flags: cannot use \'L\' flag with a str pattern', pos);
      // 'u' is the default for str patterns; 'a' only narrows \d\w\s, which we
      // already translate with ASCII semantics.
    }
  }

  private parseAlt(flags: RegexFlags): RegexNode {
    const alts: RegexNode[] = [this.parseSeq(flags)];
    while (this.peek() === '|') {
      this.pos++;
      alts.push(this.parseSeq(flags));
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private skipVerbose(flags: RegexFlags): void {
    if (!flags.x) return;
    for (;;) {
      const c = this.peek();
      if (c !== undefined && WHITESPACE.includes(c)) {
        this.pos++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else {
        return;
      }
    }
  }

  private parseSeq(flags: RegexFlags): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      this.skipVerbose(flags);
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      const start = this.pos;
      if (c === '*' || c === '+' || c === '?' || (c === '{' && this.looksLikeRepeat())) {
        this.applyRepeat(items, start);
        continue;
      }
      const node = this.parseAtom(flags);
      if (node !== undefined) items.push(node);
    }
    return { t: 'seq', items };
  }

  // True when the `{` at pos starts a valid `{m}`, `{m,}`, `{,n}`, `{m,n}` (sre_parse).
  private looksLikeRepeat(): boolean {
    return /^\{\d*(?:,\d*)?\}/.test(this.src.slice(this.pos, this.pos + 40)) && this.src[this.pos + 1] !== '}';
  }

  private applyRepeat(items: RegexNode[], start: number): void {
    const c = this.src[this.pos]!;
    let min: number;
    let max: number;
    if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.src.slice(this.pos))!;
      const lo = m[1] ?? '';
      const hi = m[2] === ',' ? (m[3] ?? '') : lo;
      min = lo === '' ? 0 : Number(lo);
      max = hi === '' ? Infinity : Number(hi);
      if (min >= MAXREPEAT || (max !== Infinity && max >= MAXREPEAT)) {
        throw this.error('the repetition number is too large', start);
      }
      if (max < min) throw this.error('min repeat greater than max repeat', start);
      this.pos += m[0].length;
    } else {
      this.pos++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    }
    const last = items[items.length - 1];
    if (last === undefined || last.t === 'bol' || last.t === 'eol' || last.t === 'A' || last.t === 'Z'
      || last.t === 'b' || last.t === 'B') {
      throw this.error('nothing to repeat', start);
    }
    if (last.t === 'rep') throw this.error('multiple repeat', start);
    let lazy = false;
    if (this.peek() === '?') {
      lazy = true;
      this.pos++;
    } else if (this.peek() === '+') {
      throw this.unsupported('possessive quantifier', start);
    }
    items[items.length - 1] = { t: 'rep', body: last, min, max, lazy };
  }

  private readCodePoint(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private parseAtom(flags: RegexFlags): RegexNode | undefined {
    const c = this.peek()!;
    switch (c) {
      case '(':
        return this.parseGroup(flags);
      case '[':
        return this.parseClass(flags);
      case '.':
        this.pos++;
        return { t: 'any', dotall: flags.s };
      case '^':
        this.pos++;
        return { t: 'bol', ml: flags.m };
      case '$':
        this.pos++;
        return { t: 'eol', ml: flags.m };
      case '\\':
        return this.parseEscape(flags);
      default:
        return { t: 'char', cp: this.readCodePoint(), ci: flags.i };
    }
  }

  private readName(terminator: string, what: string): string {
    const start = this.pos;
    const end = this.src.indexOf(terminator, this.pos);
    if (end < 0) throw this.error(`missing ${terminator}, unterminated name`, start);
    const name = this.src.slice(start, end);
    this.pos = end + 1;
    if (name === '') throw this.error(`missing ${what}`, start);
    return name;
  }

  private parseGroup(flags: RegexFlags): RegexNode | undefined {
    const start = this.pos;
    this.pos++; // (
    if (this.peek() !== '?') {
      const num = ++this.groupCount;
      this.open.add(num);
      const body = this.parseAlt(flags);
      this.close(start);
      this.open.delete(num);
      return { t: 'cap', num, name: undefined, body };
    }
    this.pos++; // ?
    const c = this.peek();
    if (c === ':') {
      this.pos++;
      const body = this.parseAlt(flags);
      this.close(start);
      return { t: 'group', k: 'nc', body };
    }
    if (c === 'P') {
      this.pos++;
      const d = this.peek();
      if (d === '<') {
        this.pos++;
        const name = this.readName('>', 'group name');
        if (!isIdentifier(name)) throw this.error(`bad character in group name '${name}'`, start);
        if (this.names.has(name)) throw this.error(`redefinition of group name '${name}'`, start);
        const num = ++this.groupCount;
        this.names.set(name, num);
        this.open.add(num);
        const body = this.parseAlt(flags);
        this.close(start);
        this.open.delete(num);
        return { t: 'cap', num, name, body };
      }
      if (d === '=') {
        this.pos++;
        const name = this.readName(')', 'group name');
        if (!isIdentifier(name)) throw this.error(`bad character in group name '${name}'`, start);
        const num = this.names.get(name);
        if (num === undefined) throw this.error(`unknown group name '${name}'`, start);
        if (this.open.has(num)) throw this.error('cannot refer to an open group', start);
        return { t: 'backref', num, ci: flags.i };
      }
      throw this.error(`unknown extension ?P${d ?? ''}`, start);
    }
    if (c === '=' || c === '!') {
      this.pos++;
      const body = this.parseAlt(flags);
      this.close(start);
      return { t: 'group', k: c === '=' ? 'la' : 'nla', body };
    }
    if (c === '<') {
      this.pos++;
      const d = this.peek();
      if (d !== '=' && d !== '!') throw this.error(`unknown extension ?<${d ?? ''}`, start);
      this.pos++;
      const body = this.parseAlt(flags);
      this.close(start);
      const [lo, hi] = width(body);
      if (lo !== hi) throw this.error('look-behind requires fixed-width pattern', start);
      return { t: 'group', k: d === '=' ? 'lb' : 'nlb', body };
    }
    if (c === '#') {
      const end = this.src.indexOf(')', this.pos);
      if (end < 0) throw this.error('missing ), unterminated comment', start);
      this.pos = end + 1;
      return undefined;
    }
    if (c === '(') {
      this.pos++;
      const ref = this.readName(')', 'group name');
      let num: number;
      if (isIdentifier(ref)) {
        const n = this.names.get(ref);
        if (n === undefined) throw this.error(`unknown group name '${ref}'`, start);
        num = n;
      } else {
        if (!/^\d+$/.test(ref)) throw this.error(`bad character in group name '${ref}'`, start);
        num = Number(ref);
        if (num === 0) throw this.error('bad group number', start);
        this.condRefs.push({ num, pos: start });
      }
      const yes = this.parseSeq(flags);
      let no: RegexNode | undefined;
      if (this.peek() === '|') {
        this.pos++;
        no = this.parseSeq(flags);
        if (this.peek() === '|') throw this.error('conditional backref with more than two branches', start);
      }
      this.close(start);
      return { t: 'cond', num, yes, no };
    }
    if (c === '>') throw this.unsupported('atomic group (?>...)', start);
    if (c !== undefined && /[aiLmsux-]/.test(c)) {
      const m = /^([aiLmsux]*)(?:-([imsx]*))?([:)])/.exec(this.src.slice(this.pos));
      if (m === null) throw this.error('unknown flag', this.pos);
      const add = m[1] ?? '';
      const del = m[2];
      if (del !== undefined && del === '') throw this.error('missing flag', this.pos);
      if (m[3] === ')') {
        // Leading global flags were consumed in parse(); anything else is the 3.11 error.
        throw this.error('global flags not at the start of the expression', start);
      }
      this.pos += m[0].length;
      const scoped: RegexFlags = { ...flags };
      this.applyFlagLetters(add, scoped, start);
      for (const f of del ?? '') {
        if (add.includes(f)) throw this.error('bad inline flags: flag turned on and off', start);
        scoped[f as keyof RegexFlags] = false;
      }
      const body = this.parseAlt(scoped);
      this.close(start);
      return { t: 'group', k: 'nc', body };
    }
    throw this.error(`unknown extension ?${c ?? ''}`, start);
  }

  private close(start: number): void {
    if (this.peek() !== ')') throw this.error('missing ), unterminated subpattern', start);
    this.pos++;
  }

  private parseClass(flags: RegexFlags): RegexNode {
    const start = this.pos;
    this.pos++; // [
    let neg = false;
    if (this.peek() === '^') {
      neg = true;
      this.pos++;
    }
    const items: ClassItem[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw this.error('unterminated character set', start);
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      const a = this.classAtom();
      if (this.peek() === '-') {
        this.pos++;
        const d = this.peek();
        if (d === undefined) throw this.error('unterminated character set', start);
        if (d === ']') {
          items.push(a, { t: 'range', lo: 45, hi: 45 });
          this.pos++;
          break;
        }
        const b = this.classAtom();
        if (a.t !== 'range' || b.t !== 'range') throw this.error('bad character range', start);
        if (b.lo < a.lo) throw this.error('bad character range', start);
        items.push({ t: 'range', lo: a.lo, hi: b.lo });
      } else {
        items.push(a);
      }
    }
    return { t: 'set', neg, items, ci: flags.i };
  }

  private classAtom(): ClassItem {
    if (this.peek() !== '\\') {
      const cp = this.readCodePoint();
      return { t: 'range', lo: cp, hi: cp };
    }
    const start = this.pos;
    this.pos++;
    const c = this.peek();
    if (c === undefined) throw this.error('bad escape (end of pattern)', start);
    if ('dDwWsS'.includes(c)) {
      this.pos++;
      return { t: 'esc', k: c as 'd' };
    }
    if (c === 'b') {
      this.pos++;
      return lit(8);
    }
    if (OCTDIGITS.includes(c)) {
      let s = '';
      while (s.length < 3 && this.peek() !== undefined && OCTDIGITS.includes(this.peek()!)) {
        s += this.peek();
        this.pos++;
      }
      const v = parseInt(s, 8);
      if (v > 0o377) throw this.error(`octal escape value \\${s} outside of range 0-0o377`, start);
      return lit(v);
    }
    if (DIGITS.includes(c)) throw this.error(`bad escape \\${c}`, start);
    const cp = this.commonEscape(start);
    if (cp !== undefined) return lit(cp);
    this.pos++;
    if (ASCII_LETTER.test(c)) throw this.error(`bad escape \\${c}`, start);
    const v = this.src.codePointAt(this.pos - 1)!;
    if (v > 0xffff) this.pos++;
    return lit(v);
  }

  // Escapes shared by classes and the main pattern; pos is at the letter.
  private commonEscape(start: number): number | undefined {
    const c = this.peek()!;
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };
    const s = simple[c];
    if (s !== undefined) {
      this.pos++;
      return s;
    }
    const hexLen = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexLen > 0) {
      this.pos++;
      const hex = this.src.slice(this.pos, this.pos + hexLen);
      if (hex.length !== hexLen || [...hex].some((h) => !HEXDIGITS.includes(h))) {
        throw this.error(`incomplete escape \\${c}${hex}`, start);
      }
      this.pos += hexLen;
      const v = parseInt(hex, 16);
      if (v > 0x10ffff) throw this.error(`bad escape \\${c}${hex}`, start);
      return v;
    }
    if (c === 'N') throw this.unsupported('named Unicode escape \\N{...}', start);
    return undefined;
  }

  private parseEscape(flags: RegexFlags): RegexNode {
    const start = this.pos;
    this.pos++; // backslash
    const c = this.peek();
    if (c === undefined) throw this.error('bad escape (end of pattern)', start);
    if ('dDwWsS'.includes(c)) {
      this.pos++;
      return { t: 'esc', k: c as 'd' };
    }
    if (c === 'A' || c === 'Z' || c === 'b' || c === 'B') {
      this.pos++;
      return { t: c };
    }
    if (c === '0') {
      let s = '';
      this.pos++;
      while (s.length < 2 && this.peek() !== undefined && OCTDIGITS.includes(this.peek()!)) {
        s += this.peek();
        this.pos++;
      }
      return { t: 'char', cp: s === '' ? 0 : parseInt(s, 8), ci: flags.i };
    }
    if (DIGITS.includes(c)) {
      let s = c;
      this.pos++;
      if (this.peek() !== undefined && DIGITS.includes(this.peek()!)) {
        s += this.peek();
        this.pos++;
        const n = this.peek();
        if (OCTDIGITS.includes(s[0]!) && OCTDIGITS.includes(s[1]!) && n !== undefined && OCTDIGITS.includes(n)) {
          this.pos++;
          const v = parseInt(s + n, 8);
          if (v > 0o377) throw this.error(`octal escape value \\${s}${n} outside of range 0-0o377`, start);
          return { t: 'char', cp: v, ci: flags.i };
        }
      }
      const num = Number(s);
      if (num > this.groupCount) throw this.error(`invalid group reference ${num}`, start);
      if (this.open.has(num)) throw this.error('cannot refer to an open group', start);
      return { t: 'backref', num, ci: flags.i };
    }
    const cp = this.commonEscape(start);
    if (cp !== undefined) return { t: 'char', cp, ci: flags.i };
    if (ASCII_LETTER.test(c)) throw this.error(`bad escape \\${c}`, start);
    return { t: 'char', cp: this.readCodePoint(), ci: flags.i };
  }
}

function lit(cp: number): ClassItem {
  return { t: 'range', lo: cp, hi: cp };
}

// Python's str.isidentifier(), approximated with the ECMAScript identifier rules
// (identical for the ASCII names fail2ban produces).
function isIdentifier(name: string): boolean {
  return /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(name);
}

/** Minimum and maximum match width in code points (Infinity when unbounded). */
export function width(node: RegexNode): [number, number] {
  switch (node.t) {
    case 'seq': {
      let lo = 0;
      let hi = 0;
      for (const item of node.items) {
        const [a, b] = width(item);
        lo += a;
        hi += b;
      }
      return [lo, hi];
    }
    case 'alt': {
      let lo = Infinity;
      let hi = 0;
      for (const alt of node.alts) {
        const [a, b] = width(alt);
        lo = Math.min(lo, a);
        hi = Math.max(hi, b);
      }
      return [lo, hi];
    }
    case 'char':
    case 'set':
    case 'any':
    case 'esc':
      return [1, 1];
    case 'cap':
      return width(node.body);
    case 'group':
      return node.k === 'nc' ? width(node.body) : [0, 0];
    case 'rep': {
      const [a, b] = width(node.body);
      return [a * node.min, b === 0 ? 0 : b * node.max];
    }
    case 'backref':
      return [0, Infinity];
    case 'cond': {
      const [a, b] = width(node.yes);
      const [c, d] = node.no === undefined ? [0, 0] : width(node.no);
      return [Math.min(a, c), Math.max(b, d)];
    }
    default:
      return [0, 0];
  }
}
