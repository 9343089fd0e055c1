// fail2ban's group dictionaries: reading a match into Python-like values (None, str,
// tuple) with ALT_/TUPLE_ merges (Regex.getGroups), and turning merged groups into a
// failure id (findFailure, filter.py:926-965). Shared by the single-line matcher and the
// multi-line layer so both decide ids the same way. No clock; the only state is a
// SlotReader's slots (server mode's dictionary-free groups), overwritten on every read.

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

/**
 * readGroups without the dictionary, for the server-mode hot path: one slot per name (the
 * pattern's groups, then ALT_/TUPLE_ targets that are no group), filled in place by read().
 * `present` tells whether the name is a key of the dict readGroups would build (a target
 * only once a merge wrote it): a failregex overrides the prefregex exactly for those keys.
 * The slots belong to the reader: read them before its next read().
 */
export class SlotReader {
  /** The pattern's regex with plain groups (no `groups` object per match), or its own regex. */
  readonly re: RegExp;
  /** Slot values after read(), PyValue semantics. */
  readonly values: PyValue[];
  readonly present: Uint8Array;
  readonly #names: readonly string[];
  readonly #groupCount: number;
  // Per group slot: the capture numbers holding it (byIndex), else the JS group names.
  readonly #indexes: ReadonlyArray<readonly number[]> | undefined;
  readonly #jsNames: ReadonlyArray<readonly string[]>;
  // Flattened (from, to) slot pairs.
  readonly #alt: Int32Array;
  readonly #tuple: Int32Array;

  constructor(p: CompiledPattern) {
    const names = p.groups.map(([name]) => name);
    const slotFor = (name: string): number => {
      let i = names.indexOf(name);
      if (i < 0) i = names.push(name) - 1;
      return i;
    };
    this.#groupCount = p.groups.length;
    this.#jsNames = p.groups.map(([, js]) => js);
    this.#alt = Int32Array.from(p.alt.flatMap(([k, n]) => [slotFor(k), slotFor(n)]));
    this.#tuple = Int32Array.from(p.tuple.flatMap(([k, n]) => [slotFor(k), slotFor(n)]));
    this.#names = names;
    this.values = new Array<PyValue>(names.length).fill(undefined);
    this.present = new Uint8Array(names.length);
    const plain = plainGroups(p.re);
    if (plain !== undefined && this.#jsNames.every((js) => js.every((n) => plain.index.has(n)))) {
      this.re = plain.re;
      this.#indexes = this.#jsNames.map((js) => js.map((n) => plain.index.get(n)!));
    } else {
      this.re = p.re;
      this.#indexes = undefined;
    }
  }

  /** Slot of a name, -1 when readGroups would never have it as a key. */
  slot(name: string): number {
    return this.#names.indexOf(name);
  }

  /** Fills the slots from a match of `re`. */
  read(m: RegExpExecArray): void {
    const v = this.values;
    const present = this.present;
    const n = this.#groupCount;
    const idx = this.#indexes;
    if (idx !== undefined) {
      for (let i = 0; i < n; i++) {
        const caps = idx[i]!;
        let x: string | undefined = m[caps[0]!];
        for (let k = 1; x === undefined && k < caps.length; k++) x = m[caps[k]!];
        v[i] = x;
        present[i] = 1;
      }
    } else {
      const g = m.groups ?? {};
      for (let i = 0; i < n; i++) {
        const js = this.#jsNames[i]!;
        let x: string | undefined;
        for (let k = 0; x === undefined && k < js.length; k++) x = g[js[k]!];
        v[i] = x;
        present[i] = 1;
      }
    }
    for (let i = n; i < v.length; i++) {
      v[i] = undefined;
      present[i] = 0;
    }
    const alt = this.#alt;
    for (let i = 0; i < alt.length; i += 2) {
      const x = v[alt[i]!];
      const to = alt[i + 1]!;
      if (truthy(x) && !truthy(v[to])) {
        v[to] = x;
        present[to] = 1;
      }
    }
    const tuple = this.#tuple;
    for (let i = 0; i < tuple.length; i += 2) {
      const to = tuple[i + 1]!;
      const t = v[to];
      v[to] = Array.isArray(t) ? [...t, v[tuple[i]!]] : [t, v[tuple[i]!]];
      present[to] = 1;
    }
  }
}

/**
 * The same regex with its named groups turned into plain ones (V8 builds no `groups`
 * object per match then) and each JS group name's capture number; undefined when the
 * source has backreferences by name or the numbering cannot be confirmed.
 */
export function plainGroups(re: RegExp): { re: RegExp; index: Map<string, number> } | undefined {
  const s = re.source;
  if (re.flags !== '' || s.includes('\\k<')) return undefined;
  const index = new Map<string, number>();
  let out = '';
  let count = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92) { // backslash: the next character is escaped
      out += s.slice(i, i + 2);
      i += 2;
    } else if (c === 91) { // [...]: copied as is (the first unescaped ] closes it)
      let j = i + 1;
      while (j < s.length && s.charCodeAt(j) !== 93) j += s.charCodeAt(j) === 92 ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
    } else if (c === 40 && s.charCodeAt(i + 1) !== 63) { // (
      count++;
      out += '(';
      i++;
    } else if (c === 40 && s.charCodeAt(i + 2) === 60 && s[i + 3] !== '=' && s[i + 3] !== '!') { // (?<name>
      const close = s.indexOf('>', i + 3);
      if (close < 0) return undefined;
      count++;
      index.set(s.slice(i + 3, close), count);
      out += '(';
      i = close + 1;
    } else {
      out += s[i];
      i++;
    }
  }
  let plain: RegExp;
  try {
    plain = new RegExp(out);
  } catch {
    return undefined;
  }
  // Same number of captures, and the named ones in the same order as the original's.
  const a = new RegExp(`${s}|`).exec('');
  const b = new RegExp(`${out}|`).exec('');
  if (a === null || b === null || a.length !== count + 1 || b.length !== count + 1) return undefined;
  const order = Object.keys(a.groups ?? {});
  const mine = [...index.keys()];
  if (order.length !== mine.length || order.some((name, k) => mine[k] !== name)) return undefined;
  return { re: plain, index };
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
  const out: ResolvedId = { id: undefined, ip: undefined };
  const r = resolveIdInto(cf, d['fid'], d['ip4'], d['ip6'], d['dns'], d['mlfid'], d['cidr'], out);
  return r === 'ok' ? out : r;
}

/**
 * resolveFailureId on the values of the groups it reads (undefined: absent or did not
 * take part), writing into `out` instead of allocating; 'ok' means `out` holds the result.
 */
export function resolveIdInto(
  cf: CompiledFilter, fid: PyValue, ip4: PyValue, ip6: PyValue, dns: PyValue, mlfid: PyValue, cidrGroup: PyValue,
  out: ResolvedId,
): 'ok' | 'none' | 'unresolved' {
  const rawDns = cf.usedns === 'raw';
  // IPAddr(text, cidr): a family code for ip4/ip6 groups, a number from <CIDR>, or
  // CIDR_DEFAULT (CIDR_RAW with usedns=raw, else CIDR_UNSPEC).
  const explicit = truthy(cidrGroup) ? Number(pyStr(cidrGroup)) : undefined;
  let host: PyValue;
  let cidr: number = CIDR_DEFAULT;
  let raw = rawDns;
  if (ip4 !== undefined) {
    host = ip4;
    cidr = explicit ?? CIDR_V4;
    raw = true;
  } else if (ip6 !== undefined) {
    host = ip6;
    cidr = explicit ?? CIDR_V6;
    raw = true;
  } else if (dns !== undefined) {
    host = dns;
  } else if (fid !== undefined) {
    host = fid;
    raw = true;
  } else if (mlfid === undefined) {
    return 'none';
  }
  out.ip = undefined;
  if (host === undefined) {
    out.id = undefined;
    return 'ok';
  }
  if (raw) {
    if (fid === undefined || pyEq(fid, host)) {
      out.id = addrOf(host, cidr, rawDns);
    } else {
      out.id = addrOf(fid, CIDR_DEFAULT, rawDns);
      out.ip = addrOf(host, cidr, rawDns);
    }
    return 'ok';
  }
  // DNSUtils.textToIp: only a plain IPv4 text is taken as is (searchIP returns None for
  // IPv6 there); banreplay never resolves names (semantics doc §10.6).
  const name = pyStr(host);
  const plain = PLAIN_V4.test(name) ? parseId(name) : undefined;
  if (plain !== undefined && plain.family !== undefined) {
    out.id = plain;
    return 'ok';
  }
  if (cf.usedns === 'no') return 'unresolved';
  // getaddrinfo parses numeric names itself; real names are counted as names.
  const numeric = numericHost(name);
  out.id = numeric !== undefined ? parseAddr(numeric, 4, undefined) : rawAddr(name);
  return 'ok';
}

// The `cidr` argument of addrOf besides an explicit <CIDR> number (never negative).
const CIDR_DEFAULT = -1;
const CIDR_V4 = -4;
const CIDR_V6 = -6;
const PLAIN_V4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;

function addrOf(v: PyValue, cidr: number, rawDns: boolean): ParsedAddr {
  if (cidr === CIDR_DEFAULT) return rawDns ? rawAddr(pyStr(v)) : parseIdValue(v);
  if (cidr === CIDR_V4) return parseAddr(pyStr(v), 4, undefined);
  if (cidr === CIDR_V6) return parseAddr(pyStr(v), 6, undefined);
  return parseAddr(pyStr(v), undefined, cidr);
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
