// One line through a compiled filter as Filter.findFailure does it (filter.py:839-976,
// semantics doc §4.1-4.3): early ignoreregex, prefregex content, failregexes, late
// ignoreregex, group merge, failure id. Single-line only and never throws: F-MLFID
// merging and maxlines buffering are a later layer fed by the merged groups.

import type { CompiledFilter, CompiledPattern } from './compile-filter.js';
import { numericHost, parseAddr, parseId } from './normalize-id.js';
import type { ParsedAddr } from './normalize-id.js';

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

type PyValue = string | undefined | PyValue[];
type GroupDict = Record<string, PyValue>;

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

function matchSuccess(cf: CompiledFilter, buf: string): LineMatch {
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

// Regex.getGroups (failregex.py:288-324): groupdict, then ALT_ and TUPLE_ merges.
function readGroups(p: CompiledPattern, m: RegExpExecArray): GroupDict {
  const d: GroupDict = Object.create(null) as GroupDict;
  const g = m.groups ?? {};
  for (const [name, js] of p.groups) {
    let v: string | undefined;
    for (const n of js) {
      v = g[n];
      if (v !== undefined) break;
    }
    d[name] = v;
  }
  for (const [k, n] of p.alt) {
    const v = d[k];
    if (truthy(v) && !truthy(d[n])) d[n] = v;
  }
  for (const [k, n] of p.tuple) {
    const t = d[n];
    d[n] = Array.isArray(t) ? [...t, d[k]] : [t, d[k]];
  }
  return d;
}

function truthy(v: PyValue): boolean {
  return v !== undefined && v.length > 0;
}

// findFailure's id logic (filter.py:926-965). 'none': no id group took part and no
// mlfid (fail2ban raises and moves on); 'unresolved': a host name that usedns=no
// cannot turn into an address (fail2ban yields nothing and stops).
function buildHit(cf: CompiledFilter, regex: number, d: GroupDict): RegexHit | 'none' | 'unresolved' {
  const fid = d['fid'];
  const mlfid = d['mlfid'];
  const rawDns = cf.usedns === 'raw';
  // IPAddr(text, cidr): a family code for ip4/ip6 groups, a number from <CIDR>, or
  // the default (CIDR_RAW with usedns=raw, else CIDR_UNSPEC).
  type Cidr = 4 | 6 | number | 'default';
  const addrOf = (v: PyValue, c: Cidr): ParsedAddr => {
    if (c === 'default') return rawDns ? rawAddr(pyStr(v)) : parseIdValue(v);
    if (c === 4 || c === 6) return parseAddr(pyStr(v), c, undefined);
    return parseAddr(pyStr(v), undefined, c);
  };
  const cidrGroup = d['cidr'];
  const explicit = truthy(cidrGroup) ? Number(pyStr(cidrGroup)) : undefined;
  let host: PyValue;
  let cidr: Cidr = 'default';
  let raw = rawDns;
  if (d['ip4'] !== undefined) {
    [host, cidr, raw] = [d['ip4'], explicit ?? 4, true];
  } else if (d['ip6'] !== undefined) {
    [host, cidr, raw] = [d['ip6'], explicit ?? 6, true];
  } else if (d['dns'] !== undefined) {
    host = d['dns'];
  } else if (fid !== undefined) {
    [host, raw] = [fid, true];
  } else if (mlfid === undefined) {
    return 'none';
  }
  let id: ParsedAddr | undefined;
  let ip: ParsedAddr | undefined;
  if (host === undefined) {
    // F-MLFID line without address or id yet: pending.
  } else if (raw) {
    if (fid === undefined || pyEq(fid, host)) {
      id = addrOf(host, cidr);
    } else {
      ip = addrOf(host, cidr);
      id = addrOf(fid, 'default');
    }
  } else {
    // DNSUtils.textToIp: only a plain IPv4 text is taken as is (searchIP returns
    // None for IPv6 there); banreplay never resolves names (semantics doc §10.6).
    const dns = pyStr(host);
    const plain = /^(?:\d{1,3}\.){3}\d{1,3}$/.test(dns) ? parseId(dns) : undefined;
    if (plain !== undefined && plain.family !== undefined) {
      id = plain;
    } else if (cf.usedns === 'no') {
      return 'unresolved';
    } else {
      // getaddrinfo parses numeric names itself; real names are counted as names.
      const numeric = numericHost(dns);
      id = numeric !== undefined ? parseAddr(numeric, 4, undefined) : rawAddr(dns);
    }
  }
  const groups: Record<string, string> = {};
  for (const k in d) {
    const v = d[k];
    if (v !== undefined) groups[k] = pyStr(v);
  }
  const user = d['user'];
  const addr = ip ?? id;
  return {
    regex,
    id: id?.text,
    ip: addr !== undefined && addr.family !== undefined ? addr.text : undefined,
    user: user === undefined ? undefined : pyStr(user),
    groups,
    // _mergeFailure: a gained success implies nofail on any F-MLFID line.
    nofail: truthy(d['nofail']) || (mlfid !== undefined && truthy(d['mlfgained'])),
  };
}

function parseIdValue(v: PyValue): ParsedAddr {
  // A TUPLE_ id is a Python tuple: IPAddr keeps it raw and prints its repr.
  return Array.isArray(v) ? rawAddr(pyRepr(v)) : parseId(v ?? '');
}

function rawAddr(text: string): ParsedAddr {
  return { text, family: undefined, plen: 0 };
}

function pyEq(a: PyValue, b: PyValue): boolean {
  return !Array.isArray(a) && !Array.isArray(b) && a === b;
}

function pyStr(v: PyValue): string {
  return Array.isArray(v) ? pyRepr(v) : (v ?? 'None');
}

/** Python repr() of a str / None / tuple value, as str(tuple) prints it. */
function pyRepr(v: PyValue): string {
  if (v === undefined) return 'None';
  if (Array.isArray(v)) return '(' + v.map(pyRepr).join(', ') + (v.length === 1 ? ',)' : ')');
  const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + quote;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}
