// One runner for annotated test logs: scores a filter's failJSON log the way fail2ban's
// sample suite checks it (frozen now 2005-08-14 12:00 CEST, zone CET/CEST, check-all mode,
// every failregex of every option set needs a sample). Used by `npm run conformance`
// against fail2ban's own filter.d and by test/filters against ours.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseZone } from '../../src/time/zone.js';
import type { Zone } from '../../src/time/zone.js';
import { checkCase, readFailJsonCases } from '../support/fail-json.js';
import type { FilterOptions } from '../support/fail-json.js';
import { createLineEvaluator, filterRef } from '../support/evaluate-line.js';
import type { EvaluatorOptions } from '../support/evaluate-line.js';

/** fail2ban's TEST_NOW: 2005-08-14 12:00:00 CEST. */
export const TEST_NOW = 1124013600 * 1000;
/** fail2ban's test zone CET-01CEST-02,M3.5.0,M10.5.0 (Europe/Berlin agrees for every year the logs use). */
export const TEST_ZONE: Zone = parseZone('Europe/Berlin');

/** The result for one filter. */
export interface FilterScore {
  name: string;
  /** Checked (line, option set) pairs that agree. */
  pass: number;
  total: number;
  /** `ref: failregex N` for every regex without a sample. */
  unused: string[];
  /** `file:line ref: reason` for every disagreeing case. */
  failures: string[];
  /** Set when the filter or its log could not be read at all. */
  error: string | undefined;
}

/** Scores `filterDir/<name>.conf` against the annotated log `logsDir/<name>`. */
export function scoreFilter(name: string, filterDir: string, logsDir: string, opts: EvaluatorOptions = {}): FilterScore {
  const score: FilterScore = { name, pass: 0, total: 0, unused: [], failures: [], error: undefined };
  const log = path.join(logsDir, name);
  if (!existsSync(log)) {
    score.error = 'no sample log';
    return score;
  }
  const evaluator = createLineEvaluator([filterDir], TEST_ZONE, TEST_NOW, opts);
  // fail2ban: a regex is covered when its index was hit in this option set, or the same
  // regex text was hit in any option set of the filter.
  const created = new Map<string, [FilterOptions, Record<string, unknown>]>();
  const usedIndex = new Map<string, Set<number>>();
  const usedText = new Set<string>();
  const keyOf = (options: FilterOptions, raw: Record<string, unknown>): string => {
    const fname = raw['test.filter-name'];
    return typeof fname === 'string' && fname !== '' ? `${filterRef(name, options)}#${fname}` : filterRef(name, options);
  };
  try {
    const cases = readFailJsonCases(log, name, (options, raw) => {
      const key = keyOf(options, raw);
      created.set(key, [options, raw]);
      evaluator.filter(name, options, raw);
    });
    for (const c of cases) {
      score.total++;
      const ref = filterRef(name, c.options);
      let why: string | undefined;
      try {
        const r = evaluator.evaluate(name, c.options, c.rawOptions, c.line);
        const key = keyOf(c.options, c.rawOptions);
        let set = usedIndex.get(key);
        if (set === undefined) usedIndex.set(key, (set = new Set()));
        const regexes = evaluator.filter(name, c.options, c.rawOptions).failregex;
        for (const i of r.regexesUsed) {
          set.add(i);
          usedText.add(regexes[i]!.python);
        }
        why = checkCase(c, r, TEST_ZONE);
      } catch (e) {
        why = `error: ${(e as Error).message}`;
      }
      if (why === undefined) score.pass++;
      else score.failures.push(`${path.basename(c.file)}:${c.lineNo} ${ref}: ${why}\n      ${c.line}`);
    }
  } catch (e) {
    score.error = (e as Error).message;
    return score;
  }
  for (const [key, [options, raw]] of created) {
    const used = usedIndex.get(key) ?? new Set<number>();
    const regexes = evaluator.filter(name, options, raw).failregex;
    regexes.forEach((p, i) => {
      if (!used.has(i) && !usedText.has(p.python)) score.unused.push(`${key}: failregex ${i} has no sample`);
    });
  }
  if (score.total === 0 && score.error === undefined) score.error = 'no annotated lines';
  return score;
}

/** Whole percent with one decimal, 100 only when everything passed. */
export function percent(pass: number, total: number): string {
  if (total === 0) return '-';
  const p = (100 * pass) / total;
  return (pass < total ? Math.min(p, 99.9) : p).toFixed(1);
}

/** A filter is clean when every case passes, every regex has a sample and nothing failed to load. */
export function isClean(s: FilterScore): boolean {
  return s.error === undefined && s.pass === s.total && s.unused.length === 0;
}
