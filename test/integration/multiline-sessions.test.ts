// `audit --config DIR` with a fail2ban-style configuration written here: a sendmail-reject-
// like filter whose rejects carry no address and whose closing relay line carries it
// (F-MLFID + F-NOFAIL). Bans only come out right when sessions are merged across lines
// and expire 300 s of log time after they open.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'banreplay-mlfid-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FILTER = String.raw`[Definition]
# The queue id ties the lines of one message together.
prefregex = ^\s*\S+ mailer\[\d+\]: <F-MLFID>Q[A-Z0-9]{7}</F-MLFID>: <F-CONTENT>.+</F-CONTENT>$
failregex = ^rcpt <[^>]*>: unknown user$
            ^from=<[^>]*>, <F-NOFAIL>relay</F-NOFAIL>=\S*\[<ADDR>\]$
datepattern = {^LN-BEG}
`;

const JAILS = `[DEFAULT]
maxretry = 5
findtime = 10m
bantime = 1h

[mailer]
enabled = true
filter = mailer
logpath = ${path.join(dir, 'maillog')}
`;

const ATTACKER = '203.0.113.5';
const CUSTOMER = '198.51.100.7';

function stamp(h: number, m: number, s: number): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `Jan 14 ${p(h)}:${p(m)}:${p(s)}`;
}

function buildLog(): string {
  const out: string[] = [];
  const line = (h: number, m: number, s: number, text: string): void => {
    out.push(`${stamp(h, m, s)} mx mailer[4242]: ${text}`);
  };
  // A session whose relay line comes 6 minutes after its rejects: expired, not counted.
  line(9, 50, 0, 'QOLD0000: rcpt <x@example.org>: unknown user');
  line(9, 56, 0, `QOLD0000: from=<a@example.net>, relay=mail.example.net[${ATTACKER}]`);
  // Five messages from the attacker, interleaved with a customer's accepted mail.
  for (let i = 0; i < 5; i++) {
    const q = `QATT000${i}`;
    const c = `QCUS000${i}`;
    line(10, i, 0, `${q}: rcpt <info${i}@example.org>: unknown user`);
    line(10, i, 0, `${c}: from=<b@example.com>, relay=smtp.example.com[${CUSTOMER}]`);
    line(10, i, 1, `${q}: rcpt <sales${i}@example.org>: unknown user`);
    out.push(`${stamp(10, i, 1)} mx other[1]: unrelated noise`);
    line(10, i, 2, `${q}: from=<spam@example.net>, relay=mail.example.net[${ATTACKER}]`);
  }
  return out.join('\n') + '\n';
}

interface Json {
  jails: { name: string; failures: number; bans: { ip: string; start: string; failures: number }[] }[];
  ips: { ip: string; failures: number }[];
}

test('F-MLFID sessions: pending rejects plus the relay line make one failure each; the fifth bans', () => {
  mkdirSync(path.join(dir, 'filter.d'));
  writeFileSync(path.join(dir, 'filter.d', 'mailer.conf'), FILTER);
  writeFileSync(path.join(dir, 'jail.conf'), JAILS);
  writeFileSync(path.join(dir, 'maillog'), buildLog());
  const r = runCli(['audit', '--config', dir, path.join(dir, 'maillog'), '--format', 'json', '--no-geoip',
    '--now', '2026-01-15T00:00:00Z', '--timezone', 'UTC']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as Json;
  const jail = json.jails.find((j) => j.name === 'mailer');
  assert.ok(jail, r.stdout);
  // Five sessions of the attacker; the expired one and the customer's nofail sessions do not count.
  assert.equal(jail.failures, 5);
  assert.deepEqual(json.ips.map((x) => [x.ip, x.failures]), [[ATTACKER, 5]]);
  // The fifth failure is the fifth relay line (10:04:02); had the expired session counted,
  // the ban would start a message earlier.
  assert.deepEqual(jail.bans.map((b) => [b.ip, b.start, b.failures]), [[ATTACKER, '2026-01-14T10:04:02+00:00', 5]]);
});
