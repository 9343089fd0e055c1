// fail2ban's stateful matching (Filter.findFailure with _mergeFailure, filter.py:779-976;
// Regex.search, failregex.py:246-286): the `maxlines` buffer with <SKIPLINES>, and F-MLFID
// sessions merged across lines (F-NOFAIL, F-MLFFORGET, F-MLFGAINED). Invariant: session
// expiry is measured in LOG time (the `now` each line brings), never the wall clock.

import type { CompiledFilter, CompiledPattern } from './compile-filter.js';
import { matchSuccess } from './match-line.js';
import type { LineMatch } from './match-line.js';
import { pyStr, readGroups, resolveFailureId, truthy } from './failure-groups.js';
import type { GroupDict, ResolvedId } from './failure-groups.js';

/** A failure as findFailure holds it: groups plus the bookkeeping _mergeFailure adds. */
export interface FailState {
  /** Merged group values (prefregex, failregex, and earlier lines of the session). */
  g: GroupDict;
  /** `users`: every user seen in the session. */
  users: Set<string> | undefined;
  /** len(`matches`): lines that make up the failure. */
  matches: number | undefined;
  /** len(`nofail-matches`): lines held back while the session was in nofail state. */
  nofailMatches: number | undefined;
  /** `mlfpending`: a failure without id is waiting for a later line. */
  pending: boolean;
}

/** One entry of findFailure's result list. */
export interface RawFailure {
  regex: number;
  fail: FailState;
  /** undefined: pending (check-all mode only). */
  id: ResolvedId | undefined;
}

/** Settings of the session cache (fail2ban: Utils.Cache(maxCount=100, maxTime=5*60)). */
export interface SessionOptions {
  /** Session lifetime from its creation, in log-time ms (default 300 000). */
  ttlMs?: number;
  /** Sessions held at most; the oldest go first (default 100). */
  maxSessions?: number;
}

interface Searched {
  /** Matched lines (SKIPLINES lines removed). */
  matched: string[];
  /** Lines left in the buffer after the match. */
  unmatched: string[];
}

interface Session {
  fail: FailState;
  expires: number;
}

const NONE: RawFailure[] = [];
const DEFAULT_TTL_MS = 300_000;
const DEFAULT_MAX_SESSIONS = 100;
// Python str.splitlines() boundaries.
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const SKIPLINES = /^skiplines(\d+)$/;

/** Stateful findFailure for filters that need it (maxlines > 1 or an F-MLFID group). */
export class MultiLineMatcher {
  readonly #cf: CompiledFilter;
  readonly #all: boolean;
  readonly #ttl: number;
  readonly #max: number;
  readonly #multi: boolean;
  readonly #skip: ReadonlyArray<ReadonlyArray<readonly string[]>>;
  #buffer: string[] = [];
  /** Some failregex matched the last line processed (success lines are only looked for otherwise). */
  matched = false;
  readonly #sessions = new Map<string, Session>();

  constructor(cf: CompiledFilter, mode: 'first' | 'all', opts: SessionOptions = {}) {
    this.#cf = cf;
    this.#all = mode === 'all';
    this.#ttl = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.#max = opts.maxSessions ?? DEFAULT_MAX_SESSIONS;
    this.#multi = cf.maxlines > 1;
    this.#skip = cf.failregex.map(skipGroups);
  }

  /** Number of open F-MLFID sessions (for tests and diagnostics). */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Forgets buffered lines and sessions. */
  reset(): void {
    this.#buffer = [];
    this.#sessions.clear();
  }

  /**
   * One line (date cut out) at log time `now`; `time` undefined means the line had no date
   * (server mode then skips its matches, as fail2ban does with checkFindTime). Returns
   * findFailure's list: in 'first' mode real failures only, in 'all' mode also pending
   * (id undefined) and nofail ones. The empty result is a shared array: do not mutate.
   */
  process(text: string, time: number | undefined, now: number): RawFailure[] {
    const cf = this.#cf;
    const all = this.#all;
    let found: RawFailure[] | undefined;
    this.matched = false;
    let orgBuffer: string[];
    if (this.#multi) {
      this.#buffer.push(text);
      if (this.#buffer.length > cf.maxlines) this.#buffer = this.#buffer.slice(-cf.maxlines);
      orgBuffer = this.#buffer;
    } else {
      orgBuffer = this.#buffer = [text];
    }
    let buf: string | undefined = joinBuffer(orgBuffer);
    if (cf.earlyIgnore && this.#ignoreLine(buf, undefined) >= 0) return NONE;
    let pre: GroupDict | undefined;
    if (cf.prefregex !== undefined) {
      const m = cf.prefregex.re.exec(buf);
      if (m === null) return NONE;
      pre = readGroups(cf.prefregex, m);
      const content = pre['content'];
      delete pre['content'];
      if (truthy(content)) {
        // fail2ban replaces the whole buffer by the content (filter.py:869-874).
        this.#buffer = [pyStr(content)];
        buf = undefined;
      }
    }
    for (let i = 0; i < cf.failregex.length; i++) {
      const p = cf.failregex[i]!;
      buf ??= joinBuffer(this.#buffer);
      const m = p.re.exec(buf);
      if (m === null) continue;
      this.matched = true;
      const s = locate(m, buf, orgBuffer, this.#skip[i]!);
      const own = readGroups(p, m);
      if (cf.ignoreregex.length > 0 && this.#ignoreLine(buf, s) >= 0) {
        buf = undefined;
        if (!all) break;
        continue;
      }
      if (time === undefined && !all) continue;
      if (!all || this.#multi) {
        this.#buffer = s.unmatched;
        buf = undefined;
      }
      let fail: FailState = {
        g: pre === undefined ? own : { ...pre, ...own },
        users: undefined,
        matches: undefined,
        nofailMatches: undefined,
        pending: false,
      };
      const mlfid = fail.g['mlfid'];
      if (mlfid !== undefined) {
        fail = this.#merge(pyStr(mlfid), fail, s.matched.length, now);
        if (truthy(fail.g['nofail']) && !all) return found ?? NONE;
      } else {
        fail.matches = (fail.matches ?? 0) + s.matched.length;
      }
      const r = resolveFailureId(cf, fail.g);
      // fail2ban raises "No group found" and goes on with the next regex.
      if (r === 'none') continue;
      if (r === 'unresolved') {
        if (!all) break;
        continue;
      }
      if (r.id === undefined) {
        fail.pending = true;
        if (!all) return found ?? NONE;
      }
      found ??= [];
      found.push({ regex: i, fail: all && mlfid !== undefined ? copyFail(fail) : fail, id: r.id === undefined ? undefined : r });
      if (!all) break;
    }
    return found ?? NONE;
  }

  /** successregex (banreplay extension) on the current line alone. */
  success(text: string): LineMatch {
    return matchSuccess(this.#cf, text + '\n');
  }

  // Filter._ignoreLine: with a multi-line buffer only the failregex's matched lines are
  // searched, and an ignored match leaves the buffer.
  #ignoreLine(buf0: string, s: Searched | undefined): number {
    const buf = s !== undefined && this.#multi ? joinBuffer(s.matched) : buf0;
    let found = -1;
    const list = this.#cf.ignoreregex;
    for (let j = 0; j < list.length; j++) {
      if (!list[j]!.re.test(buf)) continue;
      found = j;
      if ((!this.#all || this.#multi) && s !== undefined) this.#buffer = s.unmatched;
      if (!this.#all) break;
    }
    return found;
  }

  // Filter._mergeFailure (filter.py:779-829), flag for flag: 1 nofail, 2 forget,
  // 4 the session was in nofail/gained state, 8 gained.
  #merge(mlfid: string, fail0: FailState, matched: number, now: number): FailState {
    let fail = fail0;
    const cached = this.#sessions.size > 0 ? this.#get(mlfid, now) : undefined;
    let users: Set<string> | undefined;
    let flags = 0;
    const g = fail.g;
    if (truthy(g['mlfgained'])) {
      flags |= 8 | 1;
      if (!truthy(g['nofail'])) g['nofail'] = g['mlfgained'];
    } else if (truthy(g['nofail'])) {
      flags |= 1;
    }
    const forget = g['mlfforget'];
    delete g['mlfforget'];
    if (truthy(forget)) flags |= 2;
    if (cached !== undefined) {
      const c = cached;
      users = updateUsers(c, g['user']);
      if (truthy(c.g['nofail'])) flags |= 4;
      delete c.g['nofail'];
      if (truthy(c.g['mlfgained'])) flags |= 4;
      delete c.g['mlfgained'];
      if ((flags & 8) !== 0) c.pending = false;
      if ((flags & 4) === 0 && !c.pending) c.matches = undefined;
      for (const k in g) {
        const v = g[k];
        if (v !== undefined) c.g[k] = v;
      }
      fail = c;
      if ((flags & 2) !== 0) this.#sessions.delete(mlfid);
    } else if ((flags & 2) === 0) {
      users = updateUsers(fail, g['user']);
      this.#set(mlfid, fail, now);
    }
    const wasPending = fail.pending;
    fail.pending = false;
    if (wasPending || (users !== undefined && users.size > 1)) {
      // Pending failures or several users: this is no success, whatever the line says.
      delete fail.g['nofail'];
      delete fail.g['mlfgained'];
      flags &= ~(8 | 1);
    }
    if ((flags & 1) === 0) {
      let m = fail.nofailMatches ?? 0;
      fail.nofailMatches = undefined;
      m += fail.matches ?? 0;
      if ((flags & 8) === 0) m += matched;
      fail.matches = m;
    } else if ((flags & 3) === 1) {
      fail.nofailMatches = (fail.nofailMatches ?? 0) + matched;
    }
    return fail;
  }

  // Utils.Cache.get: an expired entry is dropped on access.
  #get(key: string, now: number): FailState | undefined {
    const s = this.#sessions.get(key);
    if (s === undefined) return undefined;
    if (s.expires > now) return s.fail;
    this.#sessions.delete(key);
    return undefined;
  }

  // Utils.Cache.set: when full, drop from the oldest until an unexpired entry has been
  // dropped with room left (that entry is lost too, as in fail2ban).
  #set(key: string, fail: FailState, now: number): void {
    const map = this.#sessions;
    if (map.size >= this.#max) {
      for (const [k, s] of map) {
        map.delete(k);
        if (s.expires > now && map.size < this.#max) break;
      }
    }
    map.set(key, { fail, expires: now + this.#ttl });
  }
}

function updateUsers(fail: FailState, user: GroupDict[string]): Set<string> | undefined {
  if (truthy(user)) {
    fail.users ??= new Set();
    fail.users.add(pyStr(user));
  }
  return fail.users;
}

function copyFail(f: FailState): FailState {
  return {
    g: { ...f.g },
    users: f.users === undefined ? undefined : new Set(f.users),
    matches: f.matches,
    nofailMatches: f.nofailMatches,
    pending: f.pending,
  };
}

/** Regex._tupleLinesBuf: lines joined by "\n", plus the final "\n". */
function joinBuffer(lines: readonly string[]): string {
  return lines.length === 1 ? lines[0]! + '\n' : lines.join('\n') + '\n';
}

// The JS names of skiplines0, skiplines1, ... (fail2ban stops at the first missing number).
function skipGroups(p: CompiledPattern): string[][] {
  const byNumber = new Map<number, readonly string[]>();
  for (const [name, js] of p.groups) {
    const m = SKIPLINES.exec(name);
    if (m !== null) byNumber.set(Number(m[1]), js);
  }
  const out: string[][] = [];
  for (let n = 0; byNumber.has(n); n++) out.push([...byNumber.get(n)!]);
  return out;
}

// Regex.search's bookkeeping (failregex.py:246-286): which buffered lines the match
// covers, minus those captured by <SKIPLINES>, which go back to the buffer.
function locate(m: RegExpExecArray, buf: string, orgLines: readonly string[], skip: ReadonlyArray<readonly string[]>): Searched {
  if (orgLines.length <= 1) return { matched: [...orgLines], unmatched: [] };
  const start = m.index;
  const end = m.index + m[0].length;
  const lineStart = buf.lastIndexOf('\n', start) + 1;
  // str.index("\n", end - 1): a negative start counts from the end, as in Python.
  const from = end - 1 < 0 ? Math.max(0, buf.length + end - 1) : end - 1;
  const nl = buf.indexOf('\n', from);
  const lineEnd = nl < 0 ? buf.length : nl + 1;
  const count1 = countNewlines(buf, lineStart);
  const count2 = countNewlines(buf, lineEnd);
  const matched = orgLines.slice(count1, count2);
  const unmatched = orgLines.slice(0, count1);
  if (skip.length > 0) {
    let skipped = '';
    const groups = m.groups ?? {};
    for (const names of skip) {
      for (const n of names) {
        const v = groups[n];
        if (v !== undefined) {
          skipped += v;
          break;
        }
      }
    }
    const lines = skipped === '' ? [] : skipped.split(PY_LINE_BREAK);
    if (lines[lines.length - 1] === '') lines.pop();
    let n = 0;
    for (const line of lines) {
      for (let k = n; k < matched.length; k++) {
        if (matched[k] === line) {
          unmatched.push(matched.splice(k, 1)[0]!);
          n = k;
          break;
        }
      }
    }
  }
  for (let k = count2; k < orgLines.length; k++) unmatched.push(orgLines[k]!);
  return { matched, unmatched };
}

function countNewlines(s: string, end: number): number {
  let c = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) c++;
  return c;
}
