// Fuzz target: the Python → JavaScript regex translator and the backtracking check. A pattern
// Python would reject must give a RegexSyntaxError; one that translates must compile as a
// JavaScript RegExp (without the `u` flag, as compileFilter builds it) and must keep its groups.
import { RegexSyntaxError } from '../../src/filter/parse-python-regex.js';
import { findCatastrophicBacktracking } from '../../src/filter/backtrack-check.js';
import { translateOrThrow } from '../../src/filter/translate-regex.js';

/** Jazzer.js entry point. */
export function fuzz(data: Buffer): void {
  const python = data.toString('utf8');
  let source: string;
  let groups: Map<string, string[]>;
  try {
    ({ source, groups } = translateOrThrow(python));
  } catch (err) {
    if (err instanceof RegexSyntaxError) return;
    throw err;
  }
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (err) {
    throw new Error(`translation of ${JSON.stringify(python)} does not compile: ${JSON.stringify(source)}: ${String(err)}`);
  }
  const names = new Set(Object.keys(new RegExp(`${re.source}|`).exec('')?.groups ?? {}));
  for (const [name, js] of groups) {
    for (const g of js) if (!names.has(g)) throw new Error(`group ${name} lost its JavaScript group ${g} in ${JSON.stringify(source)}`);
  }
  findCatastrophicBacktracking(python);
}
