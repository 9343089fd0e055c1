// Differential test (issue 3): generated rotated corpora replayed by banreplay and by fail2ban's
// own Python engine (f2b_replay.py: the package's Filter, FailManager, Actions, BanManager,
// observer and database, driven in log time) must give the identical ban list: same jails,
// addresses, starts, ends and failure counts. banreplay runs with --while-banned count,
// because fail2ban counts failures during a ban. Needs BANREPLAY_F2B_DIR (an extracted fail2ban
// package, or its etc/fail2ban) and python3; skipped with the reason otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT, runCli } from '../support/run-cli.js';
import { writeBurstCorpus } from './make-bursts.js';

const DRIVER = path.join(ROOT, 'test/differential/f2b_replay.py');
const MAKE_SAMPLES = fileURLToPath(new URL('../../bench/make-samples.js', import.meta.url));
const PY_MODULES = 'usr/lib/python3/dist-packages';
// The story of bench/make-samples.ts ends here; bench/make-samples.ts prints it.
const SAMPLES_NOW = '2026-01-15T14:33:00Z';
const BURSTS_NOW = '2026-03-12T00:00:00Z';

interface Env {
  root: string;
  python: string;
}

/** The extracted fail2ban package and a python3 that can run it, or why the test cannot run. */
function locate(): Env | string {
  const dir = process.env['BANREPLAY_F2B_DIR'];
  if (dir === undefined || dir === '') {
    return 'BANREPLAY_F2B_DIR is not set (point it at an extracted fail2ban package: apt-get download fail2ban && dpkg -x fail2ban_*.deb DIR)';
  }
  const root = [dir, path.resolve(dir, '../..')].find((r) => existsSync(path.join(r, PY_MODULES, 'fail2ban/server/filter.py')));
  if (root === undefined) return `BANREPLAY_F2B_DIR=${dir} holds no ${PY_MODULES}/fail2ban`;
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const probe = spawnSync(python, ['-c', 'import sqlite3'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${python} with sqlite3 is not available (${probe.error?.message ?? probe.stderr.trim()})`;
  return { root, python };
}

const found = locate();
const SKIP = typeof found === 'string' ? found : false;
if (SKIP !== false) process.stdout.write(`# differential test skipped: ${SKIP}\n`);

interface Ban {
  jail: string;
  ip: string;
  start: number;
  end: number | null;
  failures: number;
}

let work = '';
before(() => {
  if (SKIP !== false) return;
  work = mkdtempSync(path.join(tmpdir(), 'banreplay-diff-'));
});
after(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

/** Writes `text` to a file in the work directory and returns its path. */
function file(name: string, text: string): string {
  const p = path.join(work, name);
  writeFileSync(p, text);
  return p;
}

function samplesCorpus(): string[] {
  const dir = path.join(work, 'samples');
  const r = spawnSync(process.execPath, [MAKE_SAMPLES, '--out', dir, '--scale', '2', '--seed', 'differential', '--history-weeks', '1'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return ['maillog.4.gz', 'maillog.3.gz', 'maillog.2.gz', 'maillog.1', 'maillog'].map((f) => path.join(dir, f));
}

function burstCorpus(): string[] {
  const dir = path.join(work, 'bursts');
  mkdirSync(dir, { recursive: true });
  assert.ok(writeBurstCorpus(dir, 'differential') > 1000);
  return ['mail.log.2.gz', 'mail.log.1', 'mail.log'].map((f) => path.join(dir, f));
}

const TWO_JAILS = ['dovecot', 'postfix-sasl'];
const MAIL_JAILS = ['dovecot', 'postfix', 'postfix-sasl', 'postfix-rbl'];
const jailArgs = (names: string[]): string[] => names.flatMap((n) => ['--jail', n]);

function fail2banBans(env: Env, config: string, jailsFile: string, now: string, files: string[], jails: string[]): Ban[] {
  const r = spawnSync(
    env.python,
    [DRIVER, '--config', config, '--jails', jailsFile, ...jailArgs(jails), '--now', now, ...files],
    {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', PYTHONPATH: path.join(env.root, PY_MODULES), PYTHONDONTWRITEBYTECODE: '1' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    },
  );
  assert.equal(r.status, 0, `f2b_replay.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { bans: Ban[] }).bans;
}

function banreplayBans(config: string, jailsFile: string, now: string, files: string[], jails: string[], extra: string[] = []): Ban[] {
  const r = runCli([
    'audit', ...files, '--config', config, '--jails', jailsFile, ...jailArgs(jails),
    '--while-banned', 'count', '--now', now, '--timezone', 'UTC', '--no-geoip', '--format', 'json', ...extra,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    jails: { name: string; bans: { ip: string; start: string; end: string | null; failures: number }[] }[];
  };
  const sec = (iso: string): number => Date.parse(iso) / 1000;
  return report.jails.flatMap((j) =>
    j.bans.map((b) => ({ jail: j.name, ip: b.ip, start: sec(b.start), end: b.end === null ? null : sec(b.end), failures: b.failures })),
  );
}

function compare(env: Env, config: string, jailsFile: string, now: string, files: string[], jails: string[], minBans: number): Ban[] {
  const want = fail2banBans(env, config, jailsFile, now, files, jails);
  const got = banreplayBans(config, jailsFile, now, files, jails);
  assert.ok(want.length >= minBans, `fail2ban banned only ${want.length} times; the corpus should exercise more`);
  assert.deepEqual(got, want);
  return got;
}

const PLAIN = '[DEFAULT]\nusedns = no\n';
const INCREMENT = `[DEFAULT]
usedns = no
maxretry = 3
bantime.increment = true
bantime.overalljails = true
`;

test('samples corpus, banreplay filters: identical bans', { skip: SKIP }, () => {
  const env = found as Env;
  compare(env, path.join(ROOT, 'filters'), file('plain.local', PLAIN), SAMPLES_NOW, samplesCorpus(), MAIL_JAILS, 50);
});

test('samples corpus, fail2ban\'s own /etc/fail2ban: identical bans', { skip: SKIP }, () => {
  const env = found as Env;
  // --jail selects them whether enabled or not, in both tools.
  compare(env, path.join(env.root, 'etc/fail2ban'), file('debian.local', PLAIN), SAMPLES_NOW, samplesCorpus(), MAIL_JAILS, 50);
});

test('repeat offenders with bantime.increment and overalljails: identical bans', { skip: SKIP }, () => {
  const env = found as Env;
  const files = burstCorpus();
  const jails = file('increment.local', INCREMENT);
  const got = compare(env, path.join(ROOT, 'filters'), jails, BURSTS_NOW, files, TWO_JAILS, 30);
  // The corpus really exercises the increment: without it the bans differ.
  const noinc = file('noinc.local', INCREMENT.replace('= true\nbantime.over', '= false\nbantime.over'));
  const plain = banreplayBans(path.join(ROOT, 'filters'), noinc, BURSTS_NOW, files, TWO_JAILS);
  assert.notDeepEqual(plain, got);
});

test('increment with multipliers, maxtime and a short dbpurgeage: identical bans', { skip: SKIP }, () => {
  const env = found as Env;
  const files = burstCorpus();
  // A configuration directory of our filters whose fail2ban.local shortens the ban memory.
  const config = path.join(work, 'conf-purge');
  cpSync(path.join(ROOT, 'filters'), config, { recursive: true });
  writeFileSync(path.join(config, 'fail2ban.local'), '[Definition]\ndbpurgeage = 3h\n');
  const jails = file(
    'multipliers.local',
    `[DEFAULT]\nusedns = no\nmaxretry = 4\nbantime = 5m\nbantime.increment = true\nbantime.multipliers = 1 2 4 8 16\nbantime.maxtime = 1h\n`,
  );
  const got = compare(env, config, jails, BURSTS_NOW, files, TWO_JAILS, 30);
  // The memory fades: with the default day it would have remembered more.
  const longer = banreplayBans(config, jails, BURSTS_NOW, files, TWO_JAILS, ['--dbpurgeage', '1d']);
  assert.notDeepEqual(longer, got);
});
