// Tests for --export (#8): nft set, ipset restore file, fail2ban-client lines, hosts.deny;
// --persistent N; only canonical IP addresses ever reach these shell/firewall files.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalAddress, renderExport, selectExport } from '../../../src/report/render-export.js';
import type { Report } from '../../../src/types.js';
import { hostileReport, iso, t } from './hostile-report.js';

/** The hostile report plus addresses in odd spellings and a hostile id that was banned. */
function report(): Report {
  const r = hostileReport();
  const extra = (ip: string, bans: number): Report['ips'][number] => ({
    ip,
    country: undefined,
    asn: undefined,
    org: undefined,
    failures: 5,
    blocked: 0,
    bans,
    jails: ['dovecot'],
    firstBan: t(10, 1),
    lastBan: t(10, 1),
    first: t(10, 1),
    last: t(10, 1),
    usernames: [],
  });
  r.ips.push(extra('::ffff:192.0.2.55', 1), extra('10.0.0.1; rm -rf /', 3), extra('fe80::1%eth0', 1), extra('0x7f.1', 1), extra('192.0.2.9', 3));
  r.jails[0]!.bans.push(
    { jail: 'dovecot', id: '192.0.2.9', start: t(10, 1), end: t(10, 2), failures: 5, blocked: 0 },
    { jail: 'dovecot', id: '10.0.0.1; rm -rf /', start: t(10, 1), end: t(10, 2), failures: 5, blocked: 0 },
  );
  return r;
}

const SAFE_LINE = /^(#.*|[A-Za-z0-9 _.:,;{}=\-[\]]*)$/;

describe('canonicalAddress', () => {
  it('accepts IPv4 and IPv6 in canonical form and maps ::ffff: to IPv4', () => {
    assert.equal(canonicalAddress('192.0.2.1'), '192.0.2.1');
    assert.equal(canonicalAddress('2001:DB8:0:0::7'), '2001:db8::7');
    assert.equal(canonicalAddress('::ffff:192.0.2.55'), '192.0.2.55');
  });
  it('rejects everything else', () => {
    for (const bad of ['10.0.0.1; rm -rf /', 'fe80::1%eth0', '0x7f.1', '127.1', '=cmd|evil', '', 'host.example.org', '1.2.3.4\n5.6.7.8']) {
      assert.equal(canonicalAddress(bad), undefined, bad);
    }
  });
});

describe('selectExport', () => {
  it('keeps banned addresses, counts the rest, honours --persistent', () => {
    const all = selectExport(report(), 1);
    assert.deepEqual(all.v4, ['192.0.2.9', '192.0.2.55', '203.0.113.7']);
    assert.deepEqual(all.v6, ['2001:db8::7']);
    assert.equal(all.skipped, 4); // =cmd|evil, the shell line, the zone id, 0x7f.1
    const twice = selectExport(report(), 2);
    assert.deepEqual(twice.v4, ['192.0.2.9', '203.0.113.7']);
    assert.deepEqual(twice.v6, []);
  });
});

describe('renderExport', () => {
  const r = report();
  const render = (kind: 'nft' | 'ipset' | 'fail2ban-client' | 'hosts-deny', minBans = 1): string =>
    renderExport(r, { kind, minBans, formatTime: iso });

  it('nft: a table with one set per family', () => {
    const text = render('nft');
    assert.match(text, /^# banreplay: 4 addresses banned at least 1 time, 2026-01-10T00:00:00\+00:00 to 2026-01-11T00:00:00\+00:00\n/);
    assert.match(text, /table inet banreplay \{\n {2}set banreplay4 \{\n {4}type ipv4_addr\n {4}elements = \{\n {6}192\.0\.2\.9,\n {6}192\.0\.2\.55,\n {6}203\.0\.113\.7\n {4}\}\n {2}\}/);
    assert.match(text, /set banreplay6 \{\n {4}type ipv6_addr\n {4}elements = \{\n {6}2001:db8::7\n/);
    assert.match(text, /# 4 banned id\(s\) that are not IP addresses left out/);
  });

  it('nft: an empty set has no elements clause (nft rejects `elements = { }`)', () => {
    const text = render('nft', 2);
    assert.match(text, /set banreplay6 \{\n {4}type ipv6_addr\n {2}\}/);
  });

  it('ipset: create, flush, add per family', () => {
    const lines = render('ipset').split('\n');
    assert.ok(lines.includes('create banreplay4 hash:ip family inet maxelem 65536 -exist'));
    assert.ok(lines.includes('flush banreplay4'));
    assert.ok(lines.includes('add banreplay4 203.0.113.7 -exist'));
    assert.ok(lines.includes('create banreplay6 hash:ip family inet6 maxelem 65536 -exist'));
    assert.ok(lines.includes('add banreplay6 2001:db8::7 -exist'));
  });

  it('fail2ban-client: one banip line per jail with the addresses it banned', () => {
    const lines = render('fail2ban-client').split('\n').filter((l) => l.startsWith('fail2ban-client'));
    assert.deepEqual(lines, ['fail2ban-client set dovecot banip 192.0.2.9 203.0.113.7 2001:db8::7']);
  });

  it('hosts-deny: ALL entries, IPv6 in brackets', () => {
    const lines = render('hosts-deny').split('\n').filter((l) => l.startsWith('ALL'));
    assert.deepEqual(lines, ['ALL: 192.0.2.9', 'ALL: 192.0.2.55', 'ALL: 203.0.113.7', 'ALL: [2001:db8::7]']);
  });

  it('never writes a hostile id into any export', () => {
    for (const kind of ['nft', 'ipset', 'fail2ban-client', 'hosts-deny'] as const) {
      const text = render(kind);
      assert.ok(!text.includes('rm -rf'), kind);
      assert.ok(!text.includes('=cmd'), kind);
      assert.ok(!text.includes('%eth0'), kind);
      for (const line of text.split('\n')) {
        if (line.startsWith('#') || line === '') continue;
        assert.match(line.replace(/'[^']*'/g, ''), SAFE_LINE, `${kind}: ${line}`);
      }
    }
  });

  it('quotes a jail name that is not shell-safe', () => {
    const odd = report();
    odd.jails[0]!.name = "my jail's";
    const line = renderExport(odd, { kind: 'fail2ban-client', formatTime: iso }).split('\n').find((l) => l.startsWith('fail2ban-client'));
    assert.equal(line, "fail2ban-client set 'my jail'\\''s' banip 192.0.2.9 203.0.113.7 2001:db8::7");
  });
});
