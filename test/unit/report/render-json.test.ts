// Tests for the JSON renderer: exact schema-1 field names and order, times via formatTime,
// permanent bans as null, hostile strings preserved as data yet inert as text.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderJson } from '../../../src/report/render-json.js';
import type { Report } from '../../../src/types.js';
import { forensicsReport } from './forensics-fixture.js';

const HOSTILE = '\u001b[31mroot\u001b]0;pwned\u0007\r\n<script>alert(1)</script>\u202e\u009b2J' + 'x'.repeat(10_000);
const t = (d: number, h: number, m = 0, s = 0): number => Date.UTC(2024, 0, d, h, m, s);

/** ISO 8601 in a fixed +01:00 offset. */
function plusOne(ms: number): string {
  return new Date(ms + 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+01:00');
}

function sampleReport(): Report {
  return {
    schema: 1,
    files: [{ path: '/var/log/mail.log.1.gz', lines: 10, noTime: 1, overlong: 2, first: t(1, 0), last: t(2, 0), gzip: true, warnings: ['truncated'] }],
    span: { first: t(1, 0), last: t(2, 0) },
    jails: [
      {
        name: 'dovecot',
        filter: 'dovecot[mode=aggressive]',
        maxretry: 3,
        findtime: 600,
        bantime: -1,
        failures: 7,
        ids: 2,
        bans: [{ jail: 'dovecot', id: '2001:db8::7', start: t(1, 5), end: undefined, failures: 3, blocked: 4 }],
      },
      {
        name: 'postfix',
        filter: 'postfix',
        maxretry: 5,
        findtime: 3600,
        bantime: 600,
        failures: 6,
        ids: 1,
        bans: [{ jail: 'postfix', id: '198.51.100.7', start: t(1, 6), end: t(1, 6, 10), failures: 5, blocked: 1 }],
      },
    ],
    ips: [
      {
        ip: '2001:db8::7',
        country: 'JP',
        asn: 2497,
        org: 'Internet Initiative Japan',
        failures: 3,
        blocked: 4,
        bans: 1,
        jails: ['dovecot'],
        firstBan: t(1, 5),
        lastBan: t(1, 5),
        first: t(1, 4),
        last: t(1, 7),
        usernames: [HOSTILE, 'admin'],
      },
      {
        ip: '192.0.2.1',
        country: undefined,
        asn: undefined,
        org: undefined,
        failures: 1,
        blocked: 0,
        bans: 0,
        jails: ['postfix'],
        firstBan: undefined,
        lastBan: undefined,
        first: t(1, 8),
        last: t(1, 8),
        usernames: [],
      },
    ],
    usernames: [{ name: HOSTILE, attempts: 2, ips: 1, first: t(1, 4), last: t(1, 4, 30) }],
    stats: { files: 1, lines: 10, noTime: 1, overlong: 2, failures: 13, successes: 1, bannedIps: 2, banEvents: 2, blocked: 5 },
    geoip: { database: '@ip-location-db/geo-whois-asn-country-mmdb', buildDate: undefined },
  };
}

describe('renderJson', () => {
  const text = renderJson(sampleReport(), { formatTime: plusOne });
  const doc = JSON.parse(text) as Record<string, unknown>;

  it('round-trips to exactly the documented document', () => {
    assert.deepEqual(doc, {
      schema: 1,
      span: { first: '2024-01-01T01:00:00+01:00', last: '2024-01-02T01:00:00+01:00' },
      window: null,
      files: [
        {
          path: '/var/log/mail.log.1.gz',
          gzip: true,
          lines: 10,
          noTime: 1,
          overlong: 2,
          first: '2024-01-01T01:00:00+01:00',
          last: '2024-01-02T01:00:00+01:00',
          warnings: ['truncated'],
        },
      ],
      jails: [
        {
          name: 'dovecot',
          filter: 'dovecot[mode=aggressive]',
          maxretry: 3,
          findtime: 600,
          bantime: -1,
          failures: 7,
          ids: 2,
          bans: [{ ip: '2001:db8::7', start: '2024-01-01T06:00:00+01:00', end: null, failures: 3, blocked: 4 }],
        },
        {
          name: 'postfix',
          filter: 'postfix',
          maxretry: 5,
          findtime: 3600,
          bantime: 600,
          failures: 6,
          ids: 1,
          bans: [{ ip: '198.51.100.7', start: '2024-01-01T07:00:00+01:00', end: '2024-01-01T07:10:00+01:00', failures: 5, blocked: 1 }],
        },
      ],
      ips: [
        {
          ip: '2001:db8::7',
          country: 'JP',
          asn: 2497,
          org: 'Internet Initiative Japan',
          failures: 3,
          blocked: 4,
          bans: 1,
          jails: ['dovecot'],
          firstBan: '2024-01-01T06:00:00+01:00',
          lastBan: '2024-01-01T06:00:00+01:00',
          first: '2024-01-01T05:00:00+01:00',
          last: '2024-01-01T08:00:00+01:00',
          usernames: [HOSTILE, 'admin'],
        },
        {
          ip: '192.0.2.1',
          country: null,
          asn: null,
          org: null,
          failures: 1,
          blocked: 0,
          bans: 0,
          jails: ['postfix'],
          firstBan: null,
          lastBan: null,
          first: '2024-01-01T09:00:00+01:00',
          last: '2024-01-01T09:00:00+01:00',
          usernames: [],
        },
      ],
      usernames: [{ name: HOSTILE, attempts: 2, ips: 1, first: '2024-01-01T05:00:00+01:00', last: '2024-01-01T05:30:00+01:00' }],
      stats: { files: 1, lines: 10, noTime: 1, overlong: 2, failures: 13, successes: 1, bannedIps: 2, banEvents: 2, blocked: 5 },
      geoip: { database: '@ip-location-db/geo-whois-asn-country-mmdb', buildDate: null, asn: null },
      // A report built without forensics still has every key (issue #6).
      collateral: [],
      compromises: [],
      accounts: [],
      belowRadar: { failures: 0, addresses: 0, networks: [], asns: [], spraying: [] },
    });
  });

  it('keeps the documented key order', () => {
    assert.deepEqual(Object.keys(doc), [
      'schema', 'span', 'window', 'files', 'jails', 'ips', 'usernames', 'stats', 'geoip', 'collateral', 'compromises', 'accounts', 'belowRadar',
    ]);
    const first = (k: string): Record<string, unknown> => (doc[k] as Array<Record<string, unknown>>)[0] ?? {};
    assert.deepEqual(Object.keys(first('files')), ['path', 'gzip', 'lines', 'noTime', 'overlong', 'first', 'last', 'warnings']);
    assert.deepEqual(Object.keys(first('jails')), ['name', 'filter', 'maxretry', 'findtime', 'bantime', 'failures', 'ids', 'bans']);
    assert.deepEqual(Object.keys((first('jails')['bans'] as Array<Record<string, unknown>>)[0] ?? {}), ['ip', 'start', 'end', 'failures', 'blocked']);
    assert.deepEqual(Object.keys(first('ips')), [
      'ip', 'country', 'asn', 'org', 'failures', 'blocked', 'bans', 'jails', 'firstBan', 'lastBan', 'first', 'last', 'usernames',
    ]);
    assert.deepEqual(Object.keys(first('usernames')), ['name', 'attempts', 'ips', 'first', 'last']);
    assert.deepEqual(Object.keys(doc['stats'] as object), ['files', 'lines', 'noTime', 'overlong', 'failures', 'successes', 'bannedIps', 'banEvents', 'blocked']);
  });

  it('is indented by two spaces and ends with one newline', () => {
    assert.ok(text.startsWith('{\n  "schema": 1,\n  "span": {\n    "first": '));
    assert.ok(text.endsWith('}\n') && !text.endsWith('\n\n'));
  });

  it('keeps hostile text as data but never as raw control characters', () => {
    // Only the structural newlines; ESC, BEL, CR, C1 CSI and bidi appear as \u escapes.
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text));
    assert.ok(text.includes('\\u001b[31mroot'));
    assert.ok(text.includes('\\u202e\\u009b2J'));
    assert.ok(text.includes('x'.repeat(10_000)), 'JSON is not truncated');
  });

  it('writes null for an empty report and is deterministic', () => {
    const empty: Report = {
      ...sampleReport(),
      files: [],
      span: { first: undefined, last: undefined },
      jails: [],
      ips: [],
      usernames: [],
      geoip: undefined,
    };
    const out = JSON.parse(renderJson(empty, { formatTime: plusOne })) as Record<string, unknown>;
    assert.deepEqual(out['span'], { first: null, last: null });
    assert.equal(out['geoip'], null);
    assert.equal(renderJson(sampleReport(), { formatTime: plusOne }), text);
  });

  it('takes every time from formatTime', () => {
    const seen: number[] = [];
    renderJson(sampleReport(), {
      formatTime: (ms) => {
        seen.push(ms);
        return 'T';
      },
    });
    // span 2, file 2, bans start 2 + end 1, ips 4 + 2, usernames 2.
    assert.equal(seen.length, 15);
  });
});

describe('renderJson forensics sections (issue #6)', () => {
  const HOSTILE_NAME = '\u001b[2Jroot\u2028';
  const text = renderJson(forensicsReport(HOSTILE_NAME), { formatTime: plusOne });
  const doc = JSON.parse(text) as Record<string, unknown>;
  const first = (k: string): Record<string, unknown> => (doc[k] as Array<Record<string, unknown>>)[0] ?? {};

  it('writes each section with its documented keys, times formatted, absent values null', () => {
    assert.deepEqual(doc['geoip'], {
      database: '@ip-location-db/geo-whois-asn-country-mmdb',
      buildDate: '2026-06-17',
      asn: { database: '@ip-location-db/asn', buildDate: '2026-06-17' },
    });
    assert.deepEqual(Object.keys(first('collateral')), [
      'ip', 'country', 'asn', 'org', 'users', 'logins', 'firstSuccess', 'lastSuccess', 'loginsDuringBan', 'jails', 'bans',
      'firstBan', 'lastBan', 'failures', 'failedUsers',
    ]);
    assert.equal(first('collateral')['lastSuccess'], '2024-01-02T14:00:00+01:00');
    assert.deepEqual(first('compromises'), {
      user: HOSTILE_NAME, ip: '203.0.113.200', country: null, asn: null, org: null, time: '2024-01-03T04:20:00+01:00',
      logins: 2, lastLogin: '2024-01-03T05:00:00+01:00', reasons: ['failed-other-accounts', 'after-burst'], priorFailures: 4,
      priorUsers: ['dave@example.org', 'root'], burstFailures: 12, burstIps: 6, banned: false, duringBan: false,
    });
    const admin = (doc['accounts'] as Array<Record<string, unknown>>)[1]!;
    assert.deepEqual(Object.keys(admin), ['key', 'exists', 'attempts', 'ips', 'countries', 'first', 'last', 'logins', 'names']);
    assert.equal((admin['names'] as Array<Record<string, unknown>>)[0]!['lastLogin'], null);
    const br = doc['belowRadar'] as Record<string, Array<Record<string, unknown>>>;
    assert.deepEqual(Object.keys(br), ['failures', 'addresses', 'networks', 'asns', 'spraying']);
    assert.deepEqual(Object.keys(br['networks']![0]!), [
      'kind', 'key', 'asn', 'org', 'countries', 'addresses', 'attempts', 'maxPerAddress', 'networks', 'usernames',
      'distinctUsernames', 'first', 'last', 'caught',
    ]);
    assert.deepEqual(br['spraying']![0]!['caught'], { jails: [], bans: 0, firstBan: null, blocked: 0, addresses: 0 });
  });

  it('keeps hostile usernames as data, inert as text', () => {
    assert.ok(!/[\u001b\u2028]/.test(text));
    assert.ok(text.includes('\\u001b[2Jroot\\u2028'));
  });
});
