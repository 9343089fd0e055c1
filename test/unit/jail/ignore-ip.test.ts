// ignoreip entry forms (semantics §7.9) and the no-DNS policy (§10 item 6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIgnoreMatcher } from '../../../src/jail/ignore-ip.js';
import { ConfigError } from '../../../src/errors.js';

test('single IPv4 and IPv6 addresses match exactly, IPv6 in any spelling', () => {
  const m = createIgnoreMatcher(['192.0.2.10', '2001:DB8:0:0::1']);
  assert.equal(m.matches('192.0.2.10'), true);
  assert.equal(m.matches('192.0.2.11'), false);
  assert.equal(m.matches('2001:db8::1'), true);
  assert.equal(m.matches('2001:0db8:0000:0000:0000:0000:0000:0001'), true);
  assert.equal(m.matches('2001:db8::2'), false);
  assert.deepEqual(m.unresolved, []);
});

test('CIDR networks, IPv4 and IPv6, host bits in the entry ignored', () => {
  const m = createIgnoreMatcher(['10.1.2.3/16', '2001:db8:abcd::/48', '0.0.0.0/32']);
  assert.equal(m.matches('10.1.255.254'), true);
  assert.equal(m.matches('10.2.0.1'), false);
  assert.equal(m.matches('2001:db8:abcd:ffff::9'), true);
  assert.equal(m.matches('2001:db8:abce::9'), false);
  assert.equal(m.matches('0.0.0.0'), true);
  assert.equal(m.matches('0.0.0.1'), false);
});

test('dotted and colon masks are prefix lengths', () => {
  const m = createIgnoreMatcher(['198.51.100.0/255.255.255.0', '2001:db8::/ffff:ffff::']);
  assert.equal(m.matches('198.51.100.77'), true);
  assert.equal(m.matches('198.51.101.77'), false);
  assert.equal(m.matches('2001:db8:1::1'), true);
  assert.equal(m.matches('2001:db9::1'), false);
});

test('bracketed IPv6, with or without a prefix', () => {
  const m = createIgnoreMatcher(['[2001:db8::5]', '[2001:db8:1::]/64']);
  assert.equal(m.matches('2001:db8::5'), true);
  assert.equal(m.matches('[2001:db8::5]'), true);
  assert.equal(m.matches('2001:db8:1::42'), true);
  assert.equal(m.matches('2001:db8:2::42'), false);
});

test('IPv4-mapped IPv6 and IPv4 match each other, also for networks', () => {
  const m = createIgnoreMatcher(['::ffff:203.0.113.7', '192.0.2.0/24', '::ffff:198.51.100.0/120']);
  assert.equal(m.matches('203.0.113.7'), true);
  assert.equal(m.matches('::ffff:203.0.113.7'), true);
  assert.equal(m.matches('::ffff:192.0.2.99'), true);
  assert.equal(m.matches('198.51.100.200'), true);
  assert.equal(m.matches('203.0.113.8'), false);
});

test('entries split on spaces and commas; host names are returned unresolved, never matched', () => {
  const m = createIgnoreMatcher(['127.0.0.1/8 ::1', 'mail.example.org,localhost', '']);
  assert.deepEqual(m.unresolved, ['mail.example.org', 'localhost']);
  assert.equal(m.matches('127.5.5.5'), true);
  assert.equal(m.matches('::1'), true);
  assert.equal(m.matches('localhost'), false);
  assert.equal(m.matches('mail.example.org'), false);
});

test('non-IP failure ids never match', () => {
  const m = createIgnoreMatcher(['0.0.0.0/0', '::/0']);
  assert.equal(m.matches('1.2.3.4'), true);
  assert.equal(m.matches('2001:db8::1'), true);
  assert.equal(m.matches('user@example.org'), false);
  assert.equal(m.matches('1.2.3'), false);
});

test('malformed entries are ConfigErrors naming the entry and the location', () => {
  const where = { file: 'jail.local', section: 'postfix' };
  const bad = ['1.2.3.4/33', '2001:db8::/129', '10.0.0.0/255.0.255.0', '10.0.0.0/ffff::', '1.2.3', '300.1.1.1', '1.2.3.4/x', '[2001:db8::1', 'host/24'];
  for (const entry of bad) {
    assert.throws(
      () => createIgnoreMatcher([entry], where),
      (e: unknown) => e instanceof ConfigError && e.message.includes(`"${entry}"`) && e.file === 'jail.local' && e.key === 'ignoreip',
      entry,
    );
  }
});
