// An address or network given on the command line (`timeline ADDRESS|CIDR`), as a test on
// failure ids: IPv4-mapped IPv6 ids count as IPv4. Plain text in, so a worker thread can
// rebuild the same test from the same string (ScanContext.keepTextIn).
import ipaddr from 'ipaddr.js';
import { addressOfId } from '../jail/ignore-ip.js';

/** An address or network to follow. */
export interface AddressTarget {
  /** Normalised text: `203.0.113.7`, `2001:db8::1`, `203.0.113.0/24`. */
  label: string;
  /** True for failure ids inside the target (IPv4-mapped IPv6 ids count as IPv4). */
  matches(id: string): boolean;
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses `ADDRESS` or `ADDRESS/PREFIX`; undefined when it is neither. */
export function parseAddressTarget(text: string): AddressTarget | undefined {
  const t = text.trim();
  let range: [Addr, number];
  try {
    if (t.includes('/')) {
      const [a, bits] = ipaddr.parseCIDR(t);
      range = [unmap(a), a.kind() === 'ipv6' && unmap(a).kind() === 'ipv4' ? bits - 96 : bits];
    } else {
      if (!ipaddr.isValid(t) || (!t.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(t))) return undefined;
      const a = unmap(ipaddr.parse(t));
      range = [a, a.kind() === 'ipv4' ? 32 : 128];
    }
  } catch {
    return undefined;
  }
  const [base, bits] = range;
  if (bits < 0) return undefined;
  const single = bits === (base.kind() === 'ipv4' ? 32 : 128);
  const network = single ? base : networkBase(base, bits);
  const label = single ? base.toString() : `${network.toString()}/${bits}`;
  const cache = new Map<string, boolean>();
  return {
    label,
    matches(id: string): boolean {
      let hit = cache.get(id);
      if (hit === undefined) {
        const a = addressOfId(id);
        hit = a !== undefined && a.kind() === base.kind() && (a as ipaddr.IPv4).match(base as ipaddr.IPv4, bits);
        cache.set(id, hit);
      }
      return hit;
    },
  };
}

function unmap(a: Addr): Addr {
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
}

/** The first address of the `bits`-long prefix of `a`. */
function networkBase(a: Addr, bits: number): Addr {
  const bytes = a.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return ipaddr.fromByteArray(bytes);
}
