// `banreplay tune` end to end (issue 7): on samples/, the grid row equal to each jail's
// configured setting matches `audit` exactly (bans, banned addresses, blocked attempts), in
// every counting mode; the formats are complete; bad grids are usage errors (exit code 1).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/run-cli.js';

const FIXED = ['--now', '2026-01-15T14:33:00Z', '--timezone', 'UTC'];

interface AuditJson {
  jails: { name: string; failures: number; maxretry: number; findtime: number; bantime: number; bans: { ip: string; blocked: number }[] }[];
}
interface TuneJson {
  schema: number;
  command: string;
  jails: {
    name: string;
    failures: number;
    current: { maxretry: number; findtime: number; bantime: number; increment: boolean };
    settings: { maxretry: number; findtime: number; bantime: number; increment: boolean; current: boolean; addressesBanned: number; banEvents: number; blocked: number; recommended: boolean }[];
    recommended: { snippet: string } | null;
  }[];
}

function json<T>(args: string[]): T {
  const r = runCli(args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

const MODES: string[][] = [[], ['--counting', 'window'], ['--while-banned', 'count']];

for (const mode of MODES) {
  test(`the configured row of every jail matches audit exactly ${mode.join(' ') || '(defaults)'}`, () => {
    const audit = json<AuditJson>(['audit', 'samples/', ...FIXED, '--no-geoip', '--format', 'json', ...mode]);
    // postfix-rbl is configured with maxretry 1: put it in the grid so every jail has its row.
    const tune = json<TuneJson>(['tune', 'samples/', ...FIXED, '--maxretry', '1,3,5,10', '--format', 'json', ...mode]);
    assert.deepEqual(tune.jails.map((j) => j.name), audit.jails.map((j) => j.name));
    let bans = 0;
    audit.jails.forEach((a, i) => {
      const t = tune.jails[i]!;
      assert.deepEqual(t.current, { maxretry: a.maxretry, findtime: a.findtime, bantime: a.bantime, increment: false });
      assert.equal(t.failures, a.failures, `${a.name} failures`);
      assert.equal(t.settings.length, 4 * 3 * 4);
      const rows = t.settings.filter((s) => s.current);
      assert.equal(rows.length, 1, `${a.name}: one configured row`);
      const row = rows[0]!;
      assert.deepEqual(
        { addressesBanned: row.addressesBanned, banEvents: row.banEvents, blocked: row.blocked },
        {
          addressesBanned: new Set(a.bans.map((b) => b.ip)).size,
          banEvents: a.bans.length,
          blocked: a.bans.reduce((n, b) => n + b.blocked, 0),
        },
        a.name,
      );
      bans += a.bans.length;
      assert.equal(t.settings.filter((s) => s.recommended).length, 1);
      assert.match(t.recommended?.snippet ?? '', new RegExp(`^\\[${a.name}\\]\\nmaxretry = \\d+\\nfindtime = \\w+\\nbantime  = [\\w-]+\\n$`));
    });
    assert.ok(bans > 0, 'the samples ban something');
  });
}

test('table: every jail, the chart and a jail.local snippet', () => {
  const r = runCli(['tune', 'samples/', ...FIXED]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  for (const jail of ['dovecot', 'postfix', 'postfix-sasl', 'postfix-rbl']) {
    assert.match(r.stdout, new RegExp(`^Jail ${jail} `, 'm'));
    assert.match(r.stdout, new RegExp(`^ {4}\\[${jail}\\]$`, 'm'));
  }
  assert.equal((r.stdout.match(/Blocked share vs users hit/g) ?? []).length, 4);
  assert.match(r.stdout, /= 36 settings per jail/);
});

test('CSV: a header and one line per jail and setting', () => {
  const r = runCli(['tune', 'samples/', ...FIXED, '--format', 'csv']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1 + 4 * 36);
  assert.equal(lines[0]!.split(',').length, 25);
  for (const l of lines.slice(1)) assert.match(l, /^"(dovecot|postfix|postfix-sasl|postfix-rbl)",\d+,\d+,-?\d+,(true|false),fail2ban,/);
  assert.equal(lines.filter((l) => /,(true|false),true,(true|false),*$/.test(l)).length, 4, 'one recommended row per jail');
});

test('grid lists: repeated options, duplicates and permanent bans', () => {
  const t = json<{ grid: { maxretry: number[]; findtime: number[]; bantime: number[] } }>([
    'tune', 'samples/', ...FIXED, '--jail', 'dovecot', '--format', 'json',
    '--maxretry', '5,3', '--maxretry', '5', '--findtime', '600,10m', '--bantime=-1,1w',
  ]);
  assert.deepEqual(t.grid, { maxretry: [3, 5], findtime: [600], bantime: [604800, -1], increment: [false] });
});

test('--increment adds the bantime.increment rows', () => {
  const t = json<{ grid: { increment: boolean[] }; jails: { name: string; settings: { increment: boolean; current: boolean }[] }[] }>([
    'tune', 'samples/', ...FIXED, '--jail', 'dovecot', '--increment', '--maxretry', '5', '--format', 'json',
  ]);
  assert.deepEqual(t.grid.increment, [false, true]);
  const rows = t.jails[0]!.settings;
  assert.equal(rows.length, 3 * 4 * 2);
  assert.equal(rows.filter((r) => r.increment).length, 12);
  assert.deepEqual(rows.filter((r) => r.current).map((r) => r.increment), [false]);
});

test('a jail configured with bantime.increment has its row among the increment rows; recidive is not tuned', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'banreplay-tune-'));
  try {
    const local = path.join(dir, 'jail.local');
    writeFileSync(local, '[recidive]\nenabled = true\nfilter = recidive\n\n[dovecot]\nbantime.increment = true\n');
    const r = runCli(['tune', 'samples/', ...FIXED, '--jails', local, '--jail', 'dovecot', '--jail', 'recidive', '--increment', '--maxretry', '5', '--findtime', '10m', '--bantime', '10m', '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: jail recidive is fed the other jails' bans, not log lines: not tuned/);
    const t = JSON.parse(r.stdout) as TuneJson;
    assert.deepEqual(t.jails.map((j) => j.name), ['dovecot']);
    assert.equal(t.jails[0]!.current.increment, true);
    assert.deepEqual(t.jails[0]!.settings.filter((s) => s.current).map((s) => s.increment), [true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const BAD: [string[], RegExp][] = [
  [['--maxretry', '3,,5'], /--maxretry: empty value in "3,,5"/],
  [['--maxretry', '2.5'], /--maxretry: "2.5" is not a non-negative integer/],
  [['--findtime', '0'], /--findtime: "0" must be a positive time/],
  [['--bantime', '1h,-5'], /--bantime: "-5" must be a positive time or -1/],
  [['--bantime', '10 parsecs'], /invalid time value "10 parsecs"/],
  [['--maxretry', '1,2,3,4,5,6,7,8,9,10,11', '--findtime', '1,2,3,4,5,6,7,8,9,10', '--bantime', '1,2,3,4,5,6,7,8,9,10'], /1100 settings per jail; at most 1000/],
  [['--counting', 'window', '--maxretry', '5000'], /window counting supports values up to 4096/],
  [['--maxretry', '1,2,3,4,5,6,7,8,9,10', '--findtime', '1,2,3,4,5,6', '--bantime', '1,2,3,4,5,6,7,8,9,10', '--increment'], /1200 settings per jail/],
];

for (const [args, message] of BAD) {
  test(`usage error, nothing read: ${args.join(' ')}`, () => {
    const r = runCli(['tune', 'test/snapshots/inputs/does-not-exist.log', ...args]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /does-not-exist/, 'the grid is checked before any input');
  });
}

test('a missing input is exit code 2 with the grid still printed', () => {
  const r = runCli(['tune', 'test/snapshots/inputs/does-not-exist.log', 'test/snapshots/inputs/plain-named.gz', '--jail', 'dovecot', '--maxretry', '5']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /does-not-exist\.log/);
  assert.match(r.stdout, /^Jail dovecot /m);
});
