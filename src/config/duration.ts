// fail2ban time values (`MyTime.str2seconds`, server/mytime.py:139-177): unit words become
// `*seconds`, juxtaposed terms become `+`, and the result is evaluated as an arithmetic expression.
// We evaluate with a small parser (numbers, + - * / // % **, parentheses) instead of Python eval;
// anything else is a ConfigError. Pure function.

import { ConfigError } from '../errors.js';

const MONTH = ((365 * 3 + 366) * 24 * 60 * 60) / 4 / 12;
const YEAR = ((365 * 3 + 366) * 24 * 60 * 60) / 4;

// The order matters, as in fail2ban: months (`mo`, `mon`) are replaced before minutes (`m`).
const UNITS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:days?|da|dd?)\b/i, 24 * 60 * 60],
  [/^(?:weeks?|wee?|ww?)\b/i, 7 * 24 * 60 * 60],
  [/^(?:months?|mon?)\b/i, MONTH],
  [/^(?:years?|yea?|yy?)\b/i, YEAR],
  [/^(?:seconds?|sec?|ss?)\b/i, 1],
  [/^(?:minutes?|min?|mm?)\b/i, 60],
  [/^(?:hours?|hou?|hh?)\b/i, 60 * 60],
];
const LETTER_RE = /[a-z]/i;
const DIGIT_RE = /\d/;
const DIGIT_OR_SPACE_RE = /[\d\s]/;
const JUXTAPOSED_RE = /(\d)\s+(\d)/;

/** `(?<=[a-z])(\d)` → ` \1`: `1d12h` becomes `1d 12h`. */
function separateTerms(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (i > 0 && DIGIT_RE.test(ch) && LETTER_RE.test(value.charAt(i - 1))) out += ' ';
    out += ch;
  }
  return out;
}

/** `(?<=[\d\s])(unit)\b` → `*seconds`, scanning the string once like re.sub. */
function replaceUnit(value: string, unit: RegExp, seconds: number): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (i > 0 && DIGIT_OR_SPACE_RE.test(value.charAt(i - 1))) {
      const m = unit.exec(value.slice(i));
      if (m && m[0] !== '') {
        out += '*' + String(seconds);
        i += m[0].length;
        continue;
      }
    }
    out += value.charAt(i);
    i++;
  }
  return out;
}

/** `(\d)\s+(\d)` → `\1+\2` (non-overlapping, as re.sub). */
function joinJuxtaposed(value: string): string {
  let out = '';
  let rest = value;
  for (;;) {
    const m = JUXTAPOSED_RE.exec(rest);
    if (!m) return out + rest;
    out += rest.slice(0, m.index) + (m[1] ?? '') + '+' + (m[2] ?? '');
    rest = rest.slice(m.index + m[0].length);
  }
}

type Token = { kind: 'num'; value: number } | { kind: 'op'; value: string };

const NUMBER_RE = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const OPERATOR_RE = /^(?:\*\*|\/\/|[-+*/%()])/;
const BLANK_RE = /^\s+/;

function tokenize(expr: string): Token[] | undefined {
  const tokens: Token[] = [];
  let rest = expr;
  while (rest !== '') {
    const blank = BLANK_RE.exec(rest);
    if (blank) {
      rest = rest.slice(blank[0].length);
      continue;
    }
    const num = NUMBER_RE.exec(rest);
    if (num) {
      const text = num[0];
      // Python rejects decimal integers with leading zeros (`010`).
      if (/^0\d/.test(text) && /^\d+$/.test(text) && !/^0+$/.test(text)) return undefined;
      tokens.push({ kind: 'num', value: Number(text) });
      rest = rest.slice(text.length);
      continue;
    }
    const op = OPERATOR_RE.exec(rest);
    if (!op) return undefined;
    tokens.push({ kind: 'op', value: op[0] });
    rest = rest.slice(op[0].length);
  }
  return tokens;
}

/** Recursive-descent evaluation with Python's precedence (`**` binds tighter than unary minus on its left). */
function evaluate(tokens: Token[]): number | undefined {
  let pos = 0;
  const peekOp = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'op' ? t.value : undefined;
  };
  const expr = (): number => {
    let v = term();
    for (let op = peekOp(); op === '+' || op === '-'; op = peekOp()) {
      pos++;
      const r = term();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const term = (): number => {
    let v = unary();
    for (let op = peekOp(); op === '*' || op === '/' || op === '//' || op === '%'; op = peekOp()) {
      pos++;
      const r = unary();
      if ((op === '/' || op === '//' || op === '%') && r === 0) throw new RangeError('division by zero');
      if (op === '*') v *= r;
      else if (op === '/') v /= r;
      else if (op === '//') v = Math.floor(v / r);
      else v = v - r * Math.floor(v / r);
    }
    return v;
  };
  const unary = (): number => {
    const op = peekOp();
    if (op === '-' || op === '+') {
      pos++;
      const v = unary();
      return op === '-' ? -v : v;
    }
    return power();
  };
  const power = (): number => {
    const base = atom();
    if (peekOp() === '**') {
      pos++;
      return base ** unary();
    }
    return base;
  };
  const atom = (): number => {
    const t = tokens[pos];
    if (t === undefined) throw new RangeError('unexpected end');
    pos++;
    if (t.kind === 'num') return t.value;
    if (t.value === '(') {
      const v = expr();
      if (peekOp() !== ')') throw new RangeError('missing )');
      pos++;
      return v;
    }
    throw new RangeError(`unexpected ${t.value}`);
  };
  try {
    const v = expr();
    return pos === tokens.length && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Converts a fail2ban time value (`600`, `10m`, `1d12h`, `1year-6mo`, `-1`) to seconds. */
export function parseDuration(value: string): number {
  let expr = separateTerms(value);
  for (const [unit, seconds] of UNITS) expr = replaceUnit(expr, unit, seconds);
  expr = joinJuxtaposed(expr);
  const tokens = tokenize(expr);
  const result = tokens === undefined || tokens.length === 0 ? undefined : evaluate(tokens);
  if (result === undefined) {
    throw new ConfigError(
      `invalid time value ${JSON.stringify(value)} (expected seconds or terms like 10m, 1h, 1d12h, 1w, 1mo, 1y)`,
    );
  }
  return result;
}

/** Evaluates plain arithmetic (`2`, `1.5`, `3/2`, `2**3`) without time units; undefined when it is anything else. */
export function evaluateNumber(expr: string): number | undefined {
  const tokens = tokenize(expr);
  return tokens === undefined || tokens.length === 0 ? undefined : evaluate(tokens);
}
