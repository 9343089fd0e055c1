// Evaluates annotated test lines with banreplay's own config loader, date detector and
// line processor, the way fail2ban's sample suite drives its Filter objects: check-all
// regex mode, a frozen "now", journal blocks without date parsing, and one stateful
// filter per option set, kept for the whole log (multi-line buffers and F-MLFID sessions).
import { loadFilter } from '../../src/config/load-filter.js';
import { compileFilter, type CompiledFilter } from '../../src/filter/compile-filter.js';
import { createLineProcessor, type LineProcessor } from '../../src/filter/line-processor.js';
import { createDateDetector, type DateDetector } from '../../src/time/date-detector.js';
import type { Zone } from '../../src/time/zone.js';
import type { FilterOptions, LineResult } from './fail-json.js';

interface Session {
  filter: CompiledFilter;
  detector: DateDetector;
  processor: LineProcessor;
  /** Filter.__lastDate: the last time parsed (or given) for this filter. */
  lastDate: number | undefined;
}

/** How the filters are read and run. */
export interface EvaluatorOptions {
  /**
   * Read every filter as fail2ban's suite does: its `usedns` is not applied (the Filter
   * default `warn` expands `<HOST>` with host names) and hosts are returned raw
   * (`returnRawHost`). Default false: the filter's own usedns (banreplay default `no`).
   */
  suiteDns?: boolean;
  /** F-MLFID session lifetime in ms of log time (default: fail2ban's 300 s). */
  sessionTtlMs?: number;
}

/** fail2ban's `date > now - 60`: how recent the last date must be for an undated line to take it. */
const LAST_DATE_WINDOW_MS = 60_000;

/** Formats `name[k="v",…]` for loadFilter. */
export function filterRef(name: string, options: FilterOptions): string {
  const entries = Object.entries(options);
  if (entries.length === 0) return name;
  return `${name}[${entries.map(([k, v]) => `${k}="${v.replace(/"/g, '\\"')}"`).join(', ')}]`;
}

/** Returns a line evaluator bound to filter directories, a zone and a frozen now. */
export function createLineEvaluator(filterDirs: string[], zone: Zone, now: number, opts: EvaluatorOptions = {}) {
  const sessions = new Map<string, Session>();
  const session = (name: string, options: FilterOptions, rawOptions: Record<string, unknown>): Session => {
    const fname = rawOptions['test.filter-name'];
    const filterName = typeof fname === 'string' && fname !== '' ? fname : undefined;
    const ref = filterRef(name, options);
    const key = filterName === undefined ? ref : `${ref}#${filterName}`;
    let s = sessions.get(key);
    if (s === undefined) {
      const def = loadFilter(ref, { filterDirs });
      if (opts.suiteDns === true) def.usedns = 'raw';
      const filter = compileFilter(def);
      s = {
        filter,
        detector: createDateDetector(def.datepattern, zone, { refMs: now }),
        processor: createLineProcessor(filter, { mode: 'all', ttlMs: opts.sessionTtlMs }),
        lastDate: undefined,
      };
      sessions.set(key, s);
    }
    return s;
  };
  return {
    /** Compiled filter for a name and options (created on first use, as the suite does per option set). */
    filter: (name: string, options: FilterOptions, rawOptions: Record<string, unknown> = {}): CompiledFilter =>
      session(name, options, rawOptions).filter,
    evaluate(name: string, options: FilterOptions, rawOptions: Record<string, unknown>, line: string): LineResult {
      const s = session(name, options, rawOptions);
      let text = line;
      let time: number | undefined;
      if (options['logtype'] === 'journal') {
        const prefix = rawOptions['test.prefix-line'];
        if (typeof prefix === 'string') text = prefix + text;
        time = now;
        s.lastDate = now;
      } else {
        const m = s.detector.match(line, now);
        if (m !== undefined) text = line.slice(0, m.start) + line.slice(m.end);
        if (m?.time !== undefined) {
          time = m.time;
          s.lastDate = time;
        } else if (s.lastDate !== undefined && s.lastDate > now - LAST_DATE_WINDOW_MS) {
          // Filter.processLine: an undated line takes the last date while it is recent.
          time = s.lastDate;
        }
      }
      const r = s.processor.process(text, time);
      if (r === undefined) return { failures: [], regexesUsed: [], success: false };
      if (r.success !== undefined) return { failures: [], regexesUsed: [], success: true };
      // Like fail2ban's suite: pending (no id) and nofail results only mark their regex as used.
      const failures = r.failures
        .filter((f) => f.id !== undefined && !f.nofail)
        .map((f) => {
          const fields: Record<string, unknown> = { ...f.groups, attempts: f.matches };
          if (f.user !== undefined) fields['user'] = f.user;
          if (f.users !== undefined) fields['users'] = f.users;
          return { regex: f.regex, id: f.id!, time, fields };
        });
      return { failures, regexesUsed: r.failures.map((f) => f.regex), success: false };
    },
  };
}
