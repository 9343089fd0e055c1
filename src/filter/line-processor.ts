// The one entry point from "a line with its date cut out, at a log time" to failures, for
// the audit (server mode) and fail2ban-regex-like checks (check-all mode). Single-line
// filters go through ServerMatcher / matchLine, maxlines > 1 or F-MLFID ones through the
// multi-line layer. Server-mode single-line results are objects reused from line to line.

import type { EpochMs } from '../types.js';
import type { CompiledFilter } from './compile-filter.js';
import { addressOf, groupStrings, pyStr, truthy } from './failure-groups.js';
import { matchLine, PARTS_ALL, SERVER_FAILURE, SERVER_SUCCESS, serverMatcher } from './match-line.js';
import type { LineMatch, RegexHit, ServerHit, ServerMatcher } from './match-line.js';
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
  /**
   * Group values that took part (merged over the session for F-MLFID). Left empty by a
   * single-line filter in 'first' mode, where nobody reads them.
   */
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
  /**
   * `text`: the line with its date cut out, no newline; `time`: its log time, undefined
   * when it has none. In 'first' mode the result (its arrays and objects included) may be
   * the same object on every call, overwritten by the next one: copy what you keep.
   */
  process(text: string, time: EpochMs | undefined): ProcessedLine | undefined;
  /**
   * process() for a dated text that still ends in its "\n" (a slice of the read chunk): the
   * failregex buffer as it is, where process() would copy the text to append one. `parts`
   * (PARTS_* of match-line.ts): the regexes the line's literals leave possible; a stateful
   * processor, whose buffer spans lines, runs them all.
   */
  processBuffer(buf: string, time: EpochMs, parts?: number): ProcessedLine | undefined;
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
  // 'first' mode: the filter's matcher, its output slot and the two results handed out, reused.
  readonly #server: ServerMatcher | undefined;
  readonly #hit: ServerHit = { regex: 0, id: '', ip: undefined, user: undefined, nofail: false };
  readonly #failure: ProcessedFailure = {
    regex: 0, id: undefined, ip: undefined, user: undefined, users: undefined, groups: NO_GROUPS, nofail: false, matches: 1,
  };
  readonly #failureLine: ProcessedLine = { failures: [this.#failure], success: undefined };
  readonly #success: ProcessedSuccess = { regex: 0, id: '', ip: undefined, user: undefined };
  readonly #successLine: ProcessedLine = { failures: NO_FAILURES, success: this.#success };

  constructor(readonly filter: CompiledFilter, private readonly mode: 'first' | 'all') {
    this.#server = mode === 'first' ? serverMatcher(filter) : undefined;
  }

  process(text: string, time: EpochMs | undefined): ProcessedLine | undefined {
    const server = this.#server;
    if (server !== undefined) return time === undefined ? undefined : this.#first(server, text + '\n');
    const r = matchLine(this.filter, text, this.mode);
    if (r.status === 'failure') return { failures: r.hits.map((h) => fromHit(h, h.id)), success: undefined };
    if (r.status === 'success') return { failures: [], success: fromSuccess(r) };
    return undefined;
  }

  processBuffer(buf: string, time: EpochMs, parts = PARTS_ALL): ProcessedLine | undefined {
    const server = this.#server;
    return server === undefined ? this.process(buf.slice(0, -1), time) : this.#first(server, buf, parts);
  }

  // `buf`: the text plus "\n".
  #first(server: ServerMatcher, buf: string, parts = PARTS_ALL): ProcessedLine | undefined {
    const h = this.#hit;
    const kind = server.matchBuffer(buf, h, parts);
    if (kind === SERVER_FAILURE) {
      takeHit(this.#failure, h).nofail = h.nofail;
      return this.#failureLine;
    }
    if (kind === SERVER_SUCCESS) {
      takeHit(this.#success, h);
      return this.#successLine;
    }
    return undefined;
  }

  reset(): void {}
}

// What a reused 'first'-mode result carries where 'all' mode builds fresh values.
const NO_GROUPS: Record<string, string> = Object.freeze({});
const NO_FAILURES: ProcessedFailure[] = Object.freeze([]) as unknown as ProcessedFailure[];

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

  processBuffer(buf: string, time: EpochMs): ProcessedLine | undefined {
    return this.process(buf.slice(0, -1), time);
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

// The reused result object of a server-mode line takes the hit's fields.
function takeHit<T extends ProcessedSuccess | ProcessedFailure>(to: T, h: ServerHit): T {
  to.regex = h.regex;
  to.id = h.id;
  to.ip = h.ip;
  to.user = h.user;
  return to;
}
