// Tests for the below-the-radar section (issue #6): only never-banned, not-ignored failures,
// grouping by /24, /64, ASN and username, and what a group-keyed jail would have caught.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findBelowRadar, networkOf } from '../../../src/analysis/below-radar.js';
import { byIdCode } from '../../../src/analysis/hit-index.js';
import type { Outcome } from '../../../src/jail/simulate.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Hit, JailSpec } from '../../../src/types.js';

const T = Date.UTC(2026, 2, 1);
const spec = (name: string, maxretry = 5): JailSpec => ({
  name, enabled: true, filter: name, maxretry, findtime: 600, bantime: 600, ignoreip: [], logpath: [],
  logtimezone: undefined, datepattern: undefined, filterOverrides: {}, source: 'test',
});

test('networkOf gives the /24 or /64, IPv4-mapped addresses as IPv4', () => {
  assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkOf('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(networkOf('::ffff:198.51.100.9'), '198.51.100.0/24');
  assert.equal(networkOf('host.example.org'), undefined);
});

test('spraying from a /24 and an ASN: grouped, with the verdict of group-keyed jails', () => {
  const hits: Hit[] = [];
  const outcomes: (Outcome | undefined)[] = [];
  let line = 0;
  const add = (id: string, user: string, dt: number, outcome: Outcome = 'counted', jail = 0): void => {
    hits.push({ jail, kind: 'failure', id, time: T + dt, user, file: 0, line: ++line });
    outcomes.push(outcome);
  };
  // Ten addresses of one /24, one try each, 30 s apart: no address is ever banned.
  for (let i = 0; i < 10; i++) add(`192.0.2.${i + 1}`, i % 2 === 0 ? 'admin' : 'Admin', i * 30_000);
  // A banned address and an ignored one are not below the radar.
  add('203.0.113.9', 'admin', 1000);
  add('198.51.100.1', 'admin', 2000, 'ignored');
  // Two addresses of another network in the same ASN.
  add('198.51.99.1', 'root', 5000);
  add('198.51.99.2', 'root', 6000);
  hits.sort((a, b) => a.time - b.time);
  // outcomes must stay parallel: rebuild them in the sorted order.
  const outcomeOf = new Map<number, Outcome>();
  hits.forEach((h) => outcomeOf.set(h.line, h.id === '198.51.100.1' ? 'ignored' : 'counted'));
  const sorted = hits.map((h) => outcomeOf.get(h.line));
  const geo = (ip: string): { asn?: number; org?: string; country?: string } | undefined =>
    ip.startsWith('192.0.2.') || ip.startsWith('198.51.99.') ? { asn: 64500, org: 'Example AS', country: 'ZZ' } : undefined;

  const store = HitStore.from(hits, sorted);
  const r = findBelowRadar(store, [spec('postfix-sasl')], new Set(['203.0.113.9']), { geo: byIdCode(store, geo) });
  assert.equal(r.failures, 12);
  assert.equal(r.addresses, 12);
  assert.deepEqual(
    r.networks.map((g) => [g.key, g.addresses, g.attempts, g.maxPerAddress, g.asn, g.org, g.countries]),
    [
      ['192.0.2.0/24', 10, 10, 1, 64500, 'Example AS', ['ZZ']],
      ['198.51.99.0/24', 2, 2, 1, 64500, 'Example AS', ['ZZ']],
    ],
  );
  const net = r.networks[0]!;
  // Five tries within 10 minutes from the /24: banned at the 5th; the other five are blocked.
  assert.deepEqual(net.caught, { jails: ['postfix-sasl'], bans: 1, firstBan: T + 4 * 30_000, blocked: 5, addresses: 5 });
  assert.deepEqual(r.networks[1]!.caught.bans, 0);

  assert.deepEqual(r.asns.map((g) => [g.key, g.addresses, g.attempts, g.networks]), [['AS64500', 12, 12, 2]]);
  assert.equal(r.asns[0]!.caught.bans, 1);

  // "admin"/"Admin" is one name sprayed from ten addresses (the banned one not counted).
  assert.deepEqual(r.spraying.map((g) => [g.key, g.addresses, g.attempts, g.networks]), [['admin', 10, 10, 1]]);
  assert.deepEqual(r.spraying[0]!.usernames.sort(), ['Admin', 'admin']);
});

test('without GeoIP there are no ASN groups, and a line seen by two jails counts once', () => {
  const hits: Hit[] = [];
  for (let i = 0; i < 3; i++) {
    hits.push({ jail: 0, kind: 'failure', id: `192.0.2.${i}`, time: T + i, user: 'x', file: 0, line: i });
    hits.push({ jail: 1, kind: 'failure', id: `192.0.2.${i}`, time: T + i, user: 'x', file: 0, line: i });
  }
  const r = findBelowRadar(HitStore.from(hits, hits.map(() => 'counted' as const)), [spec('a'), spec('b')], new Set());
  assert.equal(r.failures, 3);
  assert.deepEqual(r.networks.map((g) => [g.key, g.attempts]), [['192.0.2.0/24', 3]]);
  assert.deepEqual(r.asns, []);
  assert.deepEqual(r.spraying, [], 'three addresses are not spraying');
});

test('issue-4: a plain and an IPv4-mapped address of one /24 are one network', () => {
  const hits: Hit[] = ['192.0.2.1', '::ffff:192.0.2.2', '192.0.2.3'].map((id, k) => ({ jail: 0, kind: 'failure', id, time: T + k, user: undefined, file: 0, line: k }));
  const r = findBelowRadar(HitStore.from(hits, hits.map(() => 'counted' as const)), [spec('a')], new Set());
  assert.deepEqual(r.networks.map((g) => [g.key, g.addresses, g.attempts]), [['192.0.2.0/24', 3, 3]]);
});

test('issue-4: rows of a spread-out botnet share their empty and repeated lists, read-only', () => {
  // Three /24 networks of two never-banned addresses each (one try each, no username), all in
  // one country: three listed rows that differ only in their numbers. With hundreds of
  // thousands of such rows, an array or object each for the same content adds up.
  const hits: Hit[] = [];
  let line = 0;
  for (const net of ['192.0.2', '198.51.100', '203.0.113']) {
    for (const host of [1, 2]) hits.push({ jail: 0, kind: 'failure', id: `${net}.${host}`, time: T + line * 60_000, user: undefined, file: 0, line: ++line });
  }
  const store = HitStore.from(hits, hits.map(() => 'counted' as const));
  const geo = byIdCode(store, (ip) => ({ country: ip.startsWith('203.') ? 'YY' : 'ZZ' }));
  const r = findBelowRadar(store, [spec('postfix-sasl', 5)], new Set(), { geo });
  const [a, b, c] = r.networks;
  assert.deepEqual(
    r.networks.map((g) => [g.key, g.networks, g.countries, g.usernames, g.caught]),
    [
      ['192.0.2.0/24', 1, ['ZZ'], [], { jails: [], bans: 0, firstBan: undefined, blocked: 0, addresses: 0 }],
      ['198.51.100.0/24', 1, ['ZZ'], [], { jails: [], bans: 0, firstBan: undefined, blocked: 0, addresses: 0 }],
      ['203.0.113.0/24', 1, ['YY'], [], { jails: [], bans: 0, firstBan: undefined, blocked: 0, addresses: 0 }],
    ],
  );
  assert.equal(a!.countries, b!.countries, 'one array for one list of countries');
  assert.notEqual(a!.countries, c!.countries);
  assert.equal(a!.usernames, b!.usernames);
  assert.equal(a!.caught, c!.caught, 'one verdict object for every group no jail would have caught');
  assert.equal(a!.caught.jails, a!.usernames);
  // Shared, so frozen: a renderer that sorted one in place would change them all.
  assert.throws(() => (a!.usernames as string[]).push('x'), TypeError);
  assert.throws(() => {
    (a!.caught as { bans: number }).bans = 1;
  }, TypeError);
});

test('issue-4: an ASN group is its own one ASN, a network its own one network, without pairs for either', () => {
  // Two networks in AS64500 (one of them also with an address in AS64501), and one network
  // in AS64501 alone: the ASN rows count their networks, the network rows their one ASN (or
  // none when they span two), each network row one network.
  const hits: Hit[] = [];
  const ids = ['192.0.2.1', '192.0.2.2', '198.51.100.1', '198.51.100.2', '198.51.100.3', '203.0.113.1', '203.0.113.2'];
  const asnOf = (ip: string): number => (ip === '198.51.100.3' || ip.startsWith('203.') ? 64501 : 64500);
  ids.forEach((id, k) => hits.push({ jail: 0, kind: 'failure', id, time: T + k * 60_000, user: undefined, file: 0, line: k + 1 }));
  const store = HitStore.from(hits, hits.map(() => 'counted' as const));
  const geo = byIdCode(store, (ip) => ({ asn: asnOf(ip), org: `Org ${asnOf(ip)}` }));
  const r = findBelowRadar(store, [spec('postfix-sasl', 50)], new Set(), { geo });
  assert.deepEqual(
    r.networks.map((g) => [g.key, g.networks, g.asn, g.org]),
    [
      ['198.51.100.0/24', 1, undefined, undefined],
      ['192.0.2.0/24', 1, 64500, 'Org 64500'],
      ['203.0.113.0/24', 1, 64501, 'Org 64501'],
    ],
  );
  assert.deepEqual(
    r.asns.map((g) => [g.key, g.networks, g.asn, g.org, g.addresses]),
    [
      ['AS64500', 2, 64500, 'Org 64500', 4],
      ['AS64501', 2, 64501, 'Org 64501', 3],
    ],
  );
});
