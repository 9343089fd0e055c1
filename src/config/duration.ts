// fail2ban time values (`MyTime.str2seconds`, server/mytime.py:139-177): unit words become
// `*seconds`, juxtaposed terms become `+`, and the result is evaluated as an arithmetic expression.
// We evaluate with the safe expression evaluator of `bantime.formula` instead of Python eval;
// anything it does not accept is a ConfigError. Pure function.

import { ConfigError } from '../errors.js';
import { evaluateArithmetic } from '../jail/ban-formula.js';

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

// The arithmetic left after the unit rewrite goes through the `bantime.formula` evaluator
// (Python numbers, operators and precedence) without names: a name that is left over, an
// unknown unit or a formula's `ban.Time`, is an error.
function evaluate(expr: string): number | undefined {
  if (expr.trim() === '') return undefined;
  try {
    return evaluateArithmetic(expr);
  } catch {
    return undefined;
  }
}

/** Converts a fail2ban time value (`600`, `10m`, `1d12h`, `1year-6mo`, `-1`) to seconds. */
export function parseDuration(value: string): number {
  let expr = separateTerms(value);
  for (const [unit, seconds] of UNITS) expr = replaceUnit(expr, unit, seconds);
  const result = evaluate(joinJuxtaposed(expr));
  if (result === undefined) {
    throw new ConfigError(
      `invalid time value ${JSON.stringify(value)} (expected seconds or terms like 10m, 1h, 1d12h, 1w, 1mo, 1y)`,
    );
  }
  return result;
}

/** Evaluates plain arithmetic (`2`, `1.5`, `3/2`, `2**3`) without time units; undefined when it is anything else. */
export function evaluateNumber(expr: string): number | undefined {
  return evaluate(expr);
}
