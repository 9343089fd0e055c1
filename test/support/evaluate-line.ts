// Evaluates one annotated test line with banreplay's own config loader, date detector
// and matcher, the way fail2ban's sample suite drives its filter: check-all regex mode,
// a frozen "now", journal blocks without date parsing.
import { loadFilter } from '../../src/config/load-filter.js';
import { compileFilter, type CompiledFilter } from '../../src/filter/compile-filter.js';
import { matchLine } from '../../src/filter/match-line.js';
import { createDateDetector, type DateDetector } from '../../src/time/date-detector.js';
import type { Zone } from '../../src/time/zone.js';
import type { FilterOptions, LineResult } from './fail-json.js';

interface Built {
  filter: CompiledFilter;
  detector: DateDetector;
}

/** Formats `name[k="v",…]` for loadFilter. */
export function filterRef(name: string, options: FilterOptions): string {
  const entries = Object.entries(options);
  if (entries.length === 0) return name;
  return `${name}[${entries.map(([k, v]) => `${k}="${v.replace(/"/g, '\\"')}"`).join(', ')}]`;
}

/** Returns a line evaluator bound to a filter directory, a zone and a frozen now. */
export function createLineEvaluator(filterDirs: string[], zone: Zone, now: number) {
  const cache = new Map<string, Built>();
  const build = (name: string, options: FilterOptions): Built => {
    const ref = filterRef(name, options);
    let b = cache.get(ref);
    if (b === undefined) {
      const def = loadFilter(ref, { filterDirs });
      b = { filter: compileFilter(def), detector: createDateDetector(def.datepattern, zone) };
      cache.set(ref, b);
    }
    return b;
  };
  return {
    /** Compiled filter for a name and options (for regex coverage checks). */
    filter: (name: string, options: FilterOptions): CompiledFilter => build(name, options).filter,
    evaluate(name: string, options: FilterOptions, rawOptions: Record<string, unknown>, line: string): LineResult {
      const { filter, detector } = build(name, options);
      let text = line;
      let time: number | undefined;
      if (options['logtype'] === 'journal') {
        const prefix = rawOptions['test.prefix-line'];
        if (typeof prefix === 'string') text = prefix + text;
        time = now;
      } else {
        const m = detector.match(line, now);
        if (m !== undefined) {
          text = line.slice(0, m.start) + line.slice(m.end);
          time = m.time;
        }
      }
      const r = matchLine(filter, text, 'all');
      if (r.status === 'success') return { failures: [], regexesUsed: [], success: true };
      if (r.status !== 'failure' && r.status !== 'pending') return { failures: [], regexesUsed: [], success: false };
      // Like fail2ban's suite: pending (no id) and nofail results only mark their regex as used.
      const failures = r.hits
        .filter((h) => h.id !== undefined && !h.nofail)
        .map((h) => {
          const fields: Record<string, unknown> = { ...h.groups, attempts: 1 };
          if (h.user !== undefined) fields['user'] = h.user;
          if (h.ip !== undefined) fields['ip'] = h.ip;
          return { regex: h.regex, id: h.id!, time, fields };
        });
      return { failures, regexesUsed: r.hits.map((h) => h.regex), success: false };
    },
  };
}
