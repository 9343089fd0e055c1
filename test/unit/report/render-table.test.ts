// Tests for the terminal table renderer: key content, hostile text, determinism, colour off.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { renderTable } from '../../../src/report/render-table.js';
import { displayWidth } from '../../../src/report/text-width.js';
import type { Report, ReportIp } from '../../../src/types.js';
import { forensicsReport } from './forensics-fixture.js';

const HOSTILE = '\u001b[31mroot\u001b]0;pwned\u0007\r<script>alert(1)</script>\u202eevil' + 'x'.repeat(10_000);

/** ISO 8601 in a fixed +01:00 offset, like the CLI would give for Europe/Paris in winter. */
function plusOne(ms: number): string {
  return new Date(ms + 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+01:00');
}

function ip(over: Partial<ReportIp> & { ip: string }): ReportIp {
  return {
    country: undefined,
    asn: undefined,
    org: undefined,
    failures: 0,
    blocked: 0,
    bans: 0,
    jails: [],
    firstBan: undefined,
    lastBan: undefined,
    first: Date.UTC(2024, 0, 2, 3, 0, 0),
    last: Date.UTC(2024, 0, 2, 4, 0, 0),
    usernames: [],
    ...over,
  };
}

function sampleReport(): Report {
  const t = (d: number, h: number, m = 0, s = 0): number => Date.UTC(2024, 0, d, h, m, s);
  return {
    schema: 1,
    files: [
      { path: '/var/log/mail.log.1.gz', lines: 120_000, noTime: 2, overlong: 1, first: t(1, 0), last: t(3, 23, 59, 59), gzip: true, warnings: ['unexpected end of gzip data after 118 kB'] },
      { path: '/var/log/mail.log', lines: 5_000, noTime: 0, overlong: 0, first: t(4, 0), last: t(4, 12), gzip: false, warnings: [] },
    ],
    span: { first: t(1, 0), last: t(4, 12) },
    jails: [
      {
        name: 'postfix-sasl', filter: 'postfix[mode=auth]', maxretry: 5, findtime: 600, bantime: 3600, failures: 400, ids: 37,
        bans: [
          { jail: 'postfix-sasl', id: '203.0.113.9', start: t(2, 3, 4, 5), end: t(2, 4, 4, 5), failures: 5, blocked: 12 },
          { jail: 'postfix-sasl', id: '203.0.113.9', start: t(2, 6), end: t(2, 7), failures: 5, blocked: 0 },
        ],
      },
      {
        name: 'dovecot', filter: 'dovecot', maxretry: 3, findtime: 86400, bantime: -1, failures: 56, ids: 4,
        bans: [{ jail: 'dovecot', id: '2001:db8:85a3::8a2e:370:7334', start: t(3, 10), end: undefined, failures: 3, blocked: 40 }],
      },
    ],
    ips: [
      ip({ ip: '203.0.113.9', country: 'AU', failures: 10, blocked: 12, bans: 2, jails: ['postfix-sasl'], firstBan: t(2, 3, 4, 5), lastBan: t(2, 6) }),
      ip({ ip: '2001:db8:85a3::8a2e:370:7334', country: undefined, failures: 3, blocked: 40, bans: 1, jails: ['dovecot'], firstBan: t(3, 10), lastBan: t(3, 10) }),
      ip({ ip: '198.51.100.7', failures: 2 }),
    ],
    usernames: [
      { name: 'admin', attempts: 50, ips: 7, first: t(1, 1), last: t(4, 2) },
      { name: HOSTILE, attempts: 9, ips: 1, first: t(2, 3), last: t(2, 4) },
      { name: 'info', attempts: 50, ips: 3, first: t(1, 2), last: t(3, 2) },
    ],
    stats: { files: 2, lines: 125_000, noTime: 2, overlong: 1, failures: 456, successes: 12, bannedIps: 2, banEvents: 3, blocked: 52 },
    geoip: { database: '@ip-location-db/geo-whois-asn-country-mmdb', buildDate: '2026-06-17' },
  };
}

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });

function emptyReport(): Report {
  return {
    schema: 1,
    files: [],
    span: { first: undefined, last: undefined },
    jails: [],
    ips: [],
    usernames: [],
    stats: { files: 0, lines: 0, noTime: 0, overlong: 0, failures: 0, successes: 0, bannedIps: 0, banEvents: 0, blocked: 0 },
    geoip: undefined,
  };
}

const ESC_OR_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('renderTable', () => {
  const out = renderTable(sampleReport(), { chalk: plain, formatTime: plusOne });
  const lines = out.split('\n');

  it('has the four parts in order', () => {
    const order = ['Summary', 'Jails', 'Would-be bans', 'Top attempted usernames'].map((t) => lines.indexOf(t) >= 0 ? lines.indexOf(t) : lines.findIndex((l) => l.trim() === t));
    assert.ok(order.every((i) => i >= 0), `missing section: ${JSON.stringify(order)}`);
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.ok(out.endsWith('\n') && !out.endsWith('\n\n'));
  });

  it('summarises files in replay order with gzip marker, counts, ranges and warnings', () => {
    assert.match(out, /Files in \/var\/log, in replay order/);
    const gz = lines.findIndex((l) => /^ {2}mail\.log\.1\.gz +yes +120,000 +2 +1 +Jan 01 01:00:00 +Jan 04 00:59:59$/.test(l));
    const plainFile = lines.findIndex((l) => /^ {2}mail\.log +- +5,000 +0 +0 +Jan 04 01:00:00 +Jan 04 13:00:00$/.test(l));
    assert.ok(gz > 0 && plainFile > gz, 'rows in replay order');
    assert.match(out, /! mail\.log\.1\.gz: unexpected end of gzip data after 118 kB/);
    assert.match(out, /Time span +Jan 01 01:00:00 → Jan 04 13:00:00 \(3d12h\)/);
    assert.match(out, /Times +in UTC\+01:00, year 2024/);
    assert.match(out, /Lines +125,000 read from 2 files; 2 without a time; 1 over-long/);
    assert.match(out, /Failures +456 \(postfix-sasl 400, dovecot 56\); 12 successful logins/);
    assert.match(out, /GeoIP +@ip-location-db\/geo-whois-asn-country-mmdb, built 2026-06-17/);
  });

  it('shows jail settings in fail2ban units, permanent included', () => {
    assert.ok(lines.some((l) => /^ {2}postfix-sasl +postfix\[mode=auth\] +5 +10m +1h +400 +37 +2$/.test(l)), out);
    assert.ok(lines.some((l) => /^ {2}dovecot +dovecot +3 +1d +permanent +56 +4 +1$/.test(l)), out);
  });

  it('lists would-be bans, busiest first, with IPv6 and country', () => {
    // At 100 columns the long IPv6 address forces short headers and a shortened jails column.
    assert.ok(lines.some((l) => /^ {2}IP +CC +Jails +Bans +First ban +Last ban +Fails +Blocked$/.test(l)), out);
    const v4 = lines.findIndex((l) => /^ {2}203\.0\.113\.9 +AU +postfix… +2 +Jan 02 04:04:05 +Jan 02 07:00:00 +10 +12$/.test(l));
    const v6 = lines.findIndex((l) => /^ {2}2001:db8:85a3::8a2e:370:7334 +- +dovecot +1 +Jan 03 11:00:00 +Jan 03 11:00:00 +3 +40$/.test(l));
    assert.ok(v6 > 0 && v4 > v6, out);
    assert.ok(!out.includes('198.51.100.7'), 'an address never banned is not in the bans table');
    assert.match(out, /2 addresses, 3 bans, 52 attempts blocked/);
  });

  it('lists usernames by attempts, then distinct IPs', () => {
    const admin = lines.findIndex((l) => /^ {2}admin +50 +7 +Jan 01 02:00:00 +Jan 04 03:00:00$/.test(l));
    const info = lines.findIndex((l) => /^ {2}info +50 +3 /.test(l));
    const hostile = lines.findIndex((l) => l.includes('<script>'));
    assert.ok(admin > 0 && info > admin && hostile > info, out);
  });

  it('neutralises a hostile username: no control, no bidi, bounded length', () => {
    assert.ok(!ESC_OR_CONTROL.test(out), 'no control character survives');
    const row = lines.find((l) => l.includes('<script>')) ?? '';
    assert.ok(row.startsWith('  [31mroot]0;pwned<script>'), row);
    assert.ok(row.includes('…'), 'the 10 kB name is truncated');
    for (const line of lines) assert.ok(displayWidth(line) <= 100, `line wider than 100: ${line}`);
  });

  it('has no colour codes and no trailing blanks at level 0', () => {
    assert.ok(!out.includes('\u001b'));
    for (const line of lines) assert.equal(line, line.trimEnd());
  });

  it('uses only our own SGR styling at level 1, and the same text underneath', () => {
    const styled = renderTable(sampleReport(), { chalk: colour, formatTime: plusOne });
    assert.ok(styled.includes('\u001b[1m'));
    const escapes = styled.match(/\u001b[^\n]{0,8}/g) ?? [];
    for (const e of escapes) assert.match(e, /^\u001b\[\d+(;\d+)*m/);
    assert.equal(styled.replace(/\u001b\[\d+(;\d+)*m/g, ''), out);
  });

  it('is deterministic, whatever the order of the input lists', () => {
    const shuffled = sampleReport();
    shuffled.ips.reverse();
    shuffled.usernames.reverse();
    assert.equal(renderTable(shuffled, { chalk: plain, formatTime: plusOne }), out);
    assert.equal(renderTable(sampleReport(), { chalk: plain, formatTime: plusOne }), out);
  });

  it('shows the top 15 usernames by default, or --top N', () => {
    const r = sampleReport();
    r.usernames = Array.from({ length: 20 }, (_, i) => ({ name: `user${String(i).padStart(2, '0')}`, attempts: 100 - i, ips: 1, first: Date.UTC(2024, 0, 2), last: Date.UTC(2024, 0, 2) }));
    const deflt = renderTable(r, { chalk: plain, formatTime: plusOne });
    assert.match(deflt, /15 of 20 distinct usernames/);
    assert.ok(deflt.includes('user14') && !deflt.includes('user15'));
    const top3 = renderTable(r, { chalk: plain, formatTime: plusOne, top: 3 });
    assert.match(top3, /3 of 20 distinct usernames/);
    assert.ok(top3.includes('user02') && !top3.includes('user03'));
  });

  it('says clearly when nothing would have been banned', () => {
    const r = sampleReport();
    r.ips = r.ips.map((i) => ({ ...i, bans: 0, firstBan: undefined, lastBan: undefined }));
    const text = renderTable(r, { chalk: plain, formatTime: plusOne });
    assert.match(text, /Would-be bans\n {2}No address would have been banned\./);
  });

  it('renders an empty report', () => {
    const text = renderTable(emptyReport(), { chalk: plain, formatTime: plusOne });
    assert.match(text, /Time span +no timestamped line matched/);
    assert.match(text, /GeoIP +none/);
    assert.match(text, /No address would have been banned\./);
    assert.match(text, /No usernames were captured\./);
    assert.ok(!text.includes('Times '), 'no zone note without times');
  });

  it('leaves out the country column without GeoIP and the jails column for a single jail', () => {
    const r = sampleReport();
    r.geoip = undefined;
    r.jails = r.jails.slice(0, 1);
    r.ips = r.ips.slice(0, 1);
    const text = renderTable(r, { chalk: plain, formatTime: plusOne });
    const header = text.split('\n').find((l) => l.trimStart().startsWith('IP ')) ?? '';
    assert.match(header, /^ {2}IP +Bans +First ban +Last ban +Failures +Blocked$/);
    assert.match(text, /1 address, 2 bans, 12 attempts blocked; all in postfix-sasl; busiest first/);
    // Several jails configured, but every banned address in the same one: still no column.
    const multi = sampleReport();
    multi.ips = multi.ips.slice(0, 1);
    assert.match(renderTable(multi, { chalk: plain, formatTime: plusOne }), /\n {2}IP +Country +Bans +First ban/);
    assert.ok(text.split('\n').some((l) => /^ {2}203\.0\.113\.9 +2 +Jan 02 04:04:05/.test(l)));
  });

  it('fits a narrower width by shrinking flexible columns', () => {
    const r = sampleReport();
    r.ips = r.ips.slice(0, 1);
    const narrow = renderTable(r, { chalk: plain, formatTime: plusOne, width: 80 });
    const table = narrow.slice(narrow.indexOf('Would-be bans'));
    for (const line of table.split('\n')) assert.ok(displayWidth(line) <= 80, `wider than 80: ${line}`);
    assert.match(table, /Fails/, 'short headers are used first');
  });

  it('shows times in full when they do not share an offset', () => {
    const mixed = (ms: number): string => (ms < Date.UTC(2024, 0, 3) ? plusOne(ms) : new Date(ms + 7_200_000).toISOString().replace(/\.\d{3}Z$/, '+02:00'));
    const text = renderTable(sampleReport(), { chalk: plain, formatTime: mixed });
    assert.match(text, /Jan 02 04:04:05\+01:00/);
    assert.match(text, /Jan 03 12:00:00\+02:00/);
    assert.match(text, /Times +in UTC offset shown per time, year 2024/);
  });
});

describe('renderTable forensics sections (issue #6)', () => {
  const r = forensicsReport(HOSTILE);
  const out = renderTable(r, { chalk: plain, formatTime: plusOne, width: 120 });

  it('puts collateral first, then summary, bans, compromise, usernames, accounts, below the radar', () => {
    assert.ok(out.startsWith('Collateral: bans that would have locked out your users\n'));
    const at = (s: string): number => out.indexOf(`\n${s}\n`);
    const order = ['Summary', 'Would-be bans', 'Possible compromise', 'Top attempted usernames', 'Accounts under attack', 'Below the radar'].map(at);
    assert.ok(order.every((i) => i > 0), String(order));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });

  it('says who a ban would have locked out, and which databases answered', () => {
    assert.match(out, /the dovecot ban of 198\.51\.100\.20 at Jan 02 10:04:00 would have\s+locked out/);
    assert.match(out, /GeoIP\s+@ip-location-db\/geo-whois-asn-country-mmdb, built 2026-06-17\n\s+ASN\s+@ip-location-db\/asn, built 2026-06-17/);
    const tame = renderTable(forensicsReport('mallory'), { chalk: plain, formatTime: plusOne, width: 120 });
    assert.match(tame, /mallory\s+203\.0\.113\.200\s+-\s+Jan 03 04:20:00\s+2\s+other accounts, burst \(12 from 6 IPs\)\s+4\s+no/);
  });

  it('splits accounts and shows the group verdicts', () => {
    assert.match(out, /Existing accounts[^\n]*\n[^\n]*\n\s+carol\s/);
    assert.match(out, /Never logged in[^\n]*\n[^\n]*\n\s+admin\s/);
    assert.match(out, /192\.0\.2\.0\/24 .* 1 ban, 6 blocked/);
    assert.match(out, /AS15169 .* 2 bans, 20 blocked/);
  });

  it('neutralises hostile text in every new section', () => {
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(out));
    assert.ok(out.split('\n').every((l) => displayWidth(l) <= 200), 'bounded lines');
  });

  it('leaves the collateral section out when there is none', () => {
    const none = renderTable({ ...r, collateral: [] }, { chalk: plain, formatTime: plusOne });
    assert.ok(none.startsWith('Summary\n'));
    assert.ok(!none.includes('Collateral'));
  });
});
