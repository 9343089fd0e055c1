// `tune` renderers (issue 7): the jail.local snippet, the table and chart, and hostile log
// text in every format (table: control characters stripped; CSV: formulas defused; JSON:
// escaped). Reports are built from a small hand-made stream through the real analysis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chalk } from 'chalk';
import { buildTuneReport, type TuneReport } from '../../../src/analysis/tune.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import { jailLocalSnippet, renderTuneCsv, renderTuneJson, renderTuneTable } from '../../../src/report/render-tune.js';
import type { Hit, JailSpec } from '../../../src/types.js';
import { makeJailSpec } from '../../support/jail-spec.js';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const HOSTILE_USER = '=cmd|\'/C calc\'!A0\u001b[31m\u202e';
const HOSTILE_ID = '@evil\u001b]0;pwned\u0007id';

function spec(name: string): JailSpec {
  return makeJailSpec(name, { filter: `${name}[mode=x]` });
}

function report(counting: 'fail2ban' | 'window' = 'fail2ban'): TuneReport {
  let line = 0;
  const hit = (kind: 'failure' | 'success', id: string, s: number, user?: string): Hit => ({
    jail: 0, kind, id, time: T0 + s * 1000, user, file: 0, line: ++line,
  });
  const hits: Hit[] = [];
  // The hostile id fails 6 times in a minute (banned at maxretry 3 and 5) and then logs in
  // as the hostile user; a second address fails twice, never banned.
  for (let i = 0; i < 6; i++) hits.push(hit('failure', HOSTILE_ID, i * 10));
  hits.push(hit('failure', '198.51.100.9', 100), hit('failure', '198.51.100.9', 400));
  hits.push(hit('success', HOSTILE_ID, 1000, HOSTILE_USER));
  return buildTuneReport(
    { files: [{ path: 'mail.log', lines: 9, noTime: 0, overlong: 0, first: T0, last: T0 + 1_000_000, gzip: false, warnings: [] }], hits: HitStore.from(hits) },
    [{ spec: spec('dovecot'), ignore: undefined }],
    { grid: { maxretry: [3, 5, 10], findtime: [600], bantime: [600, -1], increment: [false] }, counting, whileBanned: 'block' },
  );
}

test('jail.local snippet: section name, fail2ban units, -1 for permanent', () => {
  assert.equal(
    jailLocalSnippet('postfix-sasl', { maxretry: 3, findtime: 86400, bantime: 604800, increment: false }),
    '[postfix-sasl]\nmaxretry = 3\nfindtime = 1d\nbantime  = 1w\n',
  );
  assert.equal(
    jailLocalSnippet('x', { maxretry: 5, findtime: 5400, bantime: -1, increment: true }),
    '[x]\nmaxretry = 5\nfindtime = 1h30m\nbantime  = -1\nbantime.increment = true\n',
  );
});

test('table: grid, marks, chart and recommendation; no control characters; no colour at level 0', () => {
  const text = renderTuneTable(report(), { chalk: new Chalk({ level: 0 }), formatTime: iso, width: 120 });
  // Only maxretry 10 leaves the hostile address alone: 0 users hit, the recommendation.
  assert.match(text, /Recommended: maxretry 10, findtime 10m, bantime 10m/);
  assert.match(text, /\[dovecot\]\n\s+maxretry = 10\n\s+findtime = 10m\n\s+bantime {2}= 10m/);
  assert.match(text, /Grid {7}maxretry 3, 5, 10 × findtime 10m × bantime 10m, permanent = 6 settings per jail/);
  assert.match(text, /^ {2}R\* +10 +10m +10m /m);
  // maxretry 5 hits the same user as 3 but blocks less (1 against 3): configured, not on the front.
  assert.match(text, /^ {2}c +5 +10m +10m /m);
  assert.match(text, /^ {2}\* +3 +10m +10m /m);
  assert.match(text, /Blocked share vs users hit/);
  assert.match(text, /\|R/);
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
  assert.ok(!text.includes('\u001b'), 'no escape sequence at all with colour off');
  // The hostile id is visible, defanged.
  assert.match(text, /@evil\]0;pwnedid/);
});

test('table with colour on uses only our own styling', () => {
  const text = renderTuneTable(report(), { chalk: new Chalk({ level: 1 }), formatTime: iso });
  assert.ok(text.includes('\u001b[1m'));
  assert.ok(!text.includes('\u001b]0;'), 'the OSC sequence from the log is gone');
});

test('window counting adds the fail2ban columns', () => {
  const text = renderTuneTable(report('window'), { chalk: new Chalk({ level: 0 }), formatTime: iso });
  assert.match(text, /f2b Bans +f2b Blocked/);
  assert.match(text, /exact sliding window/);
});

test('CSV: header, one line per setting, formulas defused, quotes doubled', () => {
  const csv = renderTuneCsv(report(), { formatTime: iso });
  const lines = csv.trimEnd().split('\n');
  assert.equal(lines.length, 1 + 6);
  assert.ok(lines[0]!.startsWith('jail,maxretry,findtime,bantime,increment,counting,addresses_banned'));
  // maxretry 3 and 5 ban the hostile id: its user is hit and listed, defused.
  const hit = lines.filter((l) => l.includes('calc'));
  assert.equal(hit.length, 4);
  for (const l of hit) {
    assert.ok(l.includes(`"'=cmd|'/C calc'!A0`), l);
    assert.ok(l.includes(`"'@evil`), 'collateral address cell defused');
  }
  assert.ok(!/(^|,)[=+\-@]/.test(lines.slice(1).join('\n').replace(/,-1,/g, ',')), 'no cell starts a formula');
  assert.ok(lines[1]!.startsWith('"dovecot",10,600,600,false,fail2ban,0,0,0,0,2,0,"",""'), lines[1]);
});

test('JSON: schema, settings and the recommended snippet; hostile text escaped', () => {
  const json = renderTuneJson(report(), { formatTime: iso });
  assert.ok(!json.includes('\u001b') && !json.includes('\u202e'));
  assert.ok(json.includes('\\u001b') && json.includes('\\u202e'));
  const doc = JSON.parse(json) as {
    schema: number;
    command: string;
    grid: { bantime: number[] };
    jails: { name: string; recommended: { maxretry: number; snippet: string }; settings: { maxretry: number; bantime: number; users: string[]; pareto: boolean; current: boolean; fail2ban: unknown; longestUnbanned: unknown }[] }[];
  };
  assert.equal(doc.schema, 1);
  assert.equal(doc.command, 'tune');
  assert.deepEqual(doc.grid.bantime, [600, -1]);
  const j = doc.jails[0]!;
  assert.equal(j.recommended.maxretry, 10);
  assert.equal(j.recommended.snippet, '[dovecot]\nmaxretry = 10\nfindtime = 10m\nbantime  = 10m\n');
  assert.equal(j.settings.length, 6);
  const cur = j.settings.find((s) => s.current);
  assert.deepEqual([cur?.maxretry, cur?.bantime, cur?.users], [5, 600, [HOSTILE_USER]]);
  assert.equal(cur?.fail2ban, null);
  assert.deepEqual(j.settings[0]!.longestUnbanned, {
    ip: HOSTILE_ID,
    failures: 6,
    first: iso(T0),
    last: iso(T0 + 50_000),
    seconds: 50,
  });
});
