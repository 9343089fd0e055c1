// End-to-end replays of rotated sets built in a temp dir: a New Year crossing with
// year-less stamps (years from each file's mtime), content-based file order
// (maillog.10.gz before maillog.2.gz), overlapping files merged by time, gzip sniffing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'banreplay-rotated-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A classic syslog stamp (no year) for a UTC time. */
function syslog(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MON[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function dovecotFail(ms: number, ip: string, user: string): string {
  return `${syslog(ms)} mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<${user}>, method=PLAIN, rip=${ip}, lip=192.0.2.1, TLS, session=<x${ms}>\n`;
}

function noise(ms: number): string {
  return `${syslog(ms)} mx postfix/qmgr[811]: 4F1D2A0: removed\n`;
}

function write(name: string, text: string, mtimeMs: number, gzip = false): string {
  const p = path.join(dir, name);
  writeFileSync(p, gzip ? gzipSync(text) : text);
  utimesSync(p, mtimeMs / 1000, mtimeMs / 1000);
  return p;
}

interface Json {
  files: { path: string; first: string; last: string; gzip: boolean }[];
  span: { first: string; last: string };
  jails: { name: string; bans: { ip: string; start: string; end: string; failures: number; blocked: number }[] }[];
  ips: { ip: string; first: string; last: string; failures: number }[];
}

test('a rotated set spanning New Year gets its years from the files and replays in content order', () => {
  const nye = Date.UTC(2026, 0, 1, 0, 0, 0);
  const A = '203.0.113.10';
  // Oldest: gzip named .10 (numerically larger = older), Dec 20.
  const old = Date.UTC(2025, 11, 20, 8, 0, 0);
  write('maillog.10.gz', noise(old) + dovecotFail(old + 1000, '198.51.100.20', 'test') + noise(old + 5000), old + 3_600_000, true);
  // Next: gzip named .2, Dec 27.
  const mid = Date.UTC(2025, 11, 27, 8, 0, 0);
  write('maillog.2.gz', noise(mid) + noise(mid + 1000), mid + 3_600_000, true);
  // maillog.1 spans midnight: failures every 60 s from 23:58 to 00:02 → 5th at 00:02.
  let text = noise(nye - 3_600_000);
  for (let i = 0; i < 5; i++) text += dovecotFail(nye - 120_000 + i * 60_000, A, `user${i}`);
  text += noise(nye + 600_000);
  write('maillog.1', text, nye + 700_000);
  // Live file: Jan 2, plain text with a gzip-looking name is NOT used; this one is plain.
  write('maillog', noise(nye + 86_400_000) + noise(nye + 86_400_000 + 60_000), nye + 2 * 86_400_000);

  const r = runCli(['audit', path.join(dir, 'maillog'), '--jail', 'dovecot', '--format', 'json', '--no-geoip']);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const j = JSON.parse(r.stdout) as Json;
  assert.deepEqual(
    j.files.map((f) => path.basename(f.path)),
    ['maillog.10.gz', 'maillog.2.gz', 'maillog.1', 'maillog'],
  );
  assert.deepEqual(j.files.map((f) => f.gzip), [true, true, false, false]);
  assert.equal(j.span.first, '2025-12-20T08:00:00+00:00');
  assert.equal(j.span.last, '2026-01-02T00:01:00+00:00');
  const bans = j.jails.find((x) => x.name === 'dovecot')!.bans;
  assert.deepEqual(bans.map((b) => [b.ip, b.start, b.end, b.failures]), [
    [A, '2026-01-01T00:02:00+00:00', '2026-01-01T00:12:00+00:00', 5],
  ]);
  const a = j.ips.find((x) => x.ip === A)!;
  assert.equal(a.first, '2025-12-31T23:58:00+00:00');
});

test('overlapping files from two hosts are merged line by line in time order', () => {
  const t0 = Date.UTC(2026, 4, 10, 12, 0, 0);
  const B = '203.0.113.77';
  // Host 1 logs failures 1, 3, 5; host 2 logs 2, 4 (each 100 s apart). Only merged in
  // time order do they make 5 failures within findtime.
  let h1 = '';
  let h2 = '';
  for (let i = 0; i < 5; i++) {
    const line = dovecotFail(t0 + i * 100_000, B, 'postmaster');
    if (i % 2 === 0) h1 += line;
    else h2 += line;
  }
  const p1 = write('host1.log', h1, t0 + 3_600_000);
  const p2 = write('host2.log', h2, t0 + 3_600_000);
  const r = runCli(['audit', p2, p1, '--jail', 'dovecot', '--format', 'json', '--no-geoip', '--no-rotated']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.deepEqual(j.files.map((f) => path.basename(f.path)), ['host1.log', 'host2.log']);
  const bans = j.jails.find((x) => x.name === 'dovecot')!.bans;
  assert.deepEqual(bans.map((b) => [b.ip, b.start]), [[B, '2026-05-10T12:06:40+00:00']]);
});

test('--now overrides the file mtime as the year reference', () => {
  const t = Date.UTC(2024, 6, 1, 9, 0, 0);
  let text = '';
  for (let i = 0; i < 5; i++) text += dovecotFail(t + i * 10_000, '203.0.113.99', 'info');
  // mtime says 2026, so without --now the stamps would land in 2026.
  const p = write('old.log', text, Date.UTC(2026, 6, 2));
  const r = runCli(['audit', p, '--jail', 'dovecot', '--format', 'json', '--no-geoip', '--now', '2024-07-02T00:00:00Z']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.equal(j.jails.find((x) => x.name === 'dovecot')!.bans[0]?.start, '2024-07-01T09:00:40+00:00');
});
