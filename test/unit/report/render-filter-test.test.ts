// Tests for the test-filter renderers: fail2ban-regex's layout, list thresholds, the NDJSON
// record, and hostile log text in every format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chalk } from 'chalk';
import type { FilterTestReport, FilterTestResult } from '../../../src/analysis/filter-test.js';
import {
  LIST_LIMIT, renderFilterTestJson, renderFilterTestNdjson, renderFilterTestText,
} from '../../../src/report/render-filter-test.js';

const HOSTILE = 'eve\u001b[31m\u009b2J\r\u2028\u202egnp.exe';
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');

function result(over: Partial<FilterTestResult> = {}): FilterTestResult {
  return {
    tested: 4, skipped: 1, matched: 2, missed: 1, ignored: 1, noTime: 0, prefregex: 3,
    failregex: [2, 0], ignoreregex: [1], successregex: [], templates: [4, 0],
    failures: [
      { file: 0, line: 2, id: '192.0.2.1', ip: '192.0.2.1', time: T0, user: HOSTILE, regexes: [0] },
      { file: 0, line: 5, id: 'x-id', ip: undefined, time: undefined, user: undefined, regexes: [0, 1] },
    ],
    ids: [[{ id: '192.0.2.1', time: T0, multiple: false }], []],
    matchedLines: [],
    missedLines: [{ file: 0, line: 3, text: `Jan  2 03:04:06 h svc: ${HOSTILE}` }],
    ignoredLines: [{ file: 0, line: 4, text: 'Jan  2 03:04:07 h svc: ignored' }],
    ...over,
  };
}

function report(over: Partial<FilterTestReport> = {}): FilterTestReport {
  return {
    source: { kind: 'name', ref: 'svc[mode=x]', basedir: '/etc/fail2ban', params: { mode: 'x' } },
    ignoreArg: undefined,
    filterName: 'svc',
    filterFile: '/etc/fail2ban/filter.d/svc.conf',
    datepattern: '{^LN-BEG}',
    zone: 'UTC',
    files: [{ path: '/var/log/svc.log', gzip: false, lines: 5, overlong: 0 }],
    prefregex: '^\\s*\\S+ svc: (?P<content>.+)$',
    failregex: ['^Failed for <F-USER>\\S+</F-USER> from <HOST>', '^never <HOST>'],
    ignoreregex: ['ignored'],
    successregex: [],
    templates: ['{^LN-BEG}(?:DAY )?MON Day %k:Minute:Second(?:\\.Microseconds)?(?: ExYear)?', '{^LN-BEG}TAI64N'],
    multiline: false,
    result: result(),
    ...over,
  };
}

const textOpts = {
  chalk: new Chalk({ level: 0 }),
  formatTime: iso,
  verbose: false,
  lists: { matched: 'none' as const, missed: 'some' as const, ignored: 'some' as const },
};

test('text: fail2ban-regex layout, zero-hit regexes and templates only with -v', () => {
  const out = renderFilterTestText(report(), textOpts);
  assert.match(out, /^Use {3}failregex filter file : svc, basedir: \/etc\/fail2ban$/m);
  assert.match(out, /^Use {3}filter options : \{"mode":"x"\}$/m);
  assert.match(out, /\nPrefregex: 3 total\n\| {2}\^\\s\*\\S\+ svc: \(\?P<content>\.\+\)\$\n`-\n/);
  assert.match(out, /\nFailregex: 2 total\n\|- {2}#\) \[# of hits\] regular expression\n\| {3}1\) \[2\] \^Failed/);
  assert.doesNotMatch(out, /2\) \[0\]/);
  assert.match(out, /\nIgnoreregex: 1 total\n/);
  assert.match(out, /\nDate template hits:\n\|- \[# of hits\] date format\n\| {2}\[4\] \{\^LN-BEG\}\(\?:DAY/);
  assert.doesNotMatch(out, /TAI64N/);
  assert.match(out, /\nLines: 4 lines, 1 ignored, 2 matched, 1 missed\n\[1 empty or # line\(s\) skipped\]\n/);
  assert.match(out, /\|- Ignored line\(s\):\n\| {2}Jan {2}2 03:04:07 h svc: ignored\n`-/);
  const verbose = renderFilterTestText(report(), { ...textOpts, verbose: true });
  assert.match(verbose, / 2\) \[0\] \^never <HOST>/);
  assert.match(verbose, /\| {6}192\.0\.2\.1 {2}2026-01-02T03:04:05\+00:00\n/);
  assert.match(verbose, /\[0\] \{\^LN-BEG\}TAI64N/);
});

test('text: line lists follow fail2ban-regex thresholds and --print-no-*', () => {
  const many = result({ missed: LIST_LIMIT, missedLines: [] });
  const out = renderFilterTestText(report({ result: many }), textOpts);
  assert.match(out, /^Missed line\(s\): too many to print\. {2}Use --print-all-missed to print all 20 lines$/m);
  const none = renderFilterTestText(report(), { ...textOpts, lists: { matched: 'none', missed: 'none', ignored: 'none' } });
  assert.doesNotMatch(none, /line\(s\):/);
});

test('text: log and config text cannot reach the terminal as control sequences', () => {
  const out = renderFilterTestText(report({ failregex: [`x${HOSTILE}<HOST>`, 'y<HOST>'] }), { ...textOpts, verbose: true });
  assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.match(out, /eve\[31m2J\u2028?gnp\.exe/, 'the attempt stays visible, defused');
});

test('ndjson: one record per failure, line/ip/time/user first, nulls for what is unknown', () => {
  const out = renderFilterTestNdjson(report(), { formatTime: iso });
  const lines = out.split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '');
  const [a, b] = lines.slice(0, 2).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(Object.keys(a!), ['line', 'ip', 'time', 'user', 'id', 'file', 'regexes']);
  assert.deepEqual(a, {
    line: 2, ip: '192.0.2.1', time: '2026-01-02T03:04:05+00:00', user: HOSTILE, id: '192.0.2.1',
    file: '/var/log/svc.log', regexes: [1],
  });
  // No address: `ip` falls back to the failure id, as fail2ban-regex -o ip does.
  assert.deepEqual(b, { line: 5, ip: 'x-id', time: null, user: null, id: 'x-id', file: '/var/log/svc.log', regexes: [1, 2] });
  for (const l of lines) assert.doesNotMatch(l, /[\u0000-\u001f\u007f-\u009f\u2028\u202e]/, 'terminal-active characters are \\u-escaped');
});

test('json: counts, regexes with hits, templates with hits, lists only when asked', () => {
  const doc = JSON.parse(renderFilterTestJson(report(), {
    formatTime: iso, lists: { matched: false, missed: true, ignored: false },
  })) as Record<string, unknown>;
  assert.equal(doc['schema'], 1);
  assert.deepEqual(doc['lines'], { tested: 4, matched: 2, missed: 1, ignored: 1, skipped: 1, noTime: 0 });
  assert.deepEqual(doc['failregex'], [
    { regex: '^Failed for <F-USER>\\S+</F-USER> from <HOST>', hits: 2 },
    { regex: '^never <HOST>', hits: 0 },
  ]);
  assert.deepEqual(doc['dateTemplates'], [{ name: report().templates[0], hits: 4 }]);
  assert.deepEqual(doc['missedLines'], [{ file: '/var/log/svc.log', line: 3, text: `Jan  2 03:04:06 h svc: ${HOSTILE}` }]);
  assert.equal(doc['matchedLines'], null);
  assert.equal((doc['failures'] as unknown[]).length, 2);
});
