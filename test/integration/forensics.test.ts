// Issue #6 end to end: a corpus with a brute-forcer, a botnet spraying one username at 1-2
// tries per address, a user with a broken client who gets banned and later logs in, and a
// compromised account. The audit (JSON and table) must name each correctly, and `timeline`
// must show the brute-forcer's bans and blocked attempts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'banreplay-forensics-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const BRUTE = '203.0.113.66';
const BROKEN = '198.51.100.20'; // carol's phone
const ATTACKER = '203.0.113.200'; // gets into dave's account
const DAVE_HOME = '198.51.100.30';
const ALICE = '198.51.100.40';
// The botnet: ten addresses in a documentation /24 and twenty in two Google /24s (one ASN).
const BOTNET = [
  ...Array.from({ length: 10 }, (_, i) => `192.0.2.${10 + i}`),
  ...Array.from({ length: 10 }, (_, i) => `8.8.8.${10 + i}`),
  ...Array.from({ length: 10 }, (_, i) => `8.8.4.${10 + i}`),
];

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const lines: Array<[number, string]> = [];
let session = 0;
const imapFail = (ms: number, ip: string, user: string): void => {
  lines.push([ms, `${stamp(ms)} mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<${user}>, method=PLAIN, rip=${ip}, lip=192.0.2.1, TLS, session=<f${session++}>`]);
};
const imapLogin = (ms: number, ip: string, user: string): void => {
  lines.push([ms, `${stamp(ms)} mx dovecot: imap-login: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=192.0.2.1, mpid=${1000 + session}, TLS, session=<s${session++}>`]);
};
const saslFail = (ms: number, ip: string, user: string): void => {
  lines.push([ms, `${stamp(ms)} mx postfix/submission/smtpd[4242]: warning: unknown[${ip}]: SASL PLAIN authentication failed: authentication failure, sasl_username=${user}`]);
};

// Everyday logins: alice and dave from home, carol's phone on day 1.
for (let d = 0; d < 3; d++) {
  for (let h = 8; h < 20; h += 3) {
    imapLogin(T0 + d * 24 * HOUR + h * HOUR, ALICE, 'alice@example.org');
    imapLogin(T0 + d * 24 * HOUR + h * HOUR + 5 * MIN, DAVE_HOME, 'dave@example.org');
  }
}
for (let h = 8; h < 20; h += 2) imapLogin(T0 + h * HOUR + 7 * MIN, BROKEN, 'carol@example.org');

// Brute-forcer, day 1 at 02:00: a dictionary every 20 s for 30 minutes.
const DICT = ['admin', 'root', 'info', 'test', 'postmaster', 'support', 'sales', 'web'];
for (let i = 0; i < 90; i++) imapFail(T0 + 2 * HOUR + i * 20_000, BRUTE, DICT[i % DICT.length]!);

// Broken client, day 2 at 09:00: carol's phone keeps the old password, fails every minute for
// 8 minutes (banned at the 5th), then carol fixes it and the phone logs in again at 11:00.
const DAY2 = T0 + 24 * HOUR;
for (let i = 0; i < 8; i++) imapFail(DAY2 + 9 * HOUR + i * MIN, BROKEN, 'carol@example.org');
imapLogin(DAY2 + 11 * HOUR, BROKEN, 'carol@example.org');
imapLogin(DAY2 + 13 * HOUR, BROKEN, 'carol@example.org');

// Botnet, day 2 at 14:00: "admin" over SMTP AUTH, one or two tries per address, 40 s apart.
let t = DAY2 + 14 * HOUR;
BOTNET.forEach((ip, i) => {
  saslFail(t, ip, 'admin');
  t += 40_000;
  if (i % 2 === 0) {
    saslFail(t, ip, 'Admin');
    t += 40_000;
  }
});

// Compromise, day 3 at 03:00: a few guesses from a new address, then it logs in as dave.
const DAY3 = T0 + 48 * HOUR;
saslFail(DAY3 + 3 * HOUR, ATTACKER, 'root');
saslFail(DAY3 + 3 * HOUR + MIN, ATTACKER, 'test');
saslFail(DAY3 + 3 * HOUR + 2 * MIN, ATTACKER, 'dave@example.org');
saslFail(DAY3 + 3 * HOUR + 3 * MIN, ATTACKER, 'dave@example.org');
imapLogin(DAY3 + 3 * HOUR + 20 * MIN, ATTACKER, 'dave@example.org');
imapLogin(DAY3 + 4 * HOUR, ATTACKER, 'dave@example.org');

lines.sort((a, b) => a[0] - b[0]);
const LOG = path.join(dir, 'maillog');
writeFileSync(LOG, lines.map(([, l]) => l).join('\n') + '\n');

interface Group {
  key: string;
  addresses: number;
  attempts: number;
  maxPerAddress: number;
  caught: { bans: number; blocked: number; jails: string[] };
}
interface AuditJson {
  ips: Array<{ ip: string; bans: number; blocked: number; asn: number | null }>;
  stats: { successes: number };
  collateral: Array<{ ip: string; users: string[]; jails: string[]; logins: number; failures: number; lastSuccess: string }>;
  compromises: Array<{ user: string; ip: string; reasons: string[]; priorFailures: number; priorUsers: string[] }>;
  accounts: Array<{ key: string; exists: boolean; attempts: number; ips: number; names: Array<{ name: string; spellings: string[]; exists: boolean }> }>;
  belowRadar: { failures: number; addresses: number; networks: Group[]; asns: Group[]; spraying: Group[] };
  geoip: { database: string; asn: { database: string; buildDate: string | null } | null } | null;
}

describe('issue-6: forensics on a corpus with a brute-forcer, a spraying botnet, a broken client and a compromise', () => {
  const run = runCli(['audit', LOG, '--format', 'json', '--tz', 'UTC']);
  const j = JSON.parse(run.stdout) as AuditJson;

  it('runs cleanly', () => {
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
  });

  it('bans the brute-forcer repeatedly, with blocked attempts, and calls it neither collateral nor compromise', () => {
    const b = j.ips.find((x) => x.ip === BRUTE)!;
    assert.ok(b.bans >= 2, `bans ${b.bans}`);
    assert.ok(b.blocked > 0);
    assert.ok(!j.collateral.some((c) => c.ip === BRUTE));
    assert.ok(!j.compromises.some((c) => c.ip === BRUTE));
  });

  it('names the broken client as the only collateral ban, with its user', () => {
    assert.deepEqual(
      j.collateral.map((c) => [c.ip, c.users, c.jails, c.failures]),
      [[BROKEN, ['carol@example.org'], ['dovecot'], 5]],
    );
    assert.equal(j.collateral[0]!.lastSuccess, stamp(DAY2 + 13 * HOUR));
    assert.ok(!j.compromises.some((c) => c.ip === BROKEN), 'its own device, not an attacker');
  });

  it('names the compromised account, and only it', () => {
    assert.deepEqual(
      j.compromises.map((c) => [c.user, c.ip]),
      [['dave@example.org', ATTACKER]],
    );
    const c = j.compromises[0]!;
    assert.ok(c.reasons.includes('failed-other-accounts'), c.reasons.join());
    assert.equal(c.priorFailures, 4);
    assert.deepEqual(c.priorUsers, ['dave@example.org', 'root', 'test']);
  });

  it('splits usernames into existing accounts and names that never logged in', () => {
    const by = new Map(j.accounts.map((a) => [a.key, a]));
    assert.equal(by.get('carol')?.exists, true);
    assert.equal(by.get('dave')?.exists, true);
    const admin = by.get('admin')!;
    assert.equal(admin.exists, false);
    // "admin" and "Admin" are one name; the brute-forcer tried it too.
    assert.deepEqual(admin.names.map((n) => [n.name, n.spellings.sort()]), [['admin', ['Admin', 'admin']]]);
    assert.equal(admin.ips, BOTNET.length + 1);
    assert.equal(by.has('alice'), false, 'never attacked: not listed');
    // Existing accounts come first.
    const firstUnknown = j.accounts.findIndex((a) => !a.exists);
    assert.ok(j.accounts.slice(firstUnknown).every((a) => !a.exists));
  });

  it('finds the spraying below the radar and what group jails would have caught', () => {
    assert.ok(!j.ips.some((x) => BOTNET.includes(x.ip) && x.bans > 0), 'no bot is banned on its own');
    const spray = j.belowRadar.spraying.find((g) => g.key === 'admin')!;
    assert.equal(spray.addresses, BOTNET.length);
    assert.equal(spray.attempts, 45);
    assert.equal(spray.maxPerAddress, 2);
    assert.ok(spray.caught.bans >= 1 && spray.caught.blocked > 0, JSON.stringify(spray.caught));
    assert.deepEqual(spray.caught.jails, ['postfix-sasl']);

    const doc = j.belowRadar.networks.find((g) => g.key === '192.0.2.0/24')!;
    assert.equal(doc.addresses, 10);
    assert.equal(doc.attempts, 15);
    assert.ok(doc.caught.bans >= 1);
    assert.ok(j.belowRadar.networks.some((g) => g.key === '8.8.8.0/24'));

    // Both Google /24s are one ASN (bundled ip-location-db data).
    const google = j.belowRadar.asns.find((g) => g.key === 'AS15169')!;
    assert.equal(google.addresses, 20);
    assert.ok(google.caught.bans >= 1);
  });

  it('names the databases that answered, ASN included', () => {
    assert.equal(j.geoip?.asn?.database, '@ip-location-db/asn');
    assert.match(j.geoip?.asn?.buildDate ?? '', /^\d{4}-\d{2}-\d{2}$/);
  });

  it('prints the collateral section first in the table, then the other findings', () => {
    const r = runCli(['audit', LOG, '--tz', 'UTC']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Collateral: bans that would have locked out your users\n/);
    assert.match(r.stdout, /would have locked out carol@example\.org/);
    const order = ['Collateral', 'Summary', 'Would-be bans', 'Possible compromise', 'Accounts under attack', 'Below the radar'].map((s) =>
      r.stdout.indexOf(`\n${s}`) >= 0 ? r.stdout.indexOf(`\n${s}`) : r.stdout.indexOf(s),
    );
    assert.deepEqual([...order].sort((a, b) => a - b), order);
    assert.ok(order.every((i) => i >= 0));
    assert.match(r.stdout, /dave@example\.org\s+203\.0\.113\.200/);
    assert.match(r.stdout, /Password spraying[^\n]*\n[^\n]*\n\s+admin\s/);
  });
});

describe('issue-6: banreplay timeline', () => {
  interface TimelineJson {
    target: string;
    addresses: Array<{ ip: string; failures: number; blocked: number; bans: number }>;
    events: Array<{ time: string; kind: string; ip: string; jails: string[]; service: string | null; user: string | null; text: string | null; line: number | null }>;
  }

  it("shows the brute-forcer's bans, unbans and blocked attempts in time order", () => {
    const r = runCli(['timeline', BRUTE, LOG, '--format', 'json', '--tz', 'UTC']);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    const t = JSON.parse(r.stdout) as TimelineJson;
    assert.equal(t.target, BRUTE);
    const kinds = t.events.map((e) => e.kind);
    assert.equal(kinds.filter((k) => k === 'failure').length + kinds.filter((k) => k === 'blocked').length, 90);
    assert.ok(kinds.filter((k) => k === 'ban').length >= 2);
    assert.ok(kinds.includes('unban'));
    assert.ok(kinds.filter((k) => k === 'blocked').length > 0);
    // The first ban comes right after the fifth failure.
    assert.deepEqual(kinds.slice(0, 6), ['failure', 'failure', 'failure', 'failure', 'failure', 'ban']);
    assert.equal(t.events[5]!.time, t.events[4]!.time);
    const times = t.events.map((e) => Date.parse(e.time));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const fail = t.events[0]!;
    assert.equal(fail.service, 'dovecot/imap-login');
    assert.equal(fail.user, 'admin');
    assert.match(fail.text ?? '', /rip=203\.0\.113\.66/);
    assert.deepEqual(t.addresses.map((a) => [a.ip, a.failures + a.blocked]), [[BRUTE, 90]]);
  });

  it('covers a network, and prints a table with the ban and its log lines', () => {
    const r = runCli(['timeline', '198.51.100.0/24', LOG, '--tz', 'UTC', '--format', 'json']);
    const t = JSON.parse(r.stdout) as TimelineJson;
    assert.deepEqual(t.addresses.map((a) => a.ip).sort(), [BROKEN, DAVE_HOME, ALICE].sort());
    assert.ok(t.events.some((e) => e.kind === 'success' && e.ip === DAVE_HOME && e.user === 'dave@example.org'));
    assert.ok(t.events.some((e) => e.kind === 'ban' && e.ip === BROKEN));

    const table = runCli(['timeline', BRUTE, LOG, '--tz', 'UTC']);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /^Timeline of 203\.0\.113\.66\n/);
    assert.match(table.stdout, /\bBAN\b/);
    assert.match(table.stdout, /\bblocked\b/);
    assert.match(table.stdout, /banned until .*: 5 failures triggered it; \d+ attempts blocked during it/);
    assert.match(table.stdout, /dovecot: imap-login: Disconnected/);
  });

  it('rejects a target that is no address', () => {
    const r = runCli(['timeline', 'mail.example.org', LOG]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not an IP address or CIDR network/);
  });
});
