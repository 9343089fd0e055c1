// One line through a compiled filter as Filter.findFailure does it (filter.py:839-976,
// semantics doc §4.1-4.3): early ignoreregex, prefregex content, failregexes, late
// ignoreregex, group merge, failure id. Single-line and stateless, never throws: F-MLFID
// sessions and maxlines buffering live in multiline.ts (see line-processor.ts).

import type { CompiledFilter, CompiledPattern } from './compile-filter.js';
import { addressOf, groupStrings, pyRepr, pyStr, readGroups, resolveFailureId, truthy } from './failure-groups.js';
import type { GroupDict } from './failure-groups.js';

/** One failregex that produced a result (check-all mode lists all of them). */
export interface RegexHit {
  regex: number;
  /** Failure id; undefined when pending (an F-MLFID line without address or id yet). */
  id: string | undefined;
  /** Normalised address when the id is (or came with) a valid IP. */
  ip: string | undefined;
  user: string | undefined;
  /** Merged prefregex + failregex groups that took part (tuples rendered as Python reprs). */
  groups: Record<string, string>;
  /** F-NOFAIL (or F-MLFGAINED on an F-MLFID line) captured: without F-MLFID the failure still counts, as in fail2ban. */
  nofail: boolean;
}

/** Outcome of matching one line. */
export type LineMatch =
  | { status: 'miss' }
  | {
    status: 'ignored';
    /** Index of the ignoreregex that matched. */
    regex: number;
    /** Failregex whose match it cancelled; undefined for the early check. */
    failregex: number | undefined;
  }
  | ({
    status: 'failure';
    id: string;
    /** Every failregex that produced a result ('all' mode), in order. */
    regexes: number[];
    hits: RegexHit[];
  } & Omit<RegexHit, 'id'>)
  | ({
    status: 'pending';
    regexes: number[];
    hits: RegexHit[];
  } & Omit<RegexHit, 'id' | 'ip' | 'user'>)
  | { status: 'success'; regex: number; id: string; ip: string | undefined; user: string | undefined; groups: Record<string, string> };

const MISS: LineMatch = Object.freeze({ status: 'miss' });

/**
 * Matches `text` (the line with its date cut out, before + after, no trailing newline).
 * 'first' is the server (stop at the first failregex), 'all' is fail2ban-regex / the
 * test suite (every failregex is tried; `regexes` lists those that produced a result).
 */
export function matchLine(cf: CompiledFilter, text: string, mode: 'first' | 'all' = 'first'): LineMatch {
  // fail2ban appends "\n" to the buffer; translated `$` relies on it (§6).
  const buf = text + '\n';
  if (cf.earlyIgnore) {
    const j = firstMatch(cf.ignoreregex, buf);
    if (j >= 0) return { status: 'ignored', regex: j, failregex: undefined };
  }
  let pre: GroupDict | undefined;
  let fbuf = buf;
  let prefOk = true;
  if (cf.prefregex !== undefined) {
    const m = cf.prefregex.re.exec(buf);
    if (m === null) {
      prefOk = false;
    } else {
      pre = readGroups(cf.prefregex, m);
      const content = pre['content'];
      delete pre['content'];
      if (typeof content === 'string' && content !== '') fbuf = content + '\n';
      else if (Array.isArray(content) && content.length > 0) fbuf = pyRepr(content) + '\n';
    }
  }
  if (prefOk) {
    const hits: RegexHit[] = [];
    let ignored: LineMatch | undefined;
    let matched = false;
    for (let i = 0; i < cf.failregex.length; i++) {
      const p = cf.failregex[i]!;
      const m = p.re.exec(fbuf);
      if (m === null) continue;
      matched = true;
      const own = readGroups(p, m);
      if (cf.ignoreregex.length > 0) {
        const j = firstMatch(cf.ignoreregex, fbuf);
        if (j >= 0) {
          ignored ??= { status: 'ignored', regex: j, failregex: i };
          if (mode === 'first') return ignored;
          continue;
        }
      }
      // The failregex wins over the prefregex, even with a group that did not take part.
      const groups = pre === undefined ? own : { ...pre, ...own };
      const hit = buildHit(cf, i, groups);
      if (hit === 'none' || hit === 'unresolved') {
        // Server mode has already consumed the buffer for this match (filter.py:905-906),
        // so later failregexes see nothing; check-all mode goes on.
        if (mode === 'first') return MISS;
        continue;
      }
      hits.push(hit);
      if (mode === 'first') break;
    }
    if (hits.length > 0) return summarize(hits);
    if (ignored !== undefined) return ignored;
    if (matched) return MISS;
  }
  return matchSuccess(cf, buf);
}

function summarize(hits: RegexHit[]): LineMatch {
  const regexes = hits.map((h) => h.regex);
  const first = hits.find((h) => h.id !== undefined);
  if (first === undefined) {
    const h = hits[0]!;
    return { status: 'pending', regex: h.regex, groups: h.groups, nofail: h.nofail, regexes, hits };
  }
  return {
    status: 'failure', regex: first.regex, id: first.id!, ip: first.ip, user: first.user,
    groups: first.groups, nofail: first.nofail, regexes, hits,
  };
}

/** The banreplay successregex check on a buffer (with its trailing newline). */
export function matchSuccess(cf: CompiledFilter, buf: string): LineMatch {
  for (let i = 0; i < cf.successregex.length; i++) {
    const p = cf.successregex[i]!;
    const m = p.re.exec(buf);
    if (m === null) continue;
    const hit = buildHit(cf, i, readGroups(p, m));
    if (hit === 'none' || hit === 'unresolved' || hit.id === undefined) continue;
    return { status: 'success', regex: i, id: hit.id, ip: hit.ip, user: hit.user, groups: hit.groups };
  }
  return MISS;
}

function firstMatch(patterns: readonly CompiledPattern[], buf: string): number {
  for (let j = 0; j < patterns.length; j++) if (patterns[j]!.re.test(buf)) return j;
  return -1;
}

function buildHit(cf: CompiledFilter, regex: number, d: GroupDict): RegexHit | 'none' | 'unresolved' {
  const r = resolveFailureId(cf, d);
  if (r === 'none' || r === 'unresolved') return r;
  const user = d['user'];
  return {
    regex,
    id: r.id?.text,
    ip: addressOf(r),
    user: user === undefined ? undefined : pyStr(user),
    groups: groupStrings(d),
    // _mergeFailure: a gained success implies nofail on any F-MLFID line.
    nofail: truthy(d['nofail']) || (d['mlfid'] !== undefined && truthy(d['mlfgained'])),
  };
}
