// fail2ban's group dictionaries: reading a match into Python-like values (None, str,
// tuple) with ALT_/TUPLE_ merges (Regex.getGroups), and turning merged groups into a
// failure id (findFailure, filter.py:926-965). Shared by the single-line matcher and the
// multi-line layer so both decide ids the same way. Pure; no state, no clock.

import type { CompiledFilter, CompiledPattern } from './compile-filter.js';
import { numericHost, parseAddr, parseId } from './normalize-id.js';
import type { ParsedAddr } from './normalize-id.js';

/** A Python group value: str, None (undefined) or a tuple (TUPLE_ merges). */
export type PyValue = string | undefined | PyValue[];

/** A Python groupdict: every group of the pattern, undefined when it did not take part. */
export type GroupDict = Record<string, PyValue>;

/** The id part of a failure: `id` undefined means pending (F-MLFID without address yet). */
export interface ResolvedId {
  id: ParsedAddr | undefined;
  /** The address when it differs from the id (F-ID plus an IP); else undefined. */
  ip: ParsedAddr | undefined;
}

/** Regex.getGroups (failregex.py:288-324): groupdict, then ALT_ and TUPLE_ merges. */
export function readGroups(p: CompiledPattern, m: RegExpExecArray): GroupDict {
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

/** Python truthiness of a group value (None and '' are false). */
export function truthy(v: PyValue): boolean {
  return v !== undefined && v.length > 0;
}

/**
 * findFailure's id logic. 'none': no id group took part and no mlfid (fail2ban raises
 * and moves on); 'unresolved': a host name that usedns=no cannot turn into an address
 * (fail2ban yields nothing for this regex).
 */
export function resolveFailureId(cf: CompiledFilter, d: GroupDict): ResolvedId | 'none' | 'unresolved' {
  const fid = d['fid'];
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
  } else if (d['mlfid'] === undefined) {
    return 'none';
  }
  if (host === undefined) return { id: undefined, ip: undefined };
  if (raw) {
    if (fid === undefined || pyEq(fid, host)) return { id: addrOf(host, cidr), ip: undefined };
    return { id: addrOf(fid, 'default'), ip: addrOf(host, cidr) };
  }
  // DNSUtils.textToIp: only a plain IPv4 text is taken as is (searchIP returns None for
  // IPv6 there); banreplay never resolves names (semantics doc §10.6).
  const dns = pyStr(host);
  const plain = /^(?:\d{1,3}\.){3}\d{1,3}$/.test(dns) ? parseId(dns) : undefined;
  if (plain !== undefined && plain.family !== undefined) return { id: plain, ip: undefined };
  if (cf.usedns === 'no') return 'unresolved';
  // getaddrinfo parses numeric names itself; real names are counted as names.
  const numeric = numericHost(dns);
  return { id: numeric !== undefined ? parseAddr(numeric, 4, undefined) : rawAddr(dns), ip: undefined };
}

/** The address a failure carries: the explicit ip, else the id when it is an IP. */
export function addressOf(r: ResolvedId): string | undefined {
  const addr = r.ip ?? r.id;
  return addr !== undefined && addr.family !== undefined ? addr.text : undefined;
}

/** Group values that took part, as strings (tuples rendered as Python reprs). */
export function groupStrings(d: GroupDict): Record<string, string> {
  const groups: Record<string, string> = {};
  for (const k in d) {
    const v = d[k];
    if (v !== undefined) groups[k] = pyStr(v);
  }
  return groups;
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

/** str() of a group value: the text, `None`, or a tuple's repr. */
export function pyStr(v: PyValue): string {
  return Array.isArray(v) ? pyRepr(v) : (v ?? 'None');
}

/** Python repr() of a str / None / tuple value, as str(tuple) prints it. */
export function pyRepr(v: PyValue): string {
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
