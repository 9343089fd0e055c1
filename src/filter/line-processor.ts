// The one entry point from "a line with its date cut out, at a log time" to failures,
// for the audit pipeline (server mode) and fail2ban-regex-like checks (check-all mode).
// Single-line filters go through the stateless matchLine; maxlines > 1 or F-MLFID filters
// through the stateful multi-line layer. A line that yields nothing allocates nothing.

import type { EpochMs } from '../types.js';
import type { CompiledFilter } from './compile-filter.js';
import { addressOf, groupStrings, pyStr, truthy } from './failure-groups.js';
import { matchLine } from './match-line.js';
import type { LineMatch, RegexHit } from './match-line.js';
import { MultiLineMatcher } from './multiline.js';
import type { RawFailure, SessionOptions } from './multiline.js';

/** One failure a line produced. */
export interface ProcessedFailure {
  /** Index of the failregex. */
  regex: number;
  /** Failure id; undefined only for a pending F-MLFID failure, reported in 'all' mode. */
  id: string | undefined;
  /** Normalised address when the id is (or came with) an IP. */
  ip: string | undefined;
  /** `user` after ALT merges and, for sessions, the latest user of the session. */
  user: string | undefined;
  /** Every user of an F-MLFID session (fail2ban's `users`), sorted; undefined when none. */
  users: string[] | undefined;
  /** Group values that took part (merged over the session for F-MLFID). */
  groups: Record<string, string>;
  /** Not a failure (F-NOFAIL / F-MLFGAINED); only reported in 'all' mode for F-MLFID filters. */
  nofail: boolean;
  /** Lines that make up the failure (fail2ban's len(matches), failJSON `attempts`). */
  matches: number;
}

/** A successregex (banreplay extension) hit. */
export interface ProcessedSuccess {
  regex: number;
  id: string;
  ip: string | undefined;
  user: string | undefined;
}

/** What one line produced. */
export interface ProcessedLine {
  failures: ProcessedFailure[];
  success: ProcessedSuccess | undefined;
}

/** Options of createLineProcessor. */
export interface LineProcessorOptions extends SessionOptions {
  /**
   * 'first': the server (first matching failregex wins; pending and nofail results are
   * dropped; lines without a time match nothing). 'all': fail2ban-regex and the test
   * suite (every failregex is tried and reported, pending and nofail included).
   */
  mode?: 'first' | 'all';
}

/** A stateful per-filter line processor; one per filter and input stream. */
export interface LineProcessor {
  readonly filter: CompiledFilter;
  /** True when lines influence later lines (maxlines buffer or F-MLFID sessions). */
  readonly stateful: boolean;
  /** `text`: the line with its date cut out, no newline; `time`: its log time, undefined when it has none. */
  process(text: string, time: EpochMs | undefined): ProcessedLine | undefined;
  /** Forgets buffered lines and sessions. */
  reset(): void;
}

/** Builds the processor fitting a compiled filter (see LineProcessorOptions for modes). */
export function createLineProcessor(cf: CompiledFilter, opts: LineProcessorOptions = {}): LineProcessor {
  const mode = opts.mode ?? 'first';
  return cf.multiline ? new StatefulProcessor(cf, mode, opts) : new StatelessProcessor(cf, mode);
}

class StatelessProcessor implements LineProcessor {
  readonly stateful = false;

  constructor(readonly filter: CompiledFilter, private readonly mode: 'first' | 'all') {}

  process(text: string, time: EpochMs | undefined): ProcessedLine | undefined {
    if (time === undefined && this.mode === 'first') return undefined;
    const r = matchLine(this.filter, text, this.mode);
    if (r.status === 'failure') {
      return { failures: this.mode === 'first' ? [fromHit(r, r.id)] : r.hits.map((h) => fromHit(h, h.id)), success: undefined };
    }
    if (r.status === 'success') return { failures: [], success: fromSuccess(r) };
    return undefined;
  }

  reset(): void {}
}

class StatefulProcessor implements LineProcessor {
  readonly stateful = true;
  readonly #m: MultiLineMatcher;
  readonly #first: boolean;
  #last: EpochMs | undefined;

  constructor(readonly filter: CompiledFilter, mode: 'first' | 'all', opts: SessionOptions) {
    this.#m = new MultiLineMatcher(filter, mode, opts);
    this.#first = mode === 'first';
  }

  process(text: string, time: EpochMs | undefined): ProcessedLine | undefined {
    if (time !== undefined) this.#last = time;
    const raw = this.#m.process(text, time, time ?? this.#last ?? 0);
    if (raw.length > 0) return { failures: raw.map(fromRaw), success: undefined };
    if (this.#m.matched || (time === undefined && this.#first)) return undefined;
    const s = this.#m.success(text);
    return s.status === 'success' ? { failures: [], success: fromSuccess(s) } : undefined;
  }

  reset(): void {
    this.#m.reset();
    this.#last = undefined;
  }
}

function fromHit(h: Omit<RegexHit, 'id'>, id: string | undefined): ProcessedFailure {
  return { regex: h.regex, id, ip: h.ip, user: h.user, users: undefined, groups: h.groups, nofail: h.nofail, matches: 1 };
}

function fromSuccess(s: Extract<LineMatch, { status: 'success' }>): ProcessedSuccess {
  return { regex: s.regex, id: s.id, ip: s.ip, user: s.user };
}

function fromRaw(r: RawFailure): ProcessedFailure {
  const g = r.fail.g;
  const user = g['user'];
  return {
    regex: r.regex,
    id: r.id?.id?.text,
    ip: r.id === undefined ? undefined : addressOf(r.id),
    user: user === undefined ? undefined : pyStr(user),
    users: r.fail.users === undefined ? undefined : [...r.fail.users].sort(),
    groups: groupStrings(g),
    nofail: truthy(g['nofail']),
    matches: r.fail.matches ?? 0,
  };
}
