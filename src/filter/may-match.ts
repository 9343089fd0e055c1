// The cheap half of stage 5: a literal test on the raw line (date included) that
// runs before date parsing. Invariant: it never rejects a line that matchLine would
// turn into a failure or success (the literals come from the compiled patterns,
// extract-literals.ts). The miss path allocates nothing: includes() and test() only.

import type { CompiledFilter, LiteralCheck } from './compile-filter.js';

/** False only when no failregex/successregex can match the raw line. */
export function mayMatch(cf: CompiledFilter, line: string): boolean {
  const p = cf.precheck;
  if (p === undefined) return true;
  if (p.fail.length > 0 && allHold(p.pref, line)) {
    for (let i = 0; i < p.fail.length; i++) if (allHold(p.fail[i]!, line)) return true;
  }
  for (let i = 0; i < p.success.length; i++) if (allHold(p.success[i]!, line)) return true;
  return false;
}

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
