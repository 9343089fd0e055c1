// Expected spellings were checked against Python's socket.inet_pton/inet_ntop (glibc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeId, numericHost, parseAddr, parseId } from '../../../src/filter/normalize-id.js';

test('IPv4 is kept; glibc inet_pton rules decide validity', () => {
  assert.equal(normalizeId('192.0.2.1'), '192.0.2.1');
  assert.equal(parseId('192.0.2.1').family, 4);
  for (const bad of ['01.2.3.4', '256.1.1.1', '1.2.3', '1.2.3.4 ', '999.1.1.1']) {
    assert.equal(normalizeId(bad), bad, `${bad} is not an address and stays as is`);
    assert.equal(parseId(bad).family, undefined);
  }
});

test('IPv6 is compressed and lowercased like inet_ntop', () => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['1:0:2:0:0:3:0:0', '1:0:2::3:0:0'],
    ['1::2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['0:0:0:0:0:1:0:0', '::1:0:0'],
    ['::102:304', '::1.2.3.4'],
    ['::0:a:b', '::0.10.0.11'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
  ];
  for (const [input, want] of cases) assert.equal(normalizeId(input), want, input);
  for (const bad of ['00001::1', ':1::', '1:::2', 'fe80::1%eth0', '0:0:0:0:0:0:0:1.2.3.4', '1:2:']) {
    assert.equal(normalizeId(bad), bad, `${bad} is invalid`);
  }
});

test('IPv4-mapped IPv6 becomes IPv4, as IPAddr does', () => {
  assert.equal(normalizeId('::ffff:192.0.2.9'), '192.0.2.9');
  assert.equal(normalizeId('::FFFF:c000:0209'), '192.0.2.9');
  assert.equal(parseAddr('::ffff:192.0.2.9', 6, undefined).text, '192.0.2.9');
  assert.equal(parseAddr('0:0:0:0:0:ffff:0:1', 6, undefined).text, '0.0.0.1');
  // With an explicit prefix length fail2ban does not convert.
  assert.equal(parseAddr('::ffff:192.0.2.9', undefined, 128).text, '::ffff:192.0.2.9');
});

test('brackets, prefix lengths and masks', () => {
  assert.equal(normalizeId('[2001:db8::1]'), '2001:db8::1');
  assert.equal(normalizeId('192.0.2.77/24'), '192.0.2.0/24');
  assert.equal(normalizeId('192.0.2.77/255.255.255.0'), '192.0.2.0/24');
  assert.equal(normalizeId('192.0.2.77/32'), '192.0.2.77');
  assert.equal(normalizeId('2001:db8::77/64'), '2001:db8::/64');
  assert.equal(normalizeId('192.0.2.77/255.0.255.0'), '192.0.2.77/255.0.255.0', 'non-contiguous mask: kept raw');
  assert.equal(parseAddr('192.0.2.77', 4, 40).text, '192.0.2.77', 'cidr > 32 leaves the address alone');
});

test('non-addresses are returned unchanged', () => {
  assert.equal(normalizeId('mail.example.org'), 'mail.example.org');
  assert.equal(normalizeId('sess-42'), 'sess-42');
  assert.equal(normalizeId(''), '');
});

test('numericHost parses what getaddrinfo accepts without DNS', () => {
  assert.equal(numericHost('192.51.13'), '192.51.0.13');
  assert.equal(numericHost('19'), '0.0.0.19');
  assert.equal(numericHost('0x7f.1'), '127.0.0.1');
  assert.equal(numericHost('010.0.0.1'), '8.0.0.1');
  assert.equal(numericHost('1.2.3.4A'), undefined);
  assert.equal(numericHost('1092.0.2.2'), undefined);
  assert.equal(numericHost('mail.example'), undefined);
});

test('the IPv4 result cache never mixes addresses up (many addresses, colliding slots, masks)', () => {
  let seed = 11;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  const addrs: number[] = [];
  for (let i = 0; i < 100_000; i++) addrs.push(next());
  const text = (a: number): string => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
  for (let round = 0; round < 2; round++) {
    for (const a of addrs) {
      const t = text(a);
      const p = parseAddr(t, 4, undefined);
      assert.equal(p.text, t);
      assert.equal(p.family, 4);
      assert.equal(p.plen, 32);
      assert.equal(parseId(t).text, t);
    }
  }
  // A mask is applied whatever the cache holds for the address, and does not enter it.
  assert.equal(parseAddr('192.0.2.77', undefined, 24).text, '192.0.2.0/24');
  assert.equal(parseAddr('192.0.2.77', undefined, undefined).text, '192.0.2.77');
  assert.equal(parseId('192.0.2.77/24').text, '192.0.2.0/24');
  assert.equal(parseAddr('::ffff:192.0.2.77', undefined, undefined).text, '192.0.2.77');
  assert.equal(parseAddr('192.0.2.77', 6, undefined).family, undefined, 'an IPv4 text is no IPv6 address');
});
