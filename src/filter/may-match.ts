// The cheap half of stage 5: a literal test on the raw line (date included) that
// runs before date parsing. Invariant: it never rejects a line that matchLine would
// turn into a failure or success (the literals come from the compiled patterns,
// extract-literals.ts). The miss path allocates nothing: includes() and test() only.

import { LAST_HELD, type CompiledFilter, type LiteralCheck } from './compile-filter.js';

/** False only when no failregex/successregex can match the raw line. */
export function mayMatch(cf: CompiledFilter, line: string): boolean {
  const p = cf.precheck;
  if (p === undefined) return true;
  // The branch that held last is tried first: log lines come in runs of one kind (a burst
  // of logins, a dictionary attack), and a hit settles the line with its own two or three
  // literals instead of first missing every other branch (each miss scans the whole line).
  // The answer is an OR over all branches, so the order never changes it.
  const first = p[LAST_HELD];
  const ns = p.success.length;
  let pref = UNKNOWN;
  if (first >= 0) {
    if (first < ns) {
      if (allHold(p.success[first]!, line)) return true;
    } else {
      pref = allHold(p.pref, line) ? HOLDS : FAILS;
      if (pref === HOLDS && allHold(p.fail[first - ns]!, line)) return true;
    }
  }
  // Successes first: on a busy server most candidate lines are logins.
  for (let i = 0; i < ns; i++) {
    if (i !== first && allHold(p.success[i]!, line)) {
      p[LAST_HELD] = i;
      return true;
    }
  }
  if (p.fail.length === 0) return false;
  if (pref === UNKNOWN) pref = allHold(p.pref, line) ? HOLDS : FAILS;
  if (pref === FAILS) return false;
  for (let i = 0; i < p.fail.length; i++) {
    if (i + ns !== first && allHold(p.fail[i]!, line)) {
      p[LAST_HELD] = i + ns;
      return true;
    }
  }
  return false;
}

const UNKNOWN = 0;
const HOLDS = 1;
const FAILS = 2;

function allHold(clauses: readonly LiteralCheck[][], line: string): boolean {
  for (let c = 0; c < clauses.length; c++) {
    const clause = clauses[c]!;
    let found = false;
    for (let l = 0; l < clause.length; l++) {
      const lit = clause[l]!;
      if (lit.re === undefined ? line.includes(lit.text) : lit.re.test(line)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
