// Tests for the dotted-quad fast path (issue #4): the same answers as ipaddr.js, which the
// GeoIP key and the /24 grouping used for every address before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import ipaddr from 'ipaddr.js';
import { dottedQuad, isUnicastQuad } from '../../../src/enrich/dotted-quad.js';
import { mulberry32 } from '../../support/mulberry32.js';

const viaIpaddr = (s: string): number => {
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return -1;
  const o = ipaddr.IPv4.parse(s).octets;
  return o[0]! * 16_777_216 + o[1]! * 65_536 + o[2]! * 256 + o[3]!;
};

test('dottedQuad accepts exactly what isValidFourPartDecimal accepts', () => {
  const cases = [
    '203.0.113.7', '0.0.0.0', '255.255.255.255', '1.2.3.4', '10.0.0.01', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.256',
    '1..3.4', '.1.2.3', '1.2.3.', '1.2.3.4 ', ' 1.2.3.4', '0x1.2.3.4', '1.2.3.-4', '::ffff:1.2.3.4', '2001:db8::1', 'host', '',
    '1.2.3.4\n', '999.1.1.1', '00.0.0.0', '1.2.3.0', '192.168.001.1',
  ];
  for (const s of cases) assert.equal(dottedQuad(s), viaIpaddr(s), JSON.stringify(s));
  const rnd = mulberry32(2);
  for (let k = 0; k < 2000; k++) {
    const parts = Array.from({ length: 3 + Math.floor(rnd() * 3) }, () => String(Math.floor(rnd() * 300)).padStart(rnd() < 0.1 ? 3 : 0, '0'));
    const s = parts.join('.');
    assert.equal(dottedQuad(s), viaIpaddr(s), s);
  }
});

test("isUnicastQuad is ipaddr.js's range() === 'unicast', at the edges of every special range", () => {
  const check = (n: number): void => {
    if (n < 0 || n > 0xffffffff) return;
    const s = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    assert.equal(isUnicastQuad(dottedQuad(s)), ipaddr.IPv4.parse(s).range() === 'unicast', s);
  };
  const ranges = (ipaddr.IPv4.prototype as unknown as { SpecialRanges: Record<string, [ipaddr.IPv4, number][]> }).SpecialRanges;
  for (const list of Object.values(ranges)) {
    for (const [addr, bits] of list) {
      const o = addr.octets;
      const first = o[0]! * 16_777_216 + o[1]! * 65_536 + o[2]! * 256 + o[3]!;
      const last = first + 2 ** (32 - bits) - 1;
      for (const n of [first - 1, first, first + 1, last - 1, last, last + 1]) check(n);
    }
  }
  const rnd = mulberry32(3);
  for (let k = 0; k < 5000; k++) check(Math.floor(rnd() * 2 ** 32));
});
