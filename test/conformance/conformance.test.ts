// The conformance runner on a miniature fail2ban package tree written here (no network):
// scoring, the regex-coverage rule, the table, and the exit code policy (mail+sshd
// targets must be clean; --all: every filter).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { main, TARGET_FILTERS } from './conformance.js';
import { cacheRoot } from './fetch-fail2ban.js';
import { scoreFilter } from './score-filter.js';

const root = mkdtempSync(path.join(tmpdir(), 'banreplay-conformance-'));
after(() => rmSync(root, { recursive: true, force: true }));

const filterDir = path.join(root, 'etc/fail2ban/filter.d');
const logsDir = path.join(root, 'usr/lib/python3/dist-packages/fail2ban/tests/files/logs');
mkdirSync(filterDir, { recursive: true });
mkdirSync(logsDir, { recursive: true });

// `sieve` is one of the targets; `widget` is not. Both filters are written for this test.
writeFileSync(path.join(filterDir, 'sieve.conf'), String.raw`[Definition]
failregex = ^\s*\S+ sieved: bad login from <HOST>$
            ^\s*\S+ sieved: bad user <F-USER>\S+</F-USER> from <HOST>$
`);
writeFileSync(path.join(logsDir, 'sieve'), [
  '# failJSON: { "time": "2005-03-04T10:11:12", "match": true, "host": "192.0.2.1" }',
  'Mar  4 10:11:12 mx sieved: bad login from 192.0.2.1',
  '# failJSON: { "time": "2005-03-04T10:11:13", "match": true, "host": "2001:DB8::1", "user": "ann" }',
  'Mar  4 10:11:13 mx sieved: bad user ann from 2001:db8::1',
  '# failJSON: { "match": false }',
  'Mar  4 10:11:14 mx sieved: good login from 192.0.2.1',
  '',
].join('\n'));
writeFileSync(path.join(filterDir, 'widget.conf'), String.raw`[Definition]
failregex = ^\s*\S+ widget: denied <HOST>$
            ^\s*\S+ widget: never seen <HOST>$
`);
writeFileSync(path.join(logsDir, 'widget'), [
  '# failJSON: { "time": "2005-03-04T10:11:12", "match": true, "host": "192.0.2.9" }',
  'Mar  4 10:11:12 mx widget: denied 192.0.2.8',
  '',
].join('\n'));
writeFileSync(path.join(filterDir, 'common.conf'), '[DEFAULT]\n');

function run(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(['--f2b-root', root, ...args], {}, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('scoreFilter: passes, wrong hosts and regexes without sample', () => {
  const ok = scoreFilter('sieve', filterDir, logsDir, { suiteDns: true });
  assert.deepEqual([ok.pass, ok.total, ok.unused, ok.error], [3, 3, [], undefined]);
  const bad = scoreFilter('widget', filterDir, logsDir, { suiteDns: true });
  assert.equal(bad.pass, 0);
  assert.equal(bad.total, 1);
  assert.match(bad.failures[0]!, /^widget:2 widget: host: expected "192.0.2.9", got "192.0.2.8"/);
  assert.deepEqual(bad.unused, ['widget: failregex 1 has no sample']);
  assert.equal(scoreFilter('nolog', filterDir, logsDir).error, 'no sample log');
});

test('the targets decide the exit code; --all takes every filter', () => {
  const r = run(['--filter', 'sieve', '--filter', 'widget']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\* sieve +3\/3 +100\.0$/m);
  assert.match(r.out, /^ {2}widget +0\/1 +0\.0 +1 failregex\(es\) without sample$/m);
  assert.match(r.out, /^overall +3\/4 +75\.0 +1\/2 filters clean$/m);
  assert.match(r.out, /widget:2 widget: host: expected/);
  const all = run(['--filter', 'sieve', '--filter', 'widget', '--all']);
  assert.equal(all.code, 1);
  assert.match(all.err, /below 100 %: widget/);
  // Without --filter every target is required: the missing ones fail the run.
  const full = run([]);
  assert.equal(full.code, 1);
  assert.match(full.err, /dovecot \(missing\)/);
  assert.ok(!full.out.includes('common'), 'common.conf files are not filters');
  assert.equal(TARGET_FILTERS.length, 12);
});

test('usage errors and the cache location', () => {
  assert.equal(run(['--nope']).code, 1);
  assert.equal(run(['--help']).code, 0);
  assert.equal(main(['--f2b-root', path.join(root, 'missing')], {}, () => {}, () => {}), 2);
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/x/cache', HOME: '/h' }), '/x/cache/banreplay');
  assert.equal(cacheRoot({ HOME: '/h' }), '/h/.cache/banreplay');
});
