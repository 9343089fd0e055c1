// The cheap half of stage 5: a literal test on the raw line (date included) that
// runs before date parsing. Invariant: it never rejects a line that matchLine would
// turn into a failure or success (the literals come from the compiled patterns,
// extract-literals.ts). The miss path allocates nothing: includes() and test() only.

import { LAST_HELD, type CompiledFilter, type LiteralCheck } from './compile-filter.js';
import type { LineGrams } from './line-grams.js';
import { PARTS_ALL, PARTS_FAIL, PARTS_SUCCESS } from './match-line.js';

/**
 * False only when no failregex/successregex can match the raw line. `grams`: the line's
 * bigram filter, when the caller builds one (many filters on one line). `parts` (PARTS_* of
 * match-line.ts): the regexes still in question; the others are known not to match.
 */
export function mayMatch(cf: CompiledFilter, line: string, grams?: LineGrams, parts = PARTS_ALL): boolean {
  const p = cf.precheck;
  if (p === undefined) return true;
  // Branches: success[b] for b below success.length, then fail[b - success.length] (behind
  // the prefregex's clauses). The one that held last is tried first, then the others in
  // order: log lines come in runs of one kind (a burst of logins, a dictionary attack), and a
  // hit settles the line with its own two or three literals instead of first missing every
  // other branch (each miss scans the whole line). The answer is an OR, whatever the order.
  const ns = p.success.length;
  const total = ns + p.fail.length;
  const first = p[LAST_HELD];
  let pref = UNKNOWN;
  for (let k = first < 0 ? 0 : -1; k < total; k++) {
    const b = k < 0 ? first : k;
    if (k >= 0 && b === first) continue;
    if ((parts & (b < ns ? PARTS_SUCCESS : PARTS_FAIL)) === 0) continue;
    let holds: boolean;
    if (b < ns) holds = allHold(p.success[b]!, line, grams);
    else {
      if (pref === UNKNOWN) pref = allHold(p.pref, line, grams) ? HOLDS : FAILS;
      holds = pref === HOLDS && allHold(p.fail[b - ns]!, line, grams);
    }
    if (holds) {
      p[LAST_HELD] = b;
      return true;
    }
  }
  return false;
}

const UNKNOWN = 0;
const HOLDS = 1;
const FAILS = 2;

function allHold(clauses: readonly LiteralCheck[][], line: string, grams: LineGrams | undefined): boolean {
  for (let c = 0; c < clauses.length; c++) {
    const clause = clauses[c]!;
    let found = false;
    for (let l = 0; l < clause.length; l++) {
      const lit = clause[l]!;
      if (lit.re !== undefined ? lit.re.test(line) : (grams === undefined || lit.grams === undefined || grams.mayHold(lit.grams)) && line.includes(lit.text)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
