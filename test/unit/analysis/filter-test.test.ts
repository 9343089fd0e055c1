// Tests for test-filter's counting core. Expected values follow fail2ban-regex 1.0.2's
// definitions (client/fail2banregex.py, semantics §8) and were cross-checked by running it
// on the same lines and regexes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createFilterTest, createLineEvaluator, type FilterTestOptions, type FilterTestResult,
} from '../../../src/analysis/filter-test.js';
import { compileFilter, type CompiledFilter } from '../../../src/filter/compile-filter.js';
import { matchLine } from '../../../src/filter/match-line.js';
import { createDateDetector } from '../../../src/time/date-detector.js';
import { parseZone } from '../../../src/time/zone.js';
import type { FilterDefinition } from '../../../src/types.js';

const UTC = parseZone('UTC');
const REF = Date.UTC(2026, 0, 15, 12, 0, 0);

function filter(over: Partial<FilterDefinition>): CompiledFilter {
  return compileFilter({
    name: 't', file: 'filter.d/t.conf', prefregex: undefined, failregex: [], ignoreregex: [],
    successregex: [], datepattern: undefined, maxlines: 1, usedns: 'no', options: {}, ...over,
  });
}

function run(cf: CompiledFilter, lines: string[], over: Partial<FilterTestOptions> = {}): FilterTestResult {
  const t = createFilterTest({
    filter: cf,
    detector: createDateDetector(undefined, UTC),
    collectFailures: true,
    collectIds: true,
    keep: { matched: Infinity, missed: Infinity, ignored: Infinity },
    ...over,
  });
  t.beginFile(0, REF);
  lines.forEach((l, i) => t.onLine(l, i + 1));
  return t.result();
}

const SSHISH = String.raw`svc\[\d+\]: (?:<F-NOFAIL>Accepted</F-NOFAIL>|Failed) password for <F-USER>\S+</F-USER> from <HOST>`;

test('comments and empty lines are skipped, not counted; the rest is matched, missed or ignored', () => {
  const cf = filter({ failregex: [SSHISH], ignoreregex: ['for eve'] });
  const r = run(cf, [
    '# a comment',
    'Jan  2 03:04:05 h svc[1]: Failed password for bob from 192.0.2.1 port 22',
    '',
    'Jan  2 03:04:06 h svc[1]: Accepted password for bob from 192.0.2.1 port 22',
    'Jan  2 03:04:07 h svc[1]: nothing here',
    'Jan  2 03:04:08 h svc[1]: Failed password for eve from 192.0.2.9 port 22',
    ' # not a comment: the # is not first',
  ]);
  // fail2ban-regex on the same input: "Lines: 4 lines, 2 ignored, 1 matched, 1 missed" (+1 here).
  assert.deepEqual(
    [r.tested, r.skipped, r.ignored, r.matched, r.missed],
    [5, 2, 2, 1, 2],
  );
  // The F-NOFAIL match still counts as a hit of its regex; the ignored one does not.
  assert.deepEqual(r.failregex, [2]);
  assert.deepEqual(r.ignoreregex, [1]);
  assert.deepEqual(r.ignoredLines.map((k) => k.line), [4, 6]);
  assert.deepEqual(r.missedLines.map((k) => k.line), [5, 7]);
  assert.deepEqual(r.matchedLines.map((k) => k.line), [2]);
  assert.deepEqual(r.failures, [{
    file: 0, line: 2, id: '192.0.2.1', ip: '192.0.2.1', time: Date.UTC(2026, 0, 2, 3, 4, 5), user: 'bob', regexes: [0],
  }]);
  // -v lists every id a regex produced, the F-NOFAIL one included.
  assert.deepEqual(r.ids[0]!.map((h) => h.id), ['192.0.2.1', '192.0.2.1']);
});

test('check-all mode: every failregex that matches a line counts, and the line is one match', () => {
  const cf = filter({ failregex: [String.raw`from <HOST>`, String.raw`Failed password for \S+ from <HOST>`, 'never <HOST>'] });
  const r = run(cf, ['Jan  2 03:04:05 h svc[1]: Failed password for bob from 192.0.2.1 port 22']);
  assert.deepEqual(r.failregex, [1, 1, 0]);
  assert.equal(r.matched, 1);
  assert.deepEqual(r.failures[0]?.regexes, [0, 1]);
  assert.equal(r.ids[0]?.[0]?.multiple, true);
});

test('ignoreregex hits count once per failregex they cancel; the early check once per line', () => {
  const line = 'Jan  2 03:04:05 h svc[1]: Failed password for bob from 192.0.2.1 port 22';
  // Two failregexes match, one ignoreregex: fail2ban-regex reports [2] for it.
  const late = filter({ failregex: ['from <HOST>', 'for bob from <HOST>'], ignoreregex: ['bob', 'nomatch'] });
  const a = run(late, [line]);
  assert.deepEqual([a.ignored, a.matched], [1, 0]);
  assert.deepEqual(a.ignoreregex, [2, 0]);
  assert.deepEqual(a.failregex, [0, 0], 'an ignored match is no hit');
  // Four failregexes and one ignoreregex: the early check runs on every line, matched or not.
  const early = filter({ failregex: ['from <HOST>', 'x <HOST>', 'y <HOST>', 'z <HOST>'], ignoreregex: ['svc'] });
  assert.equal(early.earlyIgnore, true);
  const b = run(early, [line, 'Jan  2 03:04:06 h svc[1]: unrelated']);
  assert.deepEqual([b.ignored, b.matched, b.missed], [2, 0, 0]);
  assert.deepEqual(b.ignoreregex, [2]);
});

test('with a prefregex, ignoreregexes and failregexes see its content', () => {
  const cf = filter({
    prefregex: String.raw`^\s*\S+ svc\[\d+\]: <F-CONTENT>.+</F-CONTENT>$`,
    failregex: ['^Failed password for \\S+ from <HOST>', '^Failed .* from <HOST>'],
    ignoreregex: ['^Failed password for eve'],
  });
  const r = run(cf, [
    'Jan  2 03:04:05 h svc[1]: Failed password for eve from 192.0.2.9 port 22',
    'Jan  2 03:04:06 h svc[1]: Failed password for bob from 192.0.2.1 port 22',
    'Jan  2 03:04:07 h other[1]: Failed password for bob from 192.0.2.1 port 22',
  ]);
  assert.equal(r.prefregex, 2);
  assert.deepEqual([r.ignored, r.matched, r.missed], [1, 1, 1]);
  assert.deepEqual(r.ignoreregex, [2], 'both failregexes match the content of line 1');
  assert.deepEqual(r.failregex, [1, 1]);
});

test('date templates are counted on every tested line; times and the previous-time rule', () => {
  const cf = filter({ failregex: ['from <HOST>'] });
  const r = run(cf, [
    '2026-01-02T03:04:05+01:00 h svc: Failed from 192.0.2.1',
    'Jan  2 03:04:06 h svc: nothing',
    'no date at all, Failed from 192.0.2.2',
    'Feb 29 10:00:00 h svc: Failed from 192.0.2.3',
  ]);
  assert.equal(r.templates.reduce((a, b) => a + b, 0), 3, 'three lines carry a date');
  assert.equal(r.templates.filter((n) => n > 0).length, 2, 'ISO and syslog');
  assert.equal(r.matched, 3);
  const times = r.failures.map((f) => f.time);
  assert.equal(times[0], Date.UTC(2026, 0, 2, 2, 4, 5));
  // No date found: still a match (fail2ban-regex keeps it), but without a time.
  assert.equal(times[1], undefined);
  assert.equal(r.noTime, 1);
  // Feb 29 of 2026 does not exist: the stamp is cut out and the previous time is used.
  assert.equal(times[2], Date.UTC(2026, 0, 2, 3, 4, 6));
});

test('the line number is the physical line in the input; beginFile resets the file and the time', () => {
  const cf = filter({ failregex: ['from <HOST>'] });
  const t = createFilterTest({
    filter: cf, detector: createDateDetector(undefined, UTC), collectFailures: true, collectIds: false,
    keep: { matched: 0, missed: 1, ignored: 0 },
  });
  t.beginFile(0, REF);
  t.onLine('Jan  2 03:04:05 h svc: Failed from 192.0.2.1', 1);
  t.onLine('# skipped', 2);
  t.onLine('Jan  2 03:04:05 h svc: Failed from 192.0.2.2', 3);
  t.beginFile(1, REF);
  t.onLine('Feb 29 10:00:00 h svc: Failed from 192.0.2.3', 1);
  t.onLine('missed 1', 2);
  t.onLine('missed 2', 3);
  const r = t.result();
  assert.deepEqual(r.failures.map((f) => [f.file, f.line]), [[0, 1], [0, 3], [1, 1]]);
  assert.equal(r.failures[2]?.time, undefined, 'no earlier time in the new file');
  assert.deepEqual(r.missedLines, [{ file: 1, line: 2, text: 'missed 1' }], 'keep limit honoured');
  assert.equal(r.missed, 2);
  assert.deepEqual(r.ids, [[]], 'ids only when asked');
});

test('successregex lines are tallied apart and stay missed', () => {
  const cf = filter({ failregex: ['Failed from <HOST>'], successregex: ['Login: user=<F-USER>\\S+</F-USER> from <HOST>'] });
  const r = run(cf, ['Jan  2 03:04:05 h svc: Login: user=bob from 192.0.2.1']);
  assert.deepEqual([r.matched, r.missed], [0, 1]);
  assert.deepEqual(r.successregex, [1]);
});

test('a single-line filter is judged by matchLine in check-all mode; the pre-check never changes a count', () => {
  const cf = filter({ failregex: ['from <HOST>', 'for <F-USER>\\S+</F-USER> from <HOST>'] });
  const text = ' h svc[1]: Failed password for bob from 192.0.2.1 port 22';
  const m = matchLine(cf, text, 'all');
  assert.equal(m.status, 'failure');
  assert.deepEqual(createLineEvaluator(cf)(text, undefined), { kind: 'hits', hits: m.status === 'failure' ? m.hits : [] });
  const lines = [
    'Jan  2 03:04:05 h svc[1]: Failed password for bob from 192.0.2.1 port 22',
    'Jan  2 03:04:06 h svc[1]: nothing',
    'Jan  2 03:04:07 h svc[1]: from nowhere',
  ];
  const withPrecheck = run(cf, lines);
  const without = run({ ...cf, precheck: undefined }, lines);
  assert.deepEqual(withPrecheck, without);
});
