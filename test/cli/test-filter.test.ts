// `banreplay test-filter` end to end: committed counts on samples/ (always), the same counts
// from the real fail2ban-regex when BANREPLAY_F2B_DIR points to an extracted fail2ban package
// root (the output of `dpkg -x fail2ban_*.deb DIR`), NDJSON records, stdin, gzip and errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ROOT, runCli } from '../support/run-cli.js';

/** Counts as fail2ban-regex reports them. */
interface Counts {
  lines: number;
  ignored: number;
  matched: number;
  missed: number;
  prefregex: number | null;
  failregex: number[];
  ignoreregex: number[];
}

interface Case {
  /** FILTER argument, plus an optional IGNOREREGEX. */
  args: string[];
  /** Log given to banreplay (relative to the repo); fail2ban-regex gets it decompressed. */
  log: 'samples/maillog' | 'samples/maillog --no-rotated';
  expected: Counts;
}

// Cross-checked with fail2ban-regex 1.0.2 (-c filters/ --usedns no) on the decompressed files.
const CASES: Case[] = [
  {
    args: ['dovecot'],
    log: 'samples/maillog',
    expected: { lines: 5673, ignored: 0, matched: 204, missed: 5469, prefregex: 5673, failregex: [0, 204, 0], ignoreregex: [] },
  },
  {
    args: ['postfix[mode=auth]'],
    log: 'samples/maillog',
    expected: { lines: 5673, ignored: 0, matched: 148, missed: 5525, prefregex: 148, failregex: [148], ignoreregex: [] },
  },
  {
    args: ['postfix[mode=more]'],
    log: 'samples/maillog',
    expected: { lines: 5673, ignored: 0, matched: 145, missed: 5528, prefregex: 145, failregex: [128, 17], ignoreregex: [] },
  },
  {
    // A raw regex and an IGNOREREGEX: fail2ban-regex's ignored lines.
    args: ['(?:rip=|\\[)<HOST>[,\\]]', 'Login:'],
    log: 'samples/maillog --no-rotated',
    expected: { lines: 1292, ignored: 111, matched: 744, missed: 437, prefregex: null, failregex: [744], ignoreregex: [111] },
  },
];

function banreplayCounts(c: Case): Counts {
  const [log, ...logOpts] = c.log.split(' ');
  const r = runCli(['test-filter', log!, ...c.args, ...logOpts, '--format', 'json', '--now', '2026-01-15T14:33:00Z', '--timezone', 'UTC']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    lines: { tested: number; ignored: number; matched: number; missed: number };
    prefregex: { hits: number } | null;
    failregex: { hits: number }[];
    ignoreregex: { hits: number }[];
  };
  return {
    lines: doc.lines.tested,
    ignored: doc.lines.ignored,
    matched: doc.lines.matched,
    missed: doc.lines.missed,
    prefregex: doc.prefregex?.hits ?? null,
    failregex: doc.failregex.map((x) => x.hits),
    ignoreregex: doc.ignoreregex.map((x) => x.hits),
  };
}

for (const c of CASES) {
  test(`test-filter ${c.log} ${c.args.join(' ')}: committed fail2ban-regex counts`, () => {
    assert.deepEqual(banreplayCounts(c), c.expected);
  });
}

// Reads fail2ban-regex's text report (client/fail2banregex.py printStats).
function parseFail2banRegex(out: string, failregexes: number, ignoreregexes: number): Counts {
  const lines = /^Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed/m.exec(out);
  assert.ok(lines, `no "Lines:" in fail2ban-regex output:\n${out}`);
  const section = (title: string, next: string): number[] => {
    const start = out.indexOf(`\n${title}: `);
    const end = out.indexOf(`\n${next}`, start + 1);
    assert.ok(start >= 0 && end > start, `no ${title} section in fail2ban-regex output`);
    const hits = new Array<number>(title === 'Failregex' ? failregexes : ignoreregexes).fill(0);
    for (const m of out.slice(start, end).matchAll(/^\|\s+(\d+)\) \[(\d+)\]/gm)) hits[Number(m[1]) - 1] = Number(m[2]);
    return hits;
  };
  const pref = /^Prefregex: (\d+) total/m.exec(out);
  return {
    lines: Number(lines[1]),
    ignored: Number(lines[2]),
    matched: Number(lines[3]),
    missed: Number(lines[4]),
    prefregex: pref === null ? null : Number(pref[1]),
    failregex: section('Failregex', 'Ignoreregex:'),
    ignoreregex: section('Ignoreregex', 'Date template hits:'),
  };
}

const F2B_DIR = process.env['BANREPLAY_F2B_DIR'];
const F2B_SKIP = F2B_DIR === undefined || F2B_DIR === ''
  ? 'BANREPLAY_F2B_DIR is not set: set it to an extracted fail2ban package root (with usr/bin/fail2ban-regex) to compare with the real fail2ban-regex'
  : false;
if (F2B_SKIP !== false) console.log(`# test-filter vs fail2ban-regex skipped: ${F2B_SKIP}`);

test('test-filter agrees with the real fail2ban-regex on samples/', { skip: F2B_SKIP }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'banreplay-f2b-'));
  try {
    // fail2ban-regex reads one file and no gzip: give it the rotated set decompressed.
    const files = ['maillog.3.gz', 'maillog.2.gz', 'maillog.1', 'maillog'];
    const all = Buffer.concat(files.map((f) => {
      const raw = readFileSync(path.join(ROOT, 'samples', f));
      return f.endsWith('.gz') ? gunzipSync(raw) : raw;
    }));
    writeFileSync(path.join(dir, 'all.log'), all);
    writeFileSync(path.join(dir, 'maillog'), readFileSync(path.join(ROOT, 'samples/maillog')));
    for (const c of CASES) {
      const log = path.join(dir, c.log === 'samples/maillog' ? 'all.log' : 'maillog');
      const r = spawnSync('python3', [
        path.join(F2B_DIR!, 'usr/bin/fail2ban-regex'), '-c', path.join(ROOT, 'filters'), '--usedns', 'no', log, ...c.args,
      ], {
        env: { PATH: process.env['PATH'] ?? '', TZ: 'UTC', PYTHONPATH: path.join(F2B_DIR!, 'usr/lib/python3/dist-packages') },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      });
      assert.equal(r.status, 0, `fail2ban-regex failed: ${r.error?.message ?? r.stderr}`);
      const ours = banreplayCounts(c);
      const theirs = parseFail2banRegex(r.stdout, ours.failregex.length, ours.ignoreregex.length);
      assert.deepEqual(ours, theirs, `${c.args.join(' ')}: banreplay vs fail2ban-regex`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ndjson: one record per failure with the 1-based line of the decompressed input; stdin = gzip file', () => {
  const args = ['postfix[mode=auth]', '--format', 'ndjson', '--timezone', 'UTC', '--now', '2026-01-15T14:33:00Z'];
  const gz = runCli(['test-filter', 'samples/maillog.2.gz', ...args, '--no-rotated']);
  assert.equal(gz.status, 0, gz.stderr);
  const text = gunzipSync(readFileSync(path.join(ROOT, 'samples/maillog.2.gz'))).toString('utf8').split('\n');
  const records = gz.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(records.length, 15);
  for (const rec of records) {
    assert.deepEqual(Object.keys(rec).slice(0, 4), ['line', 'ip', 'time', 'user']);
    const line = text[(rec['line'] as number) - 1] ?? '';
    assert.ok(line.includes(`[${String(rec['ip'])}]`) && line.includes('SASL'), `line ${String(rec['line'])}: ${line}`);
    assert.match(String(rec['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    assert.equal(line.slice(0, 19), String(rec['time']).slice(0, 19), 'the time is the stamp of that line');
  }
  const stdin = runCli(['test-filter', '-', ...args], { stdin: readFileSync(path.join(ROOT, 'samples/maillog.2.gz')) });
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.equal(stdin.stdout, gz.stdout.replaceAll('"file":"samples/maillog.2.gz"', '"file":"-"'));
});

test('ndjson: --timezone sets the offset of year-less stamps and of the output; --now sets the year', () => {
  const input = Buffer.from('# comment\nMar  3 09:00:10 mx postfix/smtpd[1]: warning: unknown[198.51.100.23]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=eve\n');
  const r = runCli(['test-filter', '-', 'postfix[mode=auth]', '-f', 'ndjson', '--now', '2026-01-15', '--tz', 'Europe/Berlin'], { stdin: input });
  assert.equal(r.status, 0, r.stderr);
  // March 3 would be after --now + 1 day in 2026, so it is March 3 of 2025.
  assert.deepEqual(JSON.parse(r.stdout), {
    line: 2, ip: '198.51.100.23', time: '2025-03-03T09:00:10+01:00', user: 'eve', id: '198.51.100.23', file: '-', regexes: [1],
  });
});

test('errors: an unknown filter name is a usage error (1), a missing log an input problem (2)', () => {
  const unknown = runCli(['test-filter', 'samples/maillog', 'dovecott']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^banreplay: filter "dovecott" not found \(looked for dovecott\.conf/);
  assert.equal(unknown.stdout, '');
  const missing = runCli(['test-filter', 'test/snapshots/inputs/does-not-exist.log', 'dovecot']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /does-not-exist\.log: /);
  assert.match(missing.stdout, /^Lines: 0 lines, 0 ignored, 0 matched, 0 missed$/m);
});

test('FILTER as a path to a .conf with parameters, or a name under --config DIR/filter.d, reads the same filter', () => {
  const count = (args: string[]): string => {
    const r = runCli(['test-filter', 'samples/maillog.2.gz', '--no-rotated', ...args, '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { lines: unknown; failregex: unknown; filter: { kind: string } };
    return `${doc.filter.kind} ${JSON.stringify([doc.lines, doc.failregex])}`;
  };
  const byName = count(['postfix[mode=auth]']);
  assert.match(byName, /^name /);
  assert.equal(count(['filters/filter.d/postfix.conf[mode=auth]']), byName.replace(/^name/, 'file'));
  assert.equal(count(['postfix[mode=auth]', '--config', 'filters']), byName);
  assert.equal(count(['postfix[mode=auth]', '--config', 'filters/filter.d']), byName);
  assert.notEqual(count(['filters/filter.d/postfix.conf']), byName.replace(/^name/, 'file'), 'parameters are applied');
});
