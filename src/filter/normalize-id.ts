// Failure-id normalisation as fail2ban's IPAddr does it (server/ipdns.py): glibc spelling,
// IPv4-mapped IPv6 turned into IPv4, optional `/cidr` masking; non-addresses verbatim.
// String work only, no DNS. Results are shared, never to be modified: plain IPv4 ones come
// from a small cache (clients come back on many lines), with one canonical string each.
import { dottedQuad } from '../enrich/dotted-quad.js';

/** An address after IPAddr-style parsing; `family` undefined means "not an IP". */
export interface ParsedAddr {
  /** What str(IPAddr) prints: the canonical address, `addr/plen` for a subnet, or the raw text. */
  text: string;
  family: 4 | 6 | undefined;
  /** Prefix length (32/128 for a single address). */
  plen: number;
}

/** Normalises a failure id like str(IPAddr(raw)): canonical IP, masked subnet, or raw text. */
export function normalizeId(raw: string): string {
  return parseId(raw).text;
}

/** IPAddr(raw) with CIDR_UNSPEC: strips `[...]`, honours `/plen` and `/mask`, maps ::ffff:a.b.c.d to IPv4. */
export function parseId(raw: string): ParsedAddr {
  let ip = raw;
  if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const slash = ip.indexOf('/');
  if (slash < 0) return parseAddr(ip, undefined, undefined);
  const addr = ip.slice(0, slash);
  const maskText = ip.slice(slash + 1);
  let plen: number | undefined;
  if (maskText.includes('.') || maskText.includes(':')) {
    plen = maskToPlen(maskText);
  } else if (/^\s*[+-]?\d+\s*$/.test(maskText)) {
    plen = Number(maskText);
  }
  // fail2ban raises here (the line is dropped); keeping the text is the safe equivalent.
  if (plen === undefined || plen < 0) return { text: raw, family: undefined, plen: 0 };
  return parseAddr(addr, undefined, plen);
}

/**
 * IPAddr(ip, cidr) as findFailure builds it: `family` restricts parsing to one family
 * (the ip4/ip6 group it came from), `cidr` masks when given.
 */
export function parseAddr(ip: string, family: 4 | 6 | undefined, cidr: number | undefined): ParsedAddr {
  if (family !== 6) {
    const v4 = parseIPv4(ip);
    if (v4 !== undefined) return cidr === undefined ? cachedV4(v4) : formatV4(v4, cidr);
    if (family === 4) return { text: ip, family: undefined, plen: 0 };
  }
  const v6 = parseIPv6(ip);
  if (v6 === undefined) return { text: ip, family: undefined, plen: 0 };
  if (cidr === undefined && isMapped(v6)) {
    return formatV4(((v6[6]! << 16) | v6[7]!) >>> 0, undefined);
  }
  return formatV6(v6, cidr);
}

// Direct-mapped cache of plain IPv4 results by address (a collision replaces the slot):
// parsing the text is cheap, building the string and object is what it saves.
const V4_SLOTS_LOG2 = 15;
const v4Keys = new Int32Array(1 << V4_SLOTS_LOG2);
const v4Values: Array<ParsedAddr | undefined> = new Array<ParsedAddr | undefined>(1 << V4_SLOTS_LOG2).fill(undefined);

function cachedV4(addr: number): ParsedAddr {
  const slot = Math.imul(addr, 0x9e3779b1) >>> (32 - V4_SLOTS_LOG2);
  const known = v4Values[slot];
  if (known !== undefined && v4Keys[slot] === (addr | 0)) return known;
  const parsed = formatV4(addr, undefined);
  v4Keys[slot] = addr;
  v4Values[slot] = parsed;
  return parsed;
}

function isMapped(w: readonly number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0xffff;
}

function formatV4(addr: number, cidr: number | undefined): ParsedAddr {
  let a = addr;
  let plen = 32;
  if (cidr !== undefined) {
    // Python: ~(0xFFFFFFFF >> cidr); a shift of 32 or more leaves the address intact.
    if (cidr < 32) a = cidr === 0 ? 0 : (a & ~(0xffffffff >>> cidr)) >>> 0;
    plen = cidr;
  }
  const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  return { text: plen > 0 && plen < 32 ? `${text}/${plen}` : text, family: 4, plen };
}

function formatV6(words: number[], cidr: number | undefined): ParsedAddr {
  let plen = 128;
  if (cidr !== undefined) {
    plen = cidr;
    for (let i = 0; i < 8; i++) {
      const keep = Math.max(0, Math.min(16, cidr - i * 16));
      words[i] = keep === 0 ? 0 : words[i]! & ((0xffff << (16 - keep)) & 0xffff);
    }
  }
  const text = ntop6(words);
  return { text: plen > 0 && plen < 128 ? `${text}/${plen}` : text, family: 6, plen };
}

// glibc inet_pton for AF_INET: exactly four decimal octets, no leading zeros (dottedQuad
// reads exactly that; ipaddr.js's four-part decimal form is the same).
function parseIPv4(s: string): number | undefined {
  const q = dottedQuad(s);
  return q < 0 ? undefined : q;
}

// glibc inet_pton for AF_INET6: up to 4 hex digits per group, one "::", a dotted
// IPv4 tail allowed in the last 32 bits.
function parseIPv6(s: string): number[] | undefined {
  const words: number[] = [];
  let gap = -1;
  let i = 0;
  if (s.startsWith('::')) {
    gap = 0;
    i = 2;
    if (s.length === 2) return new Array<number>(8).fill(0);
  } else if (s.startsWith(':')) {
    return undefined;
  }
  while (i < s.length) {
    let j = i;
    while (j < s.length && j - i < 5 && isHex(s.charCodeAt(j))) j++;
    if (j < s.length && s[j] === '.') {
      if (words.length > 6) return undefined;
      const v4 = parseIPv4(s.slice(i));
      if (v4 === undefined) return undefined;
      words.push(v4 >>> 16, v4 & 0xffff);
      i = s.length;
      break;
    }
    if (j === i || j - i > 4) return undefined;
    words.push(parseInt(s.slice(i, j), 16));
    if (words.length > 8) return undefined;
    if (j === s.length) {
      i = j;
      break;
    }
    if (s[j] !== ':') return undefined;
    if (s[j + 1] === ':') {
      if (gap >= 0) return undefined;
      gap = words.length;
      i = j + 2;
      if (i === s.length) break;
    } else {
      i = j + 1;
      if (i === s.length) return undefined;
    }
  }
  if (gap >= 0) {
    if (words.length > 7) return undefined;
    const fill = new Array<number>(8 - words.length).fill(0);
    words.splice(gap, 0, ...fill);
  }
  return words.length === 8 ? words : undefined;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

// glibc inet_ntop for AF_INET6: longest run (first on ties) of 2+ zero words becomes
// "::"; ::a.b.c.d and ::ffff:a.b.c.d keep the dotted tail.
function ntop6(w: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (curBase < 0) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase >= 0) {
      if (bestBase < 0 || curLen > bestLen) [bestBase, bestLen] = [curBase, curLen];
      curBase = -1;
    }
  }
  if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) [bestBase, bestLen] = [curBase, curLen];
  if (bestBase >= 0 && bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      out += `${w[6]! >>> 8}.${w[6]! & 255}.${w[7]! >>> 8}.${w[7]! & 255}`;
      return out;
    }
    out += w[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

// IPAddr.masktoplen: a dotted (or IPv6) mask must be a contiguous prefix.
function maskToPlen(mask: string): number | undefined {
  const v4 = parseIPv4(mask);
  if (v4 !== undefined) return contiguousPrefix([v4 >>> 16, v4 & 0xffff]);
  const words = parseIPv6(mask);
  if (words === undefined) return undefined;
  return isMapped(words) ? contiguousPrefix(words.slice(6)) : contiguousPrefix(words);
}

function contiguousPrefix(words: readonly number[]): number | undefined {
  let ones = 0;
  let ended = false;
  for (const w of words) {
    for (let b = 15; b >= 0; b--) {
      const bit = (w >>> b) & 1;
      if (bit === 1 && ended) return undefined;
      if (bit === 1) ones++;
      else ended = true;
    }
  }
  return ones;
}

/**
 * What getaddrinfo does with a numeric host name before any DNS query (glibc
 * inet_aton: 1-4 parts, decimal, 0x hex or 0 octal, the last part filling the rest):
 * `192.51.13` is 192.51.0.13. Undefined for anything else.
 */
export function numericHost(name: string): string | undefined {
  const parts = name.split('.');
  if (parts.length > 4) return undefined;
  const vals: number[] = [];
  for (const p of parts) {
    let v: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) v = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) v = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) v = Number(p);
    else return undefined;
    vals.push(v);
  }
  const last = vals.pop()!;
  if (vals.some((v) => v > 255) || last >= 2 ** (8 * (4 - vals.length))) return undefined;
  let addr = 0;
  vals.forEach((v, i) => {
    addr += v * 2 ** (8 * (3 - i));
  });
  return formatV4(addr + last, undefined).text;
}
