// `--config DIR` against a whole fail2ban configuration directory (issue 3):
// test/fixtures/f2b-config (see its README for the story in its logs) and, when
// BANREPLAY_F2B_DIR points at an extracted fail2ban package, Debian's own /etc/fail2ban.
// Without PATH every jail reads only its own logpath files.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT, runCli } from '../support/run-cli.js';

const FIXTURE = path.join(ROOT, 'test/fixtures/f2b-config');
const NOW = ['--now', '2026-02-12T00:00:00Z', '--timezone', 'UTC', '--no-geoip'];
const SYSTEMD_WARNING = 'banreplay: warning: jail sshd-journal reads the systemd journal; banreplay reads files: give PATH\n';

interface Ban {
  ip: string;
  start: string;
  end: string | null;
  failures: number;
  blocked: number;
}
interface JsonReport {
  files: { path: string }[];
  jails: { name: string; filter: string; failures: number; bans: Ban[] }[];
}

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'banreplay-f2bconf-'));
  temps.push(d);
  return d;
}

/** A copy of the fixture in a temporary directory, with extra files (name → text). */
function fixtureCopy(extra: Record<string, string> = {}): string {
  const dir = path.join(tempDir(), 'fail2ban');
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function jailsFile(text: string): string {
  const p = path.join(tempDir(), 'extra.local');
  writeFileSync(p, text);
  return p;
}

/**
 * stderr without the notices about optional includes that are absent (`after = common.local`
 * in every stock filter): those belong to the filter checks (#5), not to this test.
 */
function ours(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/included file .* does not exist/.test(l))
    .join('\n');
}

function audit(args: string[]): { status: number | null; stderr: string; report: JsonReport | undefined } {
  const r = runCli(['audit', ...args, ...NOW, '--format', 'json']);
  return { status: r.status, stderr: ours(r.stderr), report: r.status === 0 ? (JSON.parse(r.stdout) as JsonReport) : undefined };
}

function bans(report: JsonReport | undefined): Record<string, string[]> {
  assert.ok(report !== undefined);
  return Object.fromEntries(report.jails.map((j) => [j.name, j.bans.map((b) => `${b.ip} ${b.start} ${b.end ?? 'never'}`)]));
}

test('the fixture configuration: enabled jails, each reading its own logpath', () => {
  const dir = fixtureCopy();
  const r = audit(['--config', dir]);
  // The journal jail is skipped with a warning; the broken disabled jail is never read.
  assert.equal(r.stderr, SYSTEMD_WARNING);
  assert.equal(r.status, 0);
  const report = r.report!;
  assert.deepEqual(
    report.jails.map((j) => `${j.name} ${j.filter}`),
    ['sshd sshd[mode=normal]', 'dovecot dovecot[mode=normal]', 'postfix-sasl postfix[mode=auth]', 'recidive recidive[mode=normal]', 'dovecot-mx2 dovecot'],
  );
  // Each file once, in time order, though dovecot and postfix-sasl share mail.log.
  assert.deepEqual(
    report.files.map((f) => path.relative(dir, f.path)),
    ['log/mail.log.2.gz', 'log/mail.log.1', 'log/auth.log', 'log/mail.log', 'log/mx2/mail.log'],
  );
  assert.deepEqual(bans(report), {
    sshd: ['203.0.113.30 2026-02-11T07:00:40+00:00 2026-02-11T07:10:40+00:00'],
    dovecot: [
      '203.0.113.10 2026-02-09T09:01:20+00:00 2026-02-09T09:11:20+00:00',
      // bantime.increment: the second ban lasts twice as long.
      '203.0.113.10 2026-02-10T08:01:00+00:00 2026-02-10T08:21:00+00:00',
    ],
    'postfix-sasl': [
      '203.0.113.20 2026-02-10T12:00:40+00:00 2026-02-10T12:10:40+00:00',
      // Only through the jail's `failregex = %(known/failregex)s` extension.
      '203.0.113.40 2026-02-10T14:01:00+00:00 2026-02-10T14:11:00+00:00',
    ],
    recidive: ['203.0.113.10 2026-02-10T08:01:00+00:00 2026-02-17T08:01:00+00:00'],
    // 192.0.2.77 failed 3 times in each host's log: neither jail saw 5.
    'dovecot-mx2': [],
  });
  const jail = (name: string) => report.jails.find((j) => j.name === name)!;
  assert.equal(jail('sshd').failures, 9, 'sshd read auth.log only');
  assert.equal(jail('dovecot-mx2').failures, 3, 'dovecot-mx2 read mx2/mail.log only');
  // The recidive ban covers every port: the later dovecot attempts never arrive.
  assert.equal(jail('recidive').bans[0]?.blocked, 2);
  assert.equal(jail('sshd').bans[0]?.blocked, 1);
});

test('with PATH, every selected jail reads the given files (the journal jail too)', () => {
  const dir = fixtureCopy();
  const r = audit([path.join(dir, 'log/mail.log'), path.join(dir, 'log/mx2/mail.log'), '--no-rotated', '--config', dir]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  const b = bans(r.report);
  assert.deepEqual(Object.keys(b), ['sshd', 'sshd-journal', 'dovecot', 'postfix-sasl', 'recidive', 'dovecot-mx2']);
  // Both dovecot jails now see all 6 failures of 192.0.2.77.
  assert.deepEqual(b['dovecot'], ['192.0.2.77 2026-02-11T09:02:00+00:00 2026-02-11T09:12:00+00:00']);
  assert.deepEqual(b['dovecot-mx2'], ['192.0.2.77 2026-02-11T09:02:00+00:00 2026-02-11T09:12:00+00:00']);
});

test('enabled jails that find nothing in mail logs name the mail jails left disabled; --jail silences it', () => {
  // Before bans are deployed: only sshd is on, the mail jails are defined in jail.conf only.
  const dir = fixtureCopy();
  rmSync(path.join(dir, 'jail.d/mail.local'));
  const mail = [path.join(dir, 'log/mail.log'), '--no-rotated', '--config', dir];
  const r = audit(mail);
  assert.equal(r.status, 0);
  assert.deepEqual(r.report?.jails.map((j) => [j.name, j.failures]), [['sshd', 0], ['sshd-journal', 0]]);
  // Not the broken disabled jail (unreadable, and no mail jail), not recidive.
  assert.equal(
    r.stderr,
    'banreplay: warning: the enabled jails (sshd, sshd-journal) found no failure in these logs; mail jails defined but ' +
      'not enabled: dovecot, postfix, postfix-sasl (replay them with --jail NAME, repeatable)\n',
  );
  assert.equal(audit([...mail, '--jail', 'sshd']).stderr, '');
  // Failures found: nothing to say, whatever is disabled.
  const auth = audit([path.join(dir, 'log/auth.log'), '--no-rotated', '--config', dir]);
  assert.equal(auth.report?.jails[0]?.failures, 9);
  assert.equal(auth.stderr, '');
  // `tune` says it too.
  const t = runCli(['tune', ...mail, ...NOW]);
  assert.equal(t.status, 0);
  assert.match(ours(t.stderr), /mail jails defined but not enabled: dovecot, postfix, postfix-sasl /);
});

test('a broken jail is an error only when selected, naming file, jail and option', () => {
  const r = runCli(['audit', '--config', FIXTURE, '--jail', 'broken-disabled', ...NOW]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^banreplay: \S*jail\.conf \[broken-disabled\] logpath: %\(undefined_path\)s refers to an option that is not defined/);
});

test('a missing filter names the jail, the file that set the filter option, and the option', () => {
  // The jail is defined in jail.conf; the broken value comes from the extra file.
  const extra = jailsFile('[dovecot]\nfilter = dovecot-nope\n');
  const r = runCli(['audit', '--config', FIXTURE, '--jails', extra, ...NOW]);
  assert.equal(r.status, 1);
  assert.ok(r.stderr.startsWith(`banreplay: ${extra} [dovecot] filter: jail dovecot, filter dovecot-nope: filter "dovecot-nope" not found`), r.stderr);
  const fromConf = runCli(['audit', '--config', FIXTURE, '--jail', 'dovecot', '--jails', jailsFile('[dovecot]\nmaxretry = 4\n'), ...NOW]);
  assert.equal(fromConf.status, 0, fromConf.stderr);
});

test('a filter that does not compile names the jail, the filter file, the option and the reason', () => {
  const dir = fixtureCopy();
  writeFileSync(path.join(dir, 'filter.d/sshd.local'), '[Definition]\nfailregex = ^Failed (password for <HOST>\n');
  const r = runCli(['audit', '--config', dir, ...NOW]);
  assert.equal(r.status, 1);
  const line = r.stderr.split('\n').find((l) => l.startsWith('banreplay: ') && !l.includes('warning'));
  assert.ok(line !== undefined, r.stderr);
  // The filter's file (compile errors name the filter's main file, not the .local that set the key).
  assert.ok(line.includes(path.join(dir, 'filter.d/sshd.')), line);
  assert.match(line, /\[Definition\] failregex: jail sshd, filter sshd\[mode=normal\]: .*(missing \)|unterminated|parenthes)/i);
});

test('only journal jails and no PATH: nothing to read', () => {
  const r = runCli(['audit', '--config', FIXTURE, '--jail', 'sshd-journal', ...NOW]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no jail left to replay: the selected jails read the systemd journal; give PATH/);
});

test('bantime.formula: the jail.conf example works, anything else is a clear "not supported"', () => {
  const example = 'ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)';
  const ok = audit(['--config', FIXTURE, '--jail', 'dovecot', '--jails', jailsFile(`[dovecot]\nbantime.formula = ${example}\n`)]);
  assert.equal(ok.status, 0, ok.stderr);
  const second = ok.report!.jails[0]!.bans[1]!;
  // 600 · e ≈ 1630.98 s after 08:01:00.
  assert.equal(second.start, '2026-02-10T08:01:00+00:00');
  assert.match(second.end ?? '', /^2026-02-10T08:28:10/);

  const extra = jailsFile('[dovecot]\nbantime.formula = ban.Time * os.getpid()\n');
  const bad = runCli(['audit', '--config', FIXTURE, '--jails', extra, ...NOW]);
  assert.equal(bad.status, 1);
  assert.ok(bad.stderr.includes(`${extra} [dovecot] bantime.formula: jail dovecot: name "os" is not supported; this formula is not supported (banreplay evaluates `), bad.stderr);
});

test('bantime.rndtime is reported and ignored; --dbpurgeage shortens the memory of bans', () => {
  const r = runCli(['audit', '--config', FIXTURE, '--jail', 'dovecot', '--jails', jailsFile('[dovecot]\nbantime.rndtime = 10m\n'), ...NOW, '--format', 'json']);
  assert.equal(r.status, 0);
  assert.equal(ours(r.stderr), 'banreplay: warning: bantime.rndtime is ignored, the replay stays deterministic: jail dovecot (600 s)\n');
  const report = JSON.parse(r.stdout) as JsonReport;
  assert.equal(report.jails[0]!.bans[1]!.end, '2026-02-10T08:21:00+00:00');

  // With a memory of one hour the first ban is forgotten by the next morning: no boost, no
  // longer ban, and the three failures are not enough.
  const short = audit(['--config', FIXTURE, '--jail', 'dovecot', '--dbpurgeage', '1h']);
  assert.equal(short.status, 0, short.stderr);
  assert.deepEqual(bans(short.report)['dovecot'], ['203.0.113.10 2026-02-09T09:01:20+00:00 2026-02-09T09:11:20+00:00']);
});

const F2B = process.env['BANREPLAY_F2B_DIR'];
const DEBIAN_CONF =
  F2B === undefined || F2B === ''
    ? undefined
    : [path.join(F2B, 'etc/fail2ban'), F2B].find((d) => existsSync(path.join(d, 'jail.conf')));
const DEBIAN_SKIP =
  F2B === undefined || F2B === ''
    ? 'BANREPLAY_F2B_DIR is not set (point it at an extracted fail2ban package to test Debian\'s /etc/fail2ban)'
    : DEBIAN_CONF === undefined
      ? `BANREPLAY_F2B_DIR=${F2B} holds no etc/fail2ban/jail.conf`
      : false;
if (DEBIAN_SKIP !== false) process.stdout.write(`# Debian configuration test skipped: ${DEBIAN_SKIP}\n`);

test('Debian\'s own /etc/fail2ban with a few jails enabled', { skip: DEBIAN_SKIP }, () => {
  const logs = path.join(FIXTURE, 'log');
  const extra = jailsFile(`[sshd]
enabled = true
logpath = ${logs}/auth.log

[dovecot]
enabled = true
logpath = ${logs}/mail.log
bantime.increment = true

[postfix-sasl]
enabled = true
logpath = ${logs}/mail.log

[recidive]
enabled = true
maxretry = 2
`);
  const r = audit(['--config', DEBIAN_CONF!, '--jails', extra]);
  // Notices about the stock filters (#5) may appear; nothing else.
  assert.doesNotMatch(r.stderr, /^banreplay: (?!warning: filter )/m);
  assert.equal(r.status, 0);
  assert.deepEqual(r.report!.files.map((f) => path.relative(logs, f.path)), ['mail.log.2.gz', 'mail.log.1', 'auth.log', 'mail.log']);
  // Debian's filters: no monitoring exception, no ignoreip for the office, no "aborted" rule.
  assert.deepEqual(bans(r.report), {
    sshd: ['203.0.113.30 2026-02-11T07:00:40+00:00 2026-02-11T07:10:40+00:00'],
    dovecot: [
      '203.0.113.10 2026-02-09T09:01:20+00:00 2026-02-09T09:11:20+00:00',
      '198.51.100.5 2026-02-09T10:02:00+00:00 2026-02-09T10:12:00+00:00',
      '203.0.113.10 2026-02-10T08:01:00+00:00 2026-02-10T08:21:00+00:00',
      '192.0.2.250 2026-02-11T09:30:40+00:00 2026-02-11T09:40:40+00:00',
    ],
    'postfix-sasl': ['203.0.113.20 2026-02-10T12:00:40+00:00 2026-02-10T12:10:40+00:00'],
    recidive: ['203.0.113.10 2026-02-10T08:01:00+00:00 2026-02-17T08:01:00+00:00'],
  });
});
