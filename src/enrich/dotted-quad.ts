// Four-part decimal IPv4 ids (`203.0.113.7`, nearly every id in a mail log) read without
// ipaddr.js's regular expressions and objects: the analyses and GeoIP meet each address once,
// but fifty thousand of them made ipaddr.js parsing a visible cost (#4). Same answers as
// ipaddr.js (isValidFourPartDecimal, range() === 'unicast'); anything else is left to it.

/**
 * The address of a four-part decimal IPv4 id (`a.b.c.d`, parts 0-255 without leading zeros:
 * what ipaddr.js's isValidFourPartDecimal accepts) as an unsigned 32-bit number; -1 otherwise.
 */
export function dottedQuad(id: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let k = 0; k < id.length; k++) {
    const ch = id.charCodeAt(k);
    if (ch === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
      continue;
    }
    if (ch < 48 || ch > 57 || (digits === 1 && part === 0)) return -1;
    part = part * 10 + (ch - 48);
    digits++;
    if (part > 255) return -1;
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
}

// ipaddr.js 2.x IPv4 SpecialRanges (every range() answer but 'unicast'), as prefix and length.
const SPECIAL_RANGES: readonly (readonly [readonly [number, number, number, number], number])[] = [
  [[0, 0, 0, 0], 8], // unspecified
  [[255, 255, 255, 255], 32], // broadcast
  [[224, 0, 0, 0], 4], // multicast
  [[169, 254, 0, 0], 16], // linkLocal
  [[127, 0, 0, 0], 8], // loopback
  [[100, 64, 0, 0], 10], // carrierGradeNat
  [[10, 0, 0, 0], 8], // private
  [[172, 16, 0, 0], 12],
  [[192, 168, 0, 0], 16],
  [[192, 0, 0, 0], 24], // reserved
  [[192, 0, 2, 0], 24],
  [[192, 88, 99, 0], 24],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[240, 0, 0, 0], 4],
  [[192, 175, 48, 0], 24], // as112
  [[192, 31, 196, 0], 24],
  [[192, 52, 193, 0], 24], // amt
];

// The same as [first, last] address pairs, flat (a plain loop, nothing allocated per check).
const SPECIAL = Float64Array.from(
  SPECIAL_RANGES.flatMap(([o, bits]) => {
    const first = o[0] * 16_777_216 + o[1] * 65_536 + o[2] * 256 + o[3];
    return [first, first + 2 ** (32 - bits) - 1];
  }),
);

/** True when ipaddr.js calls the address (a dottedQuad number) 'unicast': public, routable. */
export function isUnicastQuad(q: number): boolean {
  for (let k = 0; k < SPECIAL.length; k += 2) if (q >= SPECIAL[k]! && q <= SPECIAL[k + 1]!) return false;
  return true;
}
