// A safe evaluator for `bantime.formula`: the arithmetic subset of Python expressions fail2ban's
// examples use (ban.Time, ban.Count, banFactor, numbers, operators, `a if c else b`, math.* and
// a few builtins), compiled once into a closure. Nothing is eval()ed; any other name, attribute
// or syntax is a FormulaError. Pure: no I/O, no clock, no randomness.

import { roundHalfEven } from './round-half-even.js';

/** A formula that cannot be compiled or evaluated. */
export class FormulaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormulaError';
  }
}

/** The values a formula can read (fail2ban's `ban` object and `banFactor`). */
export interface FormulaScope {
  /** `ban.Time`: the jail's bantime in seconds. */
  time: number;
  /** `ban.Count`: how many earlier bans the address has. */
  count: number;
  /** `banFactor`: the evaluated `bantime.factor`. */
  factor: number;
}

/** A compiled formula; throws FormulaError when evaluation fails (division by zero, ...). */
export type CompiledFormula = (scope: FormulaScope) => number;

/** What the evaluator understands, for messages. */
export const FORMULA_SUBSET =
  'numbers, ban.Time, ban.Count, banFactor, + - * / // % ** << >> & | ^ ~, comparisons, and/or/not, ' +
  '`x if c else y`, math.exp/log/log2/log10/sqrt/pow/floor/ceil/fabs/e/pi, float, int, abs, min, max, round';

type Node = (s: FormulaScope) => number;
type Token = { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const NUMBER_RE = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const NAME_RE = /^[A-Za-z_]\w*/;
const OP_RE = /^(?:\*\*|\/\/|<<|>>|<=|>=|==|!=|[-+*/%()<>,.&|^~])/;
const BLANK_RE = /^\s+/;
const KEYWORDS = new Set(['if', 'else', 'and', 'or', 'not', 'True', 'False', 'None', 'lambda', 'in', 'is']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let rest = text;
  while (rest !== '') {
    const blank = BLANK_RE.exec(rest);
    if (blank) {
      rest = rest.slice(blank[0].length);
      continue;
    }
    const num = NUMBER_RE.exec(rest);
    if (num) {
      const t = num[0];
      if (/^0\d+$/.test(t) && !/^0+$/.test(t)) throw new FormulaError(`invalid number ${t}`);
      tokens.push({ kind: 'num', value: /^0[xX]/.test(t) ? Number.parseInt(t.slice(2), 16) : Number(t) });
      rest = rest.slice(t.length);
      continue;
    }
    const name = NAME_RE.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      rest = rest.slice(name[0].length);
      continue;
    }
    const op = OP_RE.exec(rest);
    if (!op) throw new FormulaError(`unexpected ${JSON.stringify(rest.charAt(0))}`);
    tokens.push({ kind: 'op', value: op[0] });
    rest = rest.slice(op[0].length);
  }
  return tokens;
}

function check(v: number): number {
  if (!Number.isFinite(v)) throw new FormulaError('result is not a finite number');
  return v;
}

function int(v: number, what: string): number {
  if (!Number.isInteger(v)) throw new FormulaError(`${what} needs integers, got ${v}`);
  return v;
}

function bitwise(a: number, b: number, op: string): number {
  const x = BigInt(int(a, op));
  const y = BigInt(int(b, op));
  return Number(op === '&' ? x & y : op === '|' ? x | y : x ^ y);
}


const MATH_FUNCS: Record<string, (args: number[]) => number> = {
  exp: ([x]) => Math.exp(x!),
  log: (args) => {
    const [x, base] = args;
    if (!(x! > 0) || (base !== undefined && (!(base > 0) || base === 1))) throw new FormulaError('math domain error');
    return base === undefined ? Math.log(x!) : Math.log(x!) / Math.log(base);
  },
  log2: ([x]) => {
    if (!(x! > 0)) throw new FormulaError('math domain error');
    return Math.log2(x!);
  },
  log10: ([x]) => {
    if (!(x! > 0)) throw new FormulaError('math domain error');
    return Math.log10(x!);
  },
  sqrt: ([x]) => {
    if (x! < 0) throw new FormulaError('math domain error');
    return Math.sqrt(x!);
  },
  pow: ([x, y]) => x! ** y!,
  floor: ([x]) => Math.floor(x!),
  ceil: ([x]) => Math.ceil(x!),
  fabs: ([x]) => Math.abs(x!),
};
const MATH_ARITY: Record<string, readonly [number, number]> = {
  exp: [1, 1], log: [1, 2], log2: [1, 1], log10: [1, 1], sqrt: [1, 1], pow: [2, 2], floor: [1, 1], ceil: [1, 1], fabs: [1, 1],
};
const MATH_CONSTANTS: Record<string, number> = { e: Math.E, pi: Math.PI, tau: 2 * Math.PI };
const BUILTINS: Record<string, { arity: readonly [number, number]; fn: (args: number[]) => number }> = {
  float: { arity: [1, 1], fn: ([x]) => x! },
  int: { arity: [1, 1], fn: ([x]) => Math.trunc(x!) },
  abs: { arity: [1, 1], fn: ([x]) => Math.abs(x!) },
  round: { arity: [1, 1], fn: ([x]) => roundHalfEven(x!) },
  min: { arity: [1, Infinity], fn: (a) => Math.min(...a) },
  max: { arity: [1, Infinity], fn: (a) => Math.max(...a) },
};

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    /** False: plain arithmetic, where any name (ban.Time, banFactor, math.*, max) is an error. */
    private readonly names: boolean,
  ) {}

  parse(): Node {
    const node = this.test();
    const t = this.tokens[this.pos];
    if (t !== undefined) throw new FormulaError(`unexpected ${JSON.stringify(t.value)}`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'op' && t.value === value;
  }

  private isWord(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'name' && t.value === value;
  }

  private expectOp(value: string): void {
    if (!this.isOp(value)) {
      const t = this.peek();
      throw new FormulaError(`expected ${JSON.stringify(value)}${t === undefined ? ' at the end' : `, got ${JSON.stringify(t.value)}`}`);
    }
    this.pos++;
  }

  /** test: or_test ['if' or_test 'else' test] */
  private test(): Node {
    const body = this.orTest();
    if (!this.isWord('if')) return body;
    this.pos++;
    const cond = this.orTest();
    if (!this.isWord('else')) throw new FormulaError("expected 'else'");
    this.pos++;
    const other = this.test();
    return (s) => (cond(s) !== 0 ? body(s) : other(s));
  }

  private orTest(): Node {
    let left = this.andTest();
    while (this.isWord('or')) {
      this.pos++;
      const l = left;
      const r = this.andTest();
      left = (s) => {
        const v = l(s);
        return v !== 0 ? v : r(s);
      };
    }
    return left;
  }

  private andTest(): Node {
    let left = this.notTest();
    while (this.isWord('and')) {
      this.pos++;
      const l = left;
      const r = this.notTest();
      left = (s) => {
        const v = l(s);
        return v === 0 ? v : r(s);
      };
    }
    return left;
  }

  private notTest(): Node {
    if (this.isWord('not')) {
      this.pos++;
      const inner = this.notTest();
      return (s) => (inner(s) === 0 ? 1 : 0);
    }
    return this.comparison();
  }

  private comparison(): Node {
    const first = this.bitOr();
    const ops: string[] = [];
    const rights: Node[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.kind !== 'op' || !['<', '>', '<=', '>=', '==', '!='].includes(t.value)) break;
      this.pos++;
      ops.push(t.value);
      rights.push(this.bitOr());
    }
    if (ops.length === 0) return first;
    // Python chains comparisons: a < b < c means a < b and b < c.
    return (s) => {
      let left = first(s);
      for (let i = 0; i < ops.length; i++) {
        const right = rights[i]!(s);
        const op = ops[i];
        const ok =
          op === '<' ? left < right : op === '>' ? left > right : op === '<=' ? left <= right
          : op === '>=' ? left >= right : op === '==' ? left === right : left !== right;
        if (!ok) return 0;
        left = right;
      }
      return 1;
    };
  }

  private binaryLevel(ops: readonly string[], next: () => Node, apply: (op: string, a: number, b: number) => number): Node {
    let left = next();
    for (;;) {
      const t = this.peek();
      if (t?.kind !== 'op' || !ops.includes(t.value)) return left;
      this.pos++;
      const l = left;
      const r = next();
      const op = t.value;
      left = (s) => check(apply(op, l(s), r(s)));
    }
  }

  private bitOr(): Node {
    return this.binaryLevel(['|'], () => this.bitXor(), (op, a, b) => bitwise(a, b, op));
  }

  private bitXor(): Node {
    return this.binaryLevel(['^'], () => this.bitAnd(), (op, a, b) => bitwise(a, b, op));
  }

  private bitAnd(): Node {
    return this.binaryLevel(['&'], () => this.shift(), (op, a, b) => bitwise(a, b, op));
  }

  private shift(): Node {
    return this.binaryLevel(['<<', '>>'], () => this.arith(), (op, a, b) => {
      int(a, op);
      if (int(b, op) < 0) throw new FormulaError('negative shift count');
      return op === '<<' ? a * 2 ** b : Math.floor(a / 2 ** b);
    });
  }

  private arith(): Node {
    return this.binaryLevel(['+', '-'], () => this.term(), (op, a, b) => (op === '+' ? a + b : a - b));
  }

  private term(): Node {
    return this.binaryLevel(['*', '/', '//', '%'], () => this.factor(), (op, a, b) => {
      if (op === '*') return a * b;
      if (b === 0) throw new FormulaError('division by zero');
      if (op === '/') return a / b;
      if (op === '//') return Math.floor(a / b);
      return a - b * Math.floor(a / b);
    });
  }

  private factor(): Node {
    const t = this.peek();
    if (t?.kind === 'op' && (t.value === '-' || t.value === '+' || t.value === '~')) {
      this.pos++;
      const inner = this.factor();
      if (t.value === '-') return (s) => -inner(s);
      if (t.value === '~') return (s) => -int(inner(s), '~') - 1;
      return inner;
    }
    return this.power();
  }

  private power(): Node {
    const base = this.primary();
    if (!this.isOp('**')) return base;
    this.pos++;
    const exp = this.factor();
    return (s) => {
      const b = base(s);
      const e = exp(s);
      if (b === 0 && e < 0) throw new FormulaError('zero to a negative power');
      if (b < 0 && !Number.isInteger(e)) throw new FormulaError('negative number to a fractional power');
      return check(b ** e);
    };
  }

  private primary(): Node {
    const t = this.peek();
    if (t === undefined) throw new FormulaError('unexpected end of formula');
    this.pos++;
    if (t.kind === 'num') {
      const v = t.value;
      return () => v;
    }
    if (t.kind === 'op') {
      if (t.value !== '(') throw new FormulaError(`unexpected ${JSON.stringify(t.value)}`);
      const inner = this.test();
      this.expectOp(')');
      return inner;
    }
    const name = t.value;
    if (!this.names) throw new FormulaError(`name ${JSON.stringify(name)} is not allowed here (plain arithmetic)`);
    if (name === 'True') return () => 1;
    if (name === 'False') return () => 0;
    if (KEYWORDS.has(name)) throw new FormulaError(`unexpected ${JSON.stringify(name)}`);
    if (name === 'banFactor') return (s) => s.factor;
    if (name === 'ban' || name === 'math') {
      this.expectOp('.');
      const attr = this.peek();
      if (attr?.kind !== 'name') throw new FormulaError(`expected a name after "${name}."`);
      this.pos++;
      if (name === 'ban') {
        if (attr.value === 'Time') return (s) => s.time;
        if (attr.value === 'Count') return (s) => s.count;
        throw new FormulaError(`ban.${attr.value} is not known (ban.Time and ban.Count are)`);
      }
      const constant = MATH_CONSTANTS[attr.value];
      if (constant !== undefined) return () => constant;
      const fn = MATH_FUNCS[attr.value];
      const arity = MATH_ARITY[attr.value];
      if (fn === undefined || arity === undefined) throw new FormulaError(`math.${attr.value} is not supported`);
      return this.call(`math.${attr.value}`, arity, fn);
    }
    const builtin = BUILTINS[name];
    if (builtin !== undefined) return this.call(name, builtin.arity, builtin.fn);
    throw new FormulaError(`name ${JSON.stringify(name)} is not supported`);
  }

  private call(name: string, arity: readonly [number, number], fn: (args: number[]) => number): Node {
    this.expectOp('(');
    const args: Node[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.test());
        if (!this.isOp(',')) break;
        this.pos++;
        if (this.isOp(')')) break;
      }
    }
    this.expectOp(')');
    if (args.length < arity[0] || args.length > arity[1]) {
      throw new FormulaError(`${name}() takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} or more`} argument(s), got ${args.length}`);
    }
    return (s) => check(fn(args.map((a) => a(s))));
  }
}

/** Compiles a `bantime.formula` (Python expression syntax); throws FormulaError on anything outside the subset. */
export function compileBanFormula(text: string): CompiledFormula {
  const node = new Parser(tokenize(text), true).parse();
  return (scope) => check(node(scope));
}

/**
 * Evaluates plain arithmetic in the same Python syntax (time values, `bantime.factor`):
 * numbers and operators only, no names; throws FormulaError on anything else.
 */
export function evaluateArithmetic(text: string): number {
  return check(new Parser(tokenize(text), false).parse()(NO_NAMES));
}

// Never read: an expression without names reads no scope.
const NO_NAMES: FormulaScope = { time: 0, count: 0, factor: 0 };
