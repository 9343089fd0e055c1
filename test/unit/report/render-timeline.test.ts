// Tests for the timeline renderers (issue #6): table layout with log lines under their rows,
// the JSON document's shape, and hostile log text in both.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { renderTimelineJson, renderTimelineTable } from '../../../src/report/render-timeline.js';
import type { TimelineReport } from '../../../src/types.js';

const T = Date.UTC(2026, 2, 2, 2, 0, 0);
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
const HOSTILE = 'x\u001b[2J\u202eadmin\u0007';
const A = '203.0.113.66';

function sample(): TimelineReport {
  const line = (n: number, kind: 'failure' | 'blocked' | 'success', dt: number, user = 'admin') => ({
    time: T + dt, kind, ip: A, jails: ['dovecot'], service: 'dovecot/imap-login', user, file: '/var/log/maillog', line: n,
    text: `${iso(T + dt)} mx dovecot: imap-login: Disconnected (auth failed): user=<${user}>, rip=${A}`,
    failures: undefined, end: undefined, blocked: undefined,
  });
  const base = { ip: A, jails: ['dovecot'], service: undefined, user: undefined, file: undefined, line: undefined, text: undefined };
  return {
    target: A,
    files: [{ path: '/var/log/maillog', lines: 10, noTime: 0, overlong: 0, first: T, last: T + 3_600_000, gzip: false, warnings: [] }],
    span: { first: T, last: T + 3_600_000 },
    addresses: [{ ip: A, country: 'US', asn: 64500, org: 'Example AS', failures: 5, blocked: 1, successes: 0, bans: 1, first: T, last: T + 700_000 }],
    events: [
      line(1, 'failure', 0, HOSTILE),
      line(2, 'failure', 20_000),
      { ...base, time: T + 20_000, kind: 'ban', failures: 5, end: T + 620_000, blocked: 1 },
      line(3, 'blocked', 40_000),
      { ...base, time: T + 620_000, kind: 'unban', failures: undefined, end: undefined, blocked: undefined },
    ],
    geoip: { database: 'db', buildDate: undefined, asn: { database: 'asn', buildDate: '2026-06-17' } },
  };
}

describe('renderTimelineTable', () => {
  const out = renderTimelineTable(sample(), { chalk: new Chalk({ level: 0 }), formatTime: iso, width: 120 });
  const lines = out.split('\n');

  it('has a header with country, ASN and totals, then one row per event with its log line', () => {
    assert.equal(lines[0], `Timeline of ${A}`);
    assert.match(out, /203\.0\.113\.66 {2}US {2}AS64500 Example AS\n\s+5 failures, 1 blocked, 0 logins, 1 ban;/);
    const header = lines.findIndex((l) => /^\s+Time\s+Event\s+Jails\s+Service\s+User\s+Where/.test(l));
    assert.ok(header > 0);
    assert.match(lines[header + 1]!, /failure\s+dovecot\s+dovecot\/imap-login\s+x\[2Jadmin\s+maillog:1$/);
    assert.match(lines[header + 2]!, /^ {4}2026-03-02T02:00:00\+00:00 mx dovecot: imap-login/);
    assert.match(out, /BAN\s+dovecot[^\n]*\n\s+banned until Mar 02 02:10:20: 5 failures triggered it; 1 attempt blocked during it/);
    assert.match(out, /blocked\s+dovecot/);
    assert.match(out, /unban\s+dovecot/);
  });

  it('strips control and bidi characters and ends with one newline', () => {
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(out));
    assert.ok(out.endsWith('\n') && !out.endsWith('\n\n'));
  });

  it('says so when the address does not appear', () => {
    const empty = renderTimelineTable({ ...sample(), addresses: [], events: [] }, { chalk: new Chalk({ level: 0 }), formatTime: iso });
    assert.match(empty, /No failure, login or ban of 203\.0\.113\.66 in these logs\./);
  });
});

describe('renderTimelineJson', () => {
  const text = renderTimelineJson(sample(), { formatTime: iso });
  const doc = JSON.parse(text) as Record<string, unknown>;

  it('writes the documented keys with null for what does not apply', () => {
    assert.deepEqual(Object.keys(doc), ['schema', 'kind', 'target', 'span', 'files', 'addresses', 'events', 'geoip']);
    const events = doc['events'] as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(events[0]!), ['time', 'kind', 'ip', 'jails', 'service', 'user', 'file', 'line', 'text', 'failures', 'end', 'blocked']);
    assert.deepEqual(events[2], {
      time: iso(T + 20_000), kind: 'ban', ip: A, jails: ['dovecot'], service: null, user: null, file: null, line: null, text: null,
      failures: 5, end: iso(T + 620_000), blocked: 1,
    });
    assert.deepEqual(doc['geoip'], { database: 'db', buildDate: null, asn: { database: 'asn', buildDate: '2026-06-17' } });
  });

  it('keeps hostile text as data, inert as text', () => {
    assert.equal((doc['events'] as Array<Record<string, unknown>>)[0]!['user'], HOSTILE);
    assert.ok(!/[\u001b\u202e\u0007]/.test(text));
  });
});
