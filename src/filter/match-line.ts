// One line through a compiled filter as Filter.findFailure does it (filter.py:839-976,
// semantics doc §4.1-4.3): ignoreregex, prefregex content, failregexes, group merge, id.
// Single-line, never throws; F-MLFID and maxlines live in multiline.ts. ServerMatcher is
// 'first' mode without dictionaries or result objects (tests hold it to matchLine's answers).

import type { CompiledFilter, CompiledPattern } from './compile-filter.js';
import { addressOf, groupStrings, pyRepr, pyStr, readGroups, resolveFailureId, resolveIdInto, SlotReader, truthy } from './failure-groups.js';
import type { GroupDict, PyValue, ResolvedId } from './failure-groups.js';

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

/** What ServerMatcher.matchBuffer found: which regex, the failure id and what came with it. */
export interface ServerHit {
  regex: number;
  id: string;
  ip: string | undefined;
  user: string | undefined;
  nofail: boolean;
}

/** ServerMatcher.matchBuffer's answers: nothing (miss, ignored, pending, no id), a failure, a success. */
export const SERVER_NONE = 0;
export const SERVER_FAILURE = 1;
export const SERVER_SUCCESS = 2;

/**
 * Which regexes of a filter can match a line, as its literals tell (matchBuffer's `parts`):
 * the prefregex and failregexes, the successregexes, or both.
 */
export const PARTS_FAIL = 1;
export const PARTS_SUCCESS = 2;
export const PARTS_ALL = 3;

/** The server-mode matcher of a filter (one per compiled filter, shared). */
export function serverMatcher(cf: CompiledFilter): ServerMatcher {
  let m = matchers.get(cf);
  if (m === undefined) {
    m = new ServerMatcher(cf);
    matchers.set(cf, m);
  }
  return m;
}

// A compiled filter never changes, so its matcher is built once.
const matchers = new WeakMap<CompiledFilter, ServerMatcher>();

/** A filter's regexes with slot readers; see matchBuffer. Synchronous, so one can be shared. */
export class ServerMatcher {
  readonly #cf: CompiledFilter;
  readonly #pref: PatternPlan | undefined;
  readonly #fail: readonly PatternPlan[];
  readonly #success: readonly PatternPlan[];

  constructor(cf: CompiledFilter) {
    this.#cf = cf;
    this.#pref = cf.prefregex === undefined ? undefined : patternPlan(cf.prefregex);
    this.#fail = cf.failregex.map(patternPlan);
    this.#success = cf.successregex.map(patternPlan);
  }

  /**
   * matchLine(cf, text, 'first') for the server, on `buf` = text + "\n" (the caller's, often
   * a slice of the read chunk that ends in the line's own newline): SERVER_FAILURE when it
   * would report 'failure', SERVER_SUCCESS for 'success' (both with the hit written into
   * `out`), SERVER_NONE otherwise. Allocates nothing of its own. `parts` (PARTS_*): the
   * regexes that can match at all, as the line's literals tell; the others are not run,
   * which changes no answer (the answer of a regex that cannot match is a miss anyway).
   */
  matchBuffer(buf: string, out: ServerHit, parts = PARTS_ALL): number {
    const cf = this.#cf;
    if (cf.earlyIgnore && firstMatch(cf.ignoreregex, buf) >= 0) return SERVER_NONE;
    const pref = this.#pref;
    let pre: PatternPlan | undefined;
    let fbuf = buf;
    let prefOk = (parts & PARTS_FAIL) !== 0;
    if (prefOk && pref !== undefined) {
      const m = pref.reader!.re.exec(buf);
      if (m === null) {
        prefOk = false;
      } else {
        pre = pref;
        pref.reader!.read(m);
        if (pref.content >= 0) fbuf = contentBuffer(buf, pref.values[pref.content]);
      }
    }
    if (prefOk) {
      const fail = this.#fail;
      for (let i = 0; i < fail.length; i++) {
        const own = fail[i]!;
        const reader = own.reader!;
        const m = reader.re.exec(fbuf);
        if (m === null) continue;
        // Whatever comes of it, server mode is done with this line (see matchLine).
        if (cf.ignoreregex.length > 0 && firstMatch(cf.ignoreregex, fbuf) >= 0) return SERVER_NONE;
        reader.read(m);
        return hitInto(cf, own, pre, i, out) ? SERVER_FAILURE : SERVER_NONE;
      }
    }
    if ((parts & PARTS_SUCCESS) === 0) return SERVER_NONE;
    const succ = this.#success;
    for (let i = 0; i < succ.length; i++) {
      const own = succ[i]!;
      const reader = own.reader!;
      const m = reader.re.exec(buf);
      if (m === null) continue;
      reader.read(m);
      if (hitInto(cf, own, undefined, i, out)) return SERVER_SUCCESS;
    }
    return SERVER_NONE;
  }
}

// What the failregexes see after a prefregex: its content (when not empty) plus "\n".
function contentBuffer(buf: string, content: PyValue): string {
  if (typeof content === 'string') {
    if (content === '') return buf;
    // Content usually runs to the end of the line: then `content + "\n"` is a tail of
    // buf, which slices without a copy (=== on two slices compares like memcmp, where
    // startsWith would be far slower).
    const at = buf.length - 1 - content.length;
    return buf.slice(at, buf.length - 1) === content ? buf.slice(at) : content + '\n';
  }
  return Array.isArray(content) && content.length > 0 ? pyRepr(content) + '\n' : buf;
}

// A pattern's reader with the slots of the names findFailure reads (-1: never a key).
interface PatternPlan {
  reader: SlotReader | undefined;
  values: PyValue[];
  present: Uint8Array;
  fid: number;
  ip4: number;
  ip6: number;
  dns: number;
  mlfid: number;
  cidr: number;
  user: number;
  nofail: number;
  mlfgained: number;
  content: number;
}

function patternPlan(p: CompiledPattern): PatternPlan {
  const reader = new SlotReader(p);
  return {
    reader,
    values: reader.values,
    present: reader.present,
    fid: reader.slot('fid'),
    ip4: reader.slot('ip4'),
    ip6: reader.slot('ip6'),
    dns: reader.slot('dns'),
    mlfid: reader.slot('mlfid'),
    cidr: reader.slot('cidr'),
    user: reader.slot('user'),
    nofail: reader.slot('nofail'),
    mlfgained: reader.slot('mlfgained'),
    // The prefregex's `content` is deleted before the merge: it never shows through.
    content: reader.slot('content'),
  };
}

// No prefregex: nothing to fall back on.
const NO_PRE: PatternPlan = {
  reader: undefined, values: [], present: new Uint8Array(0),
  fid: -1, ip4: -1, ip6: -1, dns: -1, mlfid: -1, cidr: -1, user: -1, nofail: -1, mlfgained: -1, content: -1,
};

// `{...pre, ...own}[name]` without the merge: the failregex's key wins when it has one.
function merged(own: PatternPlan, s: number, pre: PatternPlan, p: number): PyValue {
  if (s >= 0 && own.present[s] === 1) return own.values[s];
  return p >= 0 && pre.present[p] === 1 ? pre.values[p] : undefined;
}

const resolved: ResolvedId = { id: undefined, ip: undefined };

// buildHit on the slots: false for 'none', 'unresolved' and a pending (id-less) failure.
function hitInto(cf: CompiledFilter, o: PatternPlan, pre: PatternPlan | undefined, regex: number, out: ServerHit): boolean {
  const p = pre ?? NO_PRE;
  const mlfid = merged(o, o.mlfid, p, p.mlfid);
  const r = resolveIdInto(
    cf, merged(o, o.fid, p, p.fid), merged(o, o.ip4, p, p.ip4), merged(o, o.ip6, p, p.ip6),
    merged(o, o.dns, p, p.dns), mlfid, merged(o, o.cidr, p, p.cidr), resolved,
  );
  const id = resolved.id;
  if (r !== 'ok' || id === undefined) return false;
  const addr = resolved.ip ?? id;
  const user = merged(o, o.user, p, p.user);
  out.regex = regex;
  out.id = id.text;
  out.ip = addr.family !== undefined ? addr.text : undefined;
  out.user = user === undefined ? undefined : pyStr(user);
  // _mergeFailure: a gained success implies nofail on any F-MLFID line.
  out.nofail = truthy(merged(o, o.nofail, p, p.nofail)) || (mlfid !== undefined && truthy(merged(o, o.mlfgained, p, p.mlfgained)));
  resolved.id = undefined;
  resolved.ip = undefined;
  return true;
}
