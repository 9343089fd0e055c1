// Parses fail2ban `ignoreip` entries (semantics §7.9) into a matcher for failure ids.
// Invariant: no DNS lookups ever happen (§10 item 6); host names are returned in
// `unresolved` for the caller to warn about, and a malformed entry is a ConfigError.

import ipaddr from 'ipaddr.js';
import { ConfigError } from '../errors.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Answers "is this failure id ignored?" for one jail's ignoreip list. */
export interface IgnoreMatcher {
  /** True when `ip` is one of the addresses or inside one of the networks; non-IP ids never match. */
  matches(ip: string): boolean;
  /** Host-name entries, kept out of matching because banreplay never resolves names. */
  unresolved: string[];
}

/** Where the entries came from, for ConfigError messages. */
export interface IgnoreSource {
  file?: string;
  section?: string;
  key?: string;
}

// fail2ban splits ignoreip on whitespace and commas (helpers.py splitwords).
const ENTRY_SEPARATOR = /[\s,]+/;
// A syntactically plausible host name: letters somewhere, labels of [A-Za-z0-9_-].
const HOST_NAME = /^(?=.{1,253}$)(?=.*[A-Za-z_])[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?$/;

/**
 * Builds a matcher from raw ignoreip entries: single IPv4/IPv6 addresses, CIDR networks,
 * dotted or colon masks (`a.b.c.d/255.255.255.0`), bracketed `[v6]`, and IPv4-mapped
 * IPv6 (`::ffff:1.2.3.4`), which matches the plain IPv4 address and vice versa.
 */
export function createIgnoreMatcher(entries: readonly string[], where: IgnoreSource = {}): IgnoreMatcher {
  const singles = new Set<string>();
  const nets4: Array<[ipaddr.IPv4, number]> = [];
  const nets6: Array<[ipaddr.IPv6, number]> = [];
  const unresolved: string[] = [];

  for (const field of entries) {
    for (const entry of field.split(ENTRY_SEPARATOR)) {
      if (entry === '') continue;
      const parsed = parseEntry(entry, where);
      if (parsed === undefined) {
        unresolved.push(entry);
        continue;
      }
      const [addr, bits] = parsed;
      if (addr.kind() === 'ipv4') {
        if (bits === 32) singles.add(addr.toString());
        else nets4.push([addr as ipaddr.IPv4, bits]);
      } else if (bits === 128) {
        singles.add(addr.toString());
      } else {
        nets6.push([addr as ipaddr.IPv6, bits]);
      }
    }
  }

  const matches = (ip: string): boolean => {
    const addr = addressOfId(ip);
    if (addr === undefined) return false;
    if (singles.has(addr.toString())) return true;
    if (addr.kind() === 'ipv4') {
      const v4 = addr as ipaddr.IPv4;
      for (const [net, bits] of nets4) if (v4.match(net, bits)) return true;
    } else {
      const v6 = addr as ipaddr.IPv6;
      for (const [net, bits] of nets6) if (v6.match(net, bits)) return true;
    }
    return false;
  };
  return { matches, unresolved };
}

/** Parses one entry to (address, prefix bits), undefined for a host name; throws on garbage. */
function parseEntry(entry: string, where: IgnoreSource): [Addr, number] | undefined {
  let addrText = entry;
  let maskText: string | undefined;
  if (entry.startsWith('[')) {
    // fail2ban strips brackets around a whole `[v6]`; `[v6]/nn` is accepted as well.
    const close = entry.indexOf(']');
    const rest = entry.slice(close + 1);
    if (close < 0 || (rest !== '' && !rest.startsWith('/'))) throw invalid(entry, 'unbalanced brackets', where);
    addrText = entry.slice(1, close);
    if (rest !== '') maskText = rest.slice(1);
  } else {
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      addrText = entry.slice(0, slash);
      maskText = entry.slice(slash + 1);
    }
  }

  const addr = parseAddress(addrText);
  if (addr === undefined) {
    if (maskText === undefined && HOST_NAME.test(entry)) return undefined;
    throw invalid(entry, 'not an IP address, network or host name', where);
  }
  const full = addr.kind() === 'ipv4' ? 32 : 128;
  let bits = full;
  if (maskText !== undefined) {
    if (/^\d+$/.test(maskText)) {
      bits = Number(maskText);
      if (bits > full) throw invalid(entry, `prefix length ${maskText} exceeds ${full}`, where);
    } else {
      const mask = parseAddress(maskText);
      const plen = mask !== undefined && mask.kind() === addr.kind() ? mask.prefixLengthFromSubnetMask() : null;
      if (plen === null) throw invalid(entry, `mask ${maskText} is not a contiguous ${addr.kind()} netmask`, where);
      bits = plen;
    }
  }
  // fail2ban turns an IPv4-mapped IPv6 address into IPv4 (ipdns.py, IP6_4COMPAT);
  // a mapped network of /96 or longer is the IPv4 network it covers.
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [addr, bits];
}

/** Strict address parse: four-part decimal IPv4 only (ipaddr.js would accept `1.2.3`), or IPv6. */
function parseAddress(text: string): Addr | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return ipaddr.IPv4.parse(text);
  }
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

/** Parses a failure id as an address (undefined when it is none); IPv4-mapped IPv6 ids are IPv4. */
export function addressOfId(id: string): Addr | undefined {
  const text = id.length > 2 && id.startsWith('[') && id.endsWith(']') ? id.slice(1, -1) : id;
  const addr = parseAddress(text);
  if (addr !== undefined && addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

function invalid(entry: string, why: string, where: IgnoreSource): ConfigError {
  return new ConfigError(`invalid ignoreip entry "${entry}": ${why}`, { key: 'ignoreip', ...where });
}
