// The counting core of `test-filter`: one filter over log lines, tallied the way
// fail2ban-regex does in its default check-all mode (client/fail2banregex.py, semantics §8):
// per-regex hits, date-template hits, lines matched / missed / ignored. Synchronous per line;
// it never reads files or clocks. Every line is judged by the evaluator alone.

import { LAST_HELD, type CompiledFilter } from '../filter/compile-filter.js';
import { createLineProcessor } from '../filter/line-processor.js';
import { matchLine } from '../filter/match-line.js';
import { mayMatch } from '../filter/may-match.js';
import type { DateDetector } from '../time/date-detector.js';
import type { EpochMs } from '../types.js';

/** One line reported as a failure (the ndjson record). */
export interface FilterTestFailure {
  /** Index into the run's file list. */
  file: number;
  /** 1-based line number within the decoded input. */
  line: number;
  id: string;
  /** The address when the id is (or came with) an IP. */
  ip: string | undefined;
  /** undefined when the line had no parseable time and no earlier line gave one. */
  time: EpochMs | undefined;
  user: string | undefined;
  /** 0-based indexes of every failregex that produced this failure (check-all mode). */
  regexes: number[];
}

/** A line kept for the matched / missed / ignored listings. */
export interface KeptLine {
  file: number;
  line: number;
  text: string;
}

/** One id a failregex produced, for `-v` (fail2ban-regex lists them under each regex). */
export interface RegexIdHit {
  /** undefined: pending (an F-MLFID line whose id comes later). */
  id: string | undefined;
  time: EpochMs | undefined;
  /** More than one failregex matched the line. */
  multiple: boolean;
}

/** Tallies of one run, fail2ban-regex's definitions. */
export interface FilterTestResult {
  /** Lines evaluated: every line except empty ones and those starting with `#`. */
  tested: number;
  /** Empty and `#` lines, skipped and not counted (as fail2ban-regex does). */
  skipped: number;
  matched: number;
  missed: number;
  /** An ignoreregex hit, or a failregex match flagged F-NOFAIL. */
  ignored: number;
  /** Matched lines that got no time (no date found, none earlier in the file). */
  noTime: number;
  /** Lines the prefregex matched (0 when the filter has none). */
  prefregex: number;
  /** Hits per failregex: every regex that produced a result on a line counts. */
  failregex: number[];
  /** Hits per ignoreregex, counted as fail2ban-regex does (once per failregex it cancelled). */
  ignoreregex: number[];
  /** Lines recognised by each successregex (banreplay extension; such lines are "missed"). */
  successregex: number[];
  /** Lines whose date each template found, indexed like DateDetector.templates. */
  templates: number[];
  failures: FilterTestFailure[];
  /** Per failregex, the ids it produced (only with `collectIds`). */
  ids: RegexIdHit[][];
  matchedLines: KeptLine[];
  missedLines: KeptLine[];
  ignoredLines: KeptLine[];
}

/** How many lines of each kind to keep for listing (Infinity = all, 0 = none). */
export interface KeepLimits {
  matched: number;
  missed: number;
  ignored: number;
}

/** Options of {@link createFilterTest}. */
export interface FilterTestOptions {
  filter: CompiledFilter;
  detector: DateDetector;
  /** Keep every failure (ndjson/json output). */
  collectFailures: boolean;
  /** Keep the ids each failregex produced (`-v`). */
  collectIds: boolean;
  keep: KeepLimits;
}

/** A running test: feed files and lines, then read the result. */
export interface FilterTest {
  /** Starts a new input: its index and the reference time for year-less stamps. */
  beginFile(file: number, refMs: EpochMs): void;
  /** Evaluates one line (synchronous; `text` may be a view into a larger chunk). */
  onLine(text: string, lineNo: number): void;
  result(): FilterTestResult;
}

/** One failregex result on a line (check-all mode lists every one). */
export interface VerdictHit {
  regex: number;
  /** undefined: an F-MLFID failure still waiting for its id (fail2ban-regex counts it a match). */
  id: string | undefined;
  ip: string | undefined;
  user: string | undefined;
  /** F-NOFAIL / F-MLFGAINED: fail2ban-regex then counts the line as ignored. */
  nofail: boolean;
}

/** What one line is, in fail2ban-regex's terms. */
export type LineVerdict =
  | { kind: 'miss'; success: number | undefined }
  | { kind: 'ignored'; early: boolean }
  | { kind: 'hits'; hits: VerdictHit[] };

/** Judges lines of one input in order; stateful for multi-line filters. */
export type LineEvaluator = (text: string, time: EpochMs | undefined) => LineVerdict;

/**
 * The single per-line judgement of test-filter, fail2ban-regex's check-all mode (every
 * failregex tried). Single-line filters go through matchLine, which also tells ignored lines
 * apart; filters needing F-MLFID sessions or a maxlines buffer through the shared line
 * processor, whose ignoreregex hits are found again here (see ignoreHits).
 */
export function createLineEvaluator(cf: CompiledFilter): LineEvaluator {
  if (!cf.multiline) {
    return (text) => {
      const r = matchLine(cf, text, 'all');
      switch (r.status) {
        case 'failure':
        case 'pending':
          return { kind: 'hits', hits: r.hits };
        case 'ignored':
          return { kind: 'ignored', early: r.failregex === undefined };
        case 'success':
          return { kind: 'miss', success: r.regex };
        default:
          return MISS;
      }
    };
  }
  const processor = createLineProcessor(cf, { mode: 'all' });
  const scratch = new Array<number>(cf.ignoreregex.length).fill(0);
  return (text, time) => {
    const r = processor.process(text, time);
    if (r !== undefined && r.failures.length > 0) return { kind: 'hits', hits: r.failures };
    if (cf.ignoreregex.length > 0) {
      if (cf.earlyIgnore && ignoreHits(cf, text, false, scratch) > 0) return { kind: 'ignored', early: true };
      if (ignoreHits(cf, text, true, scratch) > 0) return { kind: 'ignored', early: false };
    }
    return r?.success === undefined ? MISS : { kind: 'miss', success: r.success.regex };
  };
}

/** Creates a filter test over one compiled filter and date detector. */
export function createFilterTest(opts: FilterTestOptions): FilterTest {
  const { filter: cf, detector, keep } = opts;
  let evaluate = createLineEvaluator(cf);
  const r: FilterTestResult = {
    tested: 0,
    skipped: 0,
    matched: 0,
    missed: 0,
    ignored: 0,
    noTime: 0,
    prefregex: 0,
    failregex: new Array<number>(cf.failregex.length).fill(0),
    ignoreregex: new Array<number>(cf.ignoreregex.length).fill(0),
    successregex: new Array<number>(cf.successregex.length).fill(0),
    templates: new Array<number>(detector.templates.length).fill(0),
    failures: [],
    ids: cf.failregex.map(() => []),
    matchedLines: [],
    missedLines: [],
    ignoredLines: [],
  };
  // The literal pre-check may skip a line only when skipping cannot change a count:
  // fail2ban's early ignoreregex check runs before any failregex, on every line.
  const usePrecheck = !cf.earlyIgnore;
  // The prefregex count needs the prefregex tried on every line; its own literals (the
  // pre-check restricted to the prefregex, with one always-true failregex slot) skip the
  // lines it cannot match.
  const pref = cf.prefregex;
  const prefOnly: CompiledFilter | undefined = pref === undefined || cf.precheck === undefined
    ? undefined
    : { ...cf, precheck: { pref: cf.precheck.pref, fail: [[]], success: [], [LAST_HELD]: -1 } };
  const owned = new Map<string, string>();
  const own = (value: string): string => {
    let v = owned.get(value);
    if (v === undefined) {
      v = copyString(value);
      owned.set(v, v);
    }
    return v;
  };
  let file = 0;
  let ref: EpochMs = 0;
  let lastTime: EpochMs | undefined;

  const keepLine = (list: KeptLine[], limit: number, text: string, lineNo: number): void => {
    if (list.length < limit) list.push({ file, line: lineNo, text: copyString(text) });
  };

  return {
    beginFile(index: number, refMs: EpochMs): void {
      file = index;
      ref = refMs;
      lastTime = undefined;
      // Sessions and buffers do not span inputs.
      if (cf.multiline) evaluate = createLineEvaluator(cf);
    },
    onLine(line: string, lineNo: number): void {
      // fail2ban-regex skips comments and empty lines before anything else (fail2banregex.py:583-622).
      if (line.length === 0 || line.charCodeAt(0) === 35) {
        r.skipped++;
        return;
      }
      r.tested++;
      const m = detector.none ? undefined : detector.match(line, ref);
      let time: EpochMs | undefined;
      if (m !== undefined) {
        r.templates[m.template]!++;
        if (m.time !== undefined) lastTime = m.time;
        // An invalid stamp (Feb 29 of a non-leap inferred year) takes the previous time.
        time = m.time ?? lastTime;
      } else if (detector.none) {
        time = lastTime;
      }
      // The regexes see the line with its date cut out; built only for lines that get that far.
      let text: string | undefined;
      const cut = (): string => (text ??= m === undefined ? line : line.slice(0, m.start) + line.slice(m.end));
      if (pref !== undefined && (prefOnly === undefined || mayMatch(prefOnly, line)) && pref.re.test(cut() + '\n')) {
        r.prefregex++;
      }
      // A line the pre-check rejects can neither match nor change a multi-line session (a
      // maxlines buffer has no pre-check: every line enters it).
      const verdict = usePrecheck && !mayMatch(cf, line) ? MISS : evaluate(cut(), time);
      if (verdict.kind === 'ignored') {
        ignoreHits(cf, cut(), !verdict.early, r.ignoreregex);
        r.ignored++;
        keepLine(r.ignoredLines, keep.ignored, line, lineNo);
        return;
      }
      if (verdict.kind === 'hits') {
        const hits = verdict.hits;
        const multiple = hits.length > 1;
        let nofail = false;
        let first: VerdictHit | undefined;
        for (const h of hits) {
          r.failregex[h.regex]!++;
          if (h.nofail) nofail = true;
          if (h.id !== undefined) first ??= h;
          if (opts.collectIds) r.ids[h.regex]!.push({ id: h.id === undefined ? undefined : own(h.id), time, multiple });
        }
        // An F-NOFAIL match makes the whole line "ignored" in fail2ban-regex, even beside a failure.
        if (nofail) {
          r.ignored++;
          keepLine(r.ignoredLines, keep.ignored, line, lineNo);
          return;
        }
        // A pending match (F-MLFID line without an id yet) is a match for fail2ban-regex.
        r.matched++;
        if (time === undefined) r.noTime++;
        keepLine(r.matchedLines, keep.matched, line, lineNo);
        if (opts.collectFailures && first?.id !== undefined) {
          r.failures.push({
            file,
            line: lineNo,
            id: own(first.id),
            ip: first.ip === undefined ? undefined : own(first.ip),
            time,
            user: first.user === undefined ? undefined : own(first.user),
            regexes: hits.filter((h) => h.id !== undefined).map((h) => h.regex),
          });
        }
        return;
      }
      if (verdict.success !== undefined) r.successregex[verdict.success]!++;
      r.missed++;
      keepLine(r.missedLines, keep.missed, line, lineNo);
    },
    result(): FilterTestResult {
      return r;
    },
  };
}

const MISS: LineVerdict = Object.freeze({ kind: 'miss', success: undefined });

// fail2ban-regex counts an ignoreregex each time Filter._ignoreLine finds it (check-all mode
// does not stop at the first): once on the whole buffer for the early check, else once per
// failregex that matched the buffer (the prefregex content when there is one; a line the
// prefregex rejects reaches no failregex). Single-line check-all leaves that buffer unchanged
// between failregexes, so each one sees the same ignoreregexes match. Adds to `hits` and
// returns the number added; runs only on ignored (or, for multi-line filters, empty) lines.
function ignoreHits(cf: CompiledFilter, text: string, late: boolean, hits: number[]): number {
  let buf = text + '\n';
  let times = 1;
  if (late) {
    if (cf.prefregex !== undefined) {
      const m = cf.prefregex.re.exec(buf);
      if (m === null) return 0;
      const content = groupValue(cf.prefregex.groups, m, 'content');
      if (content !== undefined && content !== '') buf = content + '\n';
    }
    times = 0;
    for (const p of cf.failregex) if (p.re.test(buf)) times++;
    if (times === 0) return 0;
  }
  let added = 0;
  for (let j = 0; j < cf.ignoreregex.length; j++) {
    if (cf.ignoreregex[j]!.re.test(buf)) {
      hits[j]! += times;
      added += times;
    }
  }
  return added;
}

function groupValue(
  groups: ReadonlyArray<readonly [string, readonly string[]]>, m: RegExpExecArray, name: string,
): string | undefined {
  const js = groups.find(([n]) => n === name)?.[1] ?? [];
  for (const g of js) {
    const v = m.groups?.[g];
    if (v !== undefined) return v;
  }
  return undefined;
}

// Lines may be views into the reader's ~1 MiB chunk: a kept value gets its own storage.
function copyString(s: string): string {
  return (' ' + s).slice(1);
}

/** How the FILTER argument was understood. */
export type FilterSource =
  /** `basedir` undefined: banreplay's own filters. */
  | { kind: 'name'; ref: string; basedir: string | undefined; params: Record<string, string> }
  | { kind: 'file'; ref: string; path: string; params: Record<string, string> }
  | { kind: 'regex'; regex: string };

/** One input as read, for the report header. */
export interface FilterTestFile {
  path: string;
  gzip: boolean;
  lines: number;
  overlong: number;
}

/** Everything the test-filter renderers need; they are pure functions of it. */
export interface FilterTestReport {
  source: FilterSource;
  /** The optional IGNOREREGEX argument. */
  ignoreArg: string | undefined;
  /** Filter name and main file (undefined for a raw regex; relative to the package for ours). */
  filterName: string;
  filterFile: string | undefined;
  /** datepattern in effect (undefined = fail2ban's default templates). */
  datepattern: string | undefined;
  zone: string;
  files: FilterTestFile[];
  /** The prefregex as compiled (tags expanded), as fail2ban-regex prints it. */
  prefregex: string | undefined;
  /** failregex / ignoreregex / successregex as configured (tags kept), as fail2ban-regex prints them. */
  failregex: string[];
  ignoreregex: string[];
  successregex: string[];
  /** Date template names, indexed like `result.templates`. */
  templates: string[];
  /** The filter is stateful (maxlines > 1 or F-MLFID): lines were judged with their predecessors. */
  multiline: boolean;
  result: FilterTestResult;
}
