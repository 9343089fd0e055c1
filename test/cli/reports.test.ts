// CLI tests for issue 8 (https://…/issues/8, "Reports people actually read"): every output
// format end to end, --since/--until (history before the window, files skipped, reading
// stopped past the end), --mail-to through a fake sendmail, --only-new across runs, option
// checks, and hostile usernames through every format.

import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { ROOT, runCli } from '../support/run-cli.js';

const NOW = ['--now', '2026-01-15T14:33:00Z', '--timezone', 'UTC'];
const SAMPLES = ['audit', 'samples/', ...NOW];
const WINDOW_LOG = readFileSync(path.join(ROOT, 'test/snapshots/inputs/report-window.log'));

let tmp = '';
before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'banreplay-reports-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface JsonBan {
  ip: string;
  start: string;
  end: string | null;
  failures: number;
  blocked: number;
}
interface JsonOut {
  files: Array<{ path: string; lines: number }>;
  jails: Array<{ name: string; bans: JsonBan[] }>;
  stats: { failures: number; lines: number };
  usernames: Array<{ name: string }>;
  window: { since: string | null; until: string | null } | null;
}

function json(args: string[], stdin?: Buffer): JsonOut {
  const r = runCli([...args, '--format', 'json'], stdin === undefined ? {} : { stdin });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as JsonOut;
}

function bansOf(out: JsonOut): string[] {
  return out.jails.flatMap((j) => j.bans.map((b) => `${j.name} ${b.ip} ${b.start} ${b.end ?? '-'} ${b.failures}`)).sort();
}

/** A fake sendmail that records its arguments and the message, then exits with `code`. */
function fakeSendmail(dir: string, code = 0, stderr = ''): string {
  const file = path.join(dir, `sendmail-${code}`);
  writeFileSync(
    file,
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${dir}/args'\ncat > '${dir}/message'\n${stderr === '' ? '' : `echo '${stderr}' >&2\n`}exit ${code}\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe('output formats (issue 8)', () => {
  it('ndjson: one typed event per line, in time order', () => {
    const r = runCli([...SAMPLES, '--no-geoip', '--format', 'ndjson']);
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; data: { time: string } });
    assert.deepEqual([...new Set(events.map((e) => e.type))].sort(), ['ban', 'blocked', 'failure', 'success', 'unban']);
    const times = events.map((e) => Date.parse(e.data.time));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const full = json([...SAMPLES, '--no-geoip']);
    assert.equal(events.filter((e) => e.type === 'ban').length, full.jails.reduce((n, j) => n + j.bans.length, 0));
  });

  it('csv and csv-bans: RFC 4180 tables with a header row', () => {
    const ips = runCli([...SAMPLES, '--format', 'csv']);
    assert.equal(ips.status, 0, ips.stderr);
    assert.match(ips.stdout, /^ip,country,asn,org,failures,blocked,bans,jails,first_ban,last_ban,first,last,usernames\r\n"113\.179\.133\.169","VN",45899,/);
    const bans = runCli([...SAMPLES, '--format', 'csv-bans']);
    assert.equal(bans.status, 0, bans.stderr);
    assert.equal(bans.stdout.split('\r\n').length - 2, bansOf(json([...SAMPLES, '--no-geoip'])).length);
  });

  it('html: one self-contained document', () => {
    const r = runCli([...SAMPLES, '--format', 'html']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<!DOCTYPE html>/);
    assert.ok(r.stdout.includes(hostname()) || !/^[A-Za-z0-9.-]+$/.test(hostname()));
    assert.equal((r.stdout.match(/<svg class="chart"/g) ?? []).length, 4);
  });

  it('email: a MIME message a parser accepts', async () => {
    const r = runCli([...SAMPLES, '--format', 'email']);
    assert.equal(r.status, 0, r.stderr);
    const mail = await simpleParser(r.stdout);
    assert.match(mail.subject ?? '', /^banreplay \S+: 89 would-be bans of 54 addresses, 497 failures, .*2025-12-21 06:46 to 2026-01-15 14:29$/);
    assert.equal(mail.date?.toISOString(), '2026-01-15T14:33:00.000Z');
    assert.ok((mail.text ?? '').includes('WOULD-BE BANS'));
    assert.ok(String(mail.html).includes('<table'));
  });

  it('export: nft set of the persistent offenders', () => {
    const r = runCli([...SAMPLES, '--export', 'nft', '--persistent', '4']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# banreplay: 2 addresses banned at least 4 times, /);
    assert.match(r.stdout, /elements = \{\n {6}85\.146\.230\.225,\n {6}113\.179\.82\.86\n/);
  });
});

describe('--since / --until (issue 8)', () => {
  it('reports only in-window events, with bans at the window start computed from earlier history', () => {
    const args = ['audit', '-', '--jail', 'dovecot', '--now', '2026-03-04T00:00:00Z', '--no-geoip'];
    const out = json([...args, '--since', '2026-03-03T10:00:00Z', '--until', '2026-03-03T11:00:00Z'], WINDOW_LOG);
    // 203.0.113.5 failed three times before 10:00: its ban at 10:01:10 needs them.
    assert.deepEqual(bansOf(out), [
      'dovecot 198.51.100.23 2026-03-03T10:09:00+00:00 2026-03-03T10:19:00+00:00 5',
      'dovecot 198.51.100.23 2026-03-03T10:44:00+00:00 2026-03-03T10:54:00+00:00 5',
      'dovecot 203.0.113.5 2026-03-03T10:01:10+00:00 2026-03-03T10:11:10+00:00 5',
    ]);
    assert.equal(out.stats.failures, 14);
    assert.ok(!out.usernames.some((u) => u.name === 'late' || u.name === 'admin'), 'usernames outside the window are left out');
    assert.deepEqual(out.window, { since: '2026-03-03T10:00:00+00:00', until: '2026-03-03T11:00:00+00:00' }, 'the document says which window it covers');
    assert.deepEqual(json([...args, '--since', '2026-03-03T10:00:00Z'], WINDOW_LOG).window, { since: '2026-03-03T10:00:00+00:00', until: null });
    assert.equal(json(args, WINDOW_LOG).window, null, 'no window: null, never a missing key');
  });

  it('gives the same bans as a full run for every window, including at its start', () => {
    const full = bansOf(json([...SAMPLES, '--no-geoip']));
    for (const [since, until] of [
      ['2025-12-31T23:40:00Z', '2026-01-01T00:10:00Z'],
      ['2026-01-08', '2026-01-12'],
    ] as const) {
      const windowed = bansOf(json([...SAMPLES, '--no-geoip', '--since', since, '--until', until]));
      const lo = Date.parse(since.length === 10 ? `${since}T00:00:00Z` : since);
      const hi = Date.parse(until.length === 10 ? `${until}T00:00:00Z` : until) + (until.length === 10 ? 86_400_000 : 0);
      const expected = full.filter((b) => {
        const start = Date.parse(b.split(' ')[2]!);
        return start >= lo && start < hi;
      });
      assert.ok(expected.length > 0, `${since}: the window has bans`);
      assert.deepEqual(windowed, expected, `${since} → ${until}`);
    }
  });

  it('skips rotated files that end before the needed history, with the same result', () => {
    const dir = path.join(tmp, 'rotated');
    const fresh = path.join(tmp, 'fresh');
    // Copies with the mtimes logrotate would leave (end of each file's content), and copies touched now.
    const stamps: Record<string, string> = {
      'maillog.3.gz': '2025-12-28T06:27:50Z',
      'maillog.2.gz': '2026-01-04T06:27:51Z',
      'maillog.1': '2026-01-11T05:35:01Z',
      maillog: '2026-01-15T14:32:43Z',
    };
    for (const d of [dir, fresh]) {
      mkdirSync(d, { recursive: true });
      for (const [name, stamp] of Object.entries(stamps)) {
        copyFileSync(path.join(ROOT, 'samples', name), path.join(d, name));
        if (d === dir) utimesSync(path.join(d, name), new Date(stamp), new Date(stamp));
      }
    }
    const window = ['--since', '2026-01-12T00:00:00Z'];
    const skipped = json(['audit', dir, ...NOW, '--no-geoip', ...window]);
    const all = json(['audit', fresh, ...NOW, '--no-geoip', ...window]);
    assert.deepEqual(skipped.files.map((f) => path.basename(f.path)), ['maillog.1', 'maillog']);
    assert.equal(all.files.length, 4);
    assert.deepEqual(bansOf(skipped), bansOf(all));
    assert.deepEqual(skipped.stats.failures, all.stats.failures);
  });

  it('stops reading a file once it is past --until', () => {
    // ~3 MB of dovecot failures, one a second: three 1 MiB read chunks.
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = 36_000 + i; // from 10:00:00
      const hh = String(Math.floor(s / 3600)).padStart(2, '0');
      const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
      const ss = String(s % 60).padStart(2, '0');
      lines.push(
        `Mar  3 ${hh}:${mm}:${ss} mx dovecot: imap-login: Login aborted: Connection closed (auth failed, 1 attempts in 2 secs) (auth_failed): user=<u${i % 50}>, method=PLAIN, rip=198.51.${i % 200}.${i % 250}, lip=192.0.2.25, TLS, session=<s${i}>`,
      );
    }
    const file = path.join(tmp, 'big.log');
    writeFileSync(file, lines.join('\n') + '\n');
    const args = ['audit', file, '--jail', 'dovecot', '--now', '2026-03-04T00:00:00Z', '--no-geoip', '--no-rotated'];
    const whole = json(args);
    const early = json([...args, '--until', '2026-03-03T10:05:00Z']);
    assert.equal(whole.files[0]!.lines, 20_000);
    // It stops at the first line past --until + 5 min (10:10:01, line 602), wherever the read
    // chunk ends: gzipped, the same count.
    assert.equal(early.files[0]!.lines, 602);
    assert.equal(early.stats.failures, 300);
    const gz = path.join(tmp, 'big.log.gz');
    writeFileSync(gz, gzipSync(lines.join('\n') + '\n'));
    const early2 = json(['audit', gz, ...args.slice(2), '--until', '2026-03-03T10:05:00Z']);
    assert.equal(early2.files[0]!.lines, 602);
    assert.deepEqual(early2.stats, early.stats);
  });

  it('refuses bad values and empty windows before reading anything', () => {
    const bad = runCli([...SAMPLES, '--since', 'last-tuesday']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^banreplay: --since: invalid time 'last-tuesday'/);
    const empty = runCli([...SAMPLES, '--since', 'today', '--until', 'yesterday']);
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /window is empty/);
  });
});

describe('--mail-to (issue 8)', () => {
  it('pipes the message to sendmail -t -oi and prints nothing', async () => {
    const dir = mkdtempSync(path.join(tmp, 'mail-'));
    const sendmail = fakeSendmail(dir);
    const r = runCli([...SAMPLES, '--mail-to', 'postmaster@example.org', '--mail-to', 'ops@example.org', '--mail-from', 'Audit <audit@mx.example.org>', '--sendmail', sendmail]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    assert.deepEqual(readFileSync(path.join(dir, 'args'), 'utf8').split('\n').filter((l) => l !== ''), ['-t', '-oi']);
    const stored = readFileSync(path.join(dir, 'message'), 'utf8');
    assert.ok(!stored.includes('\r'), 'local line ends for sendmail');
    const mail = await simpleParser(stored);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to];
    assert.deepEqual(to.flatMap((a) => a?.value.map((v) => v.address) ?? []), ['postmaster@example.org', 'ops@example.org']);
    assert.equal(mail.from?.value[0]?.address, 'audit@mx.example.org');
    assert.match(mail.subject ?? '', /89 would-be bans/);
    assert.ok((mail.text ?? '').length > 0 && String(mail.html).length > 0);
  });

  it('reports a failing sendmail with its exit status (exit code 2)', () => {
    const dir = mkdtempSync(path.join(tmp, 'mail-'));
    const r = runCli([...SAMPLES, '--mail-to', 'root@example.org', '--sendmail', fakeSendmail(dir, 75, 'queue file write error')]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /sendmail-75 exited with status 75: queue file write error; the report was not sent/);
  });

  it('reports a missing sendmail', () => {
    const r = runCli([...SAMPLES, '--mail-to', 'root@example.org', '--sendmail', path.join(tmp, 'no-such-sendmail')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot run .*no-such-sendmail: not found/);
  });

  it('refuses unsafe addresses and conflicting options before reading anything', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--mail-to', 'root@example.org\nBcc: victim@example.org'], /--mail-to: not a plain mail address/],
      [['--mail-to', 'root'], /--mail-to: not a plain mail address/],
      [['--mail-to', 'root@example.org', '--format', 'json'], /--mail-to sends the email format/],
      [['--mail-from', 'a@example.org'], /need --mail-to/],
      [['--persistent', '2'], /--persistent N only applies to --export/],
      [['--export', 'nft', '--persistent', '0'], /--persistent must be a whole number/],
      [['--export', 'nft', '--format', 'csv'], /--export prints an address list/],
    ];
    for (const [extra, message] of cases) {
      const r = runCli([...SAMPLES, ...extra]);
      assert.equal(r.status, 1, extra.join(' '));
      assert.match(r.stderr, message, extra.join(' '));
      assert.equal(r.stdout, '');
    }
  });
});

describe('--only-new (issue 8)', () => {
  it('outputs only when there are new bans or usernames, and remembers what went out', () => {
    const state = path.join(tmp, 'only-new.json');
    const base = ['audit', '-', '--jail', 'dovecot', '--now', '2026-03-04T00:00:00Z', '--no-geoip', '--only-new', state, '--format', 'csv-bans'];
    const first = runCli([...base, '--until', '2026-03-03T10:30:00Z'], { stdin: WINDOW_LOG });
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.split('\r\n').length - 2, 2);
    assert.ok(existsSync(state));
    const again = runCli([...base, '--until', '2026-03-03T10:30:00Z'], { stdin: WINDOW_LOG });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, '');
    assert.equal(again.stderr, '');
    const later = runCli(base, { stdin: WINDOW_LOG });
    assert.equal(later.status, 0, later.stderr);
    assert.equal(later.stdout.split('\r\n').length - 2, 3, 'the full report once something is new');
    assert.equal(runCli(base, { stdin: WINDOW_LOG }).stdout, '');
  });

  it('does not send mail when nothing is new, and retries after a failed delivery', () => {
    const state = path.join(tmp, 'only-new-mail.json');
    const dir = mkdtempSync(path.join(tmp, 'mail-'));
    const args = [...SAMPLES, '--no-geoip', '--only-new', state, '--mail-to', 'root@example.org'];
    const failed = runCli([...args, '--sendmail', fakeSendmail(dir, 1)]);
    assert.equal(failed.status, 2);
    assert.ok(!existsSync(state), 'state untouched when the mail did not go out');
    const sent = runCli([...args, '--sendmail', fakeSendmail(dir, 0)]);
    assert.equal(sent.status, 0, sent.stderr);
    rmSync(path.join(dir, 'message'));
    const quiet = runCli([...args, '--sendmail', fakeSendmail(dir, 0)]);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.ok(!existsSync(path.join(dir, 'message')), 'sendmail not called');
  });

  it('starts afresh, with a warning, from a file that is not a state file', () => {
    const state = path.join(tmp, 'garbage.json');
    writeFileSync(state, '{"not": "ours"}');
    const r = runCli([...SAMPLES, '--no-geoip', '--only-new', state, '--format', 'csv']);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /not a banreplay --only-new state file; starting afresh/);
    assert.ok(r.stdout.length > 0);
    assert.match(readFileSync(state, 'utf8'), /"format":"banreplay only-new state"/);
  });
});

describe('hostile usernames through every format (issue 8)', () => {
  // Usernames as an attacker would send them in SASL: escapes, markup, formulas, CR, bidi.
  const USERS = [
    '\u001b[31mred\u001b[0m\u0007',
    '<img src=x onerror=alert(1)>',
    '</script><script>alert(2)</script>',
    '=HYPERLINK("http://evil.example/")',
    '+cmd|calc',
    '-2+3',
    '@SUM(1)',
    'a\rb',
    'j\u00fcrgen\u202eevil',
    'tab\tx',
  ];
  const log = Buffer.from(
    USERS.flatMap((u, i) =>
      Array.from({ length: 6 }, (_, k) => `Jan 10 10:${String(i).padStart(2, '0')}:${String(k * 5).padStart(2, '0')} mx postfix/smtpd[1]: warning: unknown[203.0.113.${50 + i}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=${u}`),
    ).join('\n') + '\n',
  );
  const run = (extra: string[]): string => {
    const r = runCli(['audit', '-', '--jail', 'postfix-sasl', '--now', '2026-01-15T00:00:00Z', '--no-geoip', ...extra], { stdin: log });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  // eslint-disable-next-line no-control-regex
  const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202e]/;

  it('the usernames really reach the report', () => {
    const names = (JSON.parse(run(['--format', 'json'])) as JsonOut).usernames.map((u) => u.name);
    for (const u of USERS) assert.ok(names.includes(u), JSON.stringify(u));
  });

  for (const format of ['table', 'json', 'ndjson', 'csv', 'csv-bans', 'email']) {
    it(`${format}: nothing a terminal would act on`, () => {
      const out = run(['--format', format]);
      assert.doesNotMatch(out.replace(/\r\n/g, '\n'), TERMINAL_UNSAFE);
    });
  }

  it('csv: no cell starts a formula', () => {
    for (const line of run(['--format', 'csv']).split('\r\n').slice(1)) {
      for (const cell of line.match(/"(?:[^"]|"")*"/g) ?? []) assert.doesNotMatch(cell.slice(1), /^[=+\-@\t\r]/, cell);
    }
  });

  it('html: markup escaped, no script but ours', () => {
    const html = run(['--format', 'html']);
    assert.equal((html.match(/<script/gi) ?? []).length, 1);
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  it('email: headers untouched by log text, parts escaped', async () => {
    const raw = run(['--format', 'email']);
    const head = raw.slice(0, raw.indexOf('\n\n'));
    assert.ok(!/script|img|HYPERLINK/i.test(head));
    const mail = await simpleParser(raw);
    assert.ok(!String(mail.html).includes('<img'));
    assert.ok((mail.text ?? '').includes('<img src=x onerror=alert(1)>'));
  });

  it('exports: only addresses', () => {
    for (const kind of ['nft', 'ipset', 'fail2ban-client', 'hosts-deny']) {
      const out = run(['--export', kind]);
      assert.ok(!/script|img|HYPERLINK|calc/.test(out), kind);
    }
  });
});
