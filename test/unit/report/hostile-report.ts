// A small Report whose log-derived strings are hostile (ANSI and OSC escapes, HTML and
// script, CSV formulas, CR/LF, bidi overrides, 10 kB names, non-ASCII), shared by the
// renderer tests of #8. Times are UTC; the `iso` helper formats them like the CLI does.

import type { Report } from '../../../src/types.js';

/** Usernames an attacker chose. */
export const HOSTILE_USERS = [
  '\u001b[31mroot\u001b]0;pwned\u0007',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '=HYPERLINK("http://evil.example/")',
  '+cmd|calc',
  '-2+3',
  '@SUM(A1)',
  '\tleading-tab',
  '\rleading-cr',
  'line\r\nBcc: victim@example.org',
  'j\u00fcrgen\u202eevil',
  'x'.repeat(10_000),
];

/** 2026-01-d hh:mm:ss UTC in ms. */
export const t = (d: number, h: number, m = 0, s = 0): number => Date.UTC(2026, 0, d, h, m, s);

/** ISO 8601 with +00:00, as formatTime(ms, UTC) writes it. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** A report with two jails, three addresses, collateral and below-the-radar data. */
export function hostileReport(): Report {
  return {
    schema: 1,
    files: [{ path: '/var/log/mail.log\u001b[2J', lines: 100, noTime: 0, overlong: 0, first: t(10, 0), last: t(11, 0), gzip: false, warnings: ['<b>warn</b>\u001b[31m'] }],
    span: { first: t(10, 0), last: t(11, 0) },
    jails: [
      {
        name: 'dovecot',
        filter: 'dovecot',
        maxretry: 5,
        findtime: 600,
        bantime: 600,
        failures: 20,
        ids: 2,
        bans: [
          { jail: 'dovecot', id: '203.0.113.7', start: t(10, 5), end: t(10, 5, 10), failures: 5, blocked: 3 },
          { jail: 'dovecot', id: '2001:db8::7', start: t(10, 6), end: undefined, failures: 5, blocked: 0 },
          { jail: 'dovecot', id: '203.0.113.7', start: t(10, 9), end: t(10, 9, 10), failures: 5, blocked: 0 },
        ],
      },
      {
        name: 'postfix-sasl',
        filter: 'postfix[mode=auth]',
        maxretry: 3,
        findtime: 600,
        bantime: 3600,
        failures: 6,
        ids: 2,
        bans: [{ jail: 'postfix-sasl', id: '=cmd|evil', start: t(10, 7), end: t(10, 8), failures: 3, blocked: 0 }],
      },
    ],
    ips: [
      {
        ip: '203.0.113.7',
        country: 'NL',
        asn: 64500,
        org: 'Example <Net> & "Co"',
        failures: 10,
        blocked: 3,
        bans: 2,
        jails: ['dovecot'],
        firstBan: t(10, 5),
        lastBan: t(10, 9),
        first: t(10, 4),
        last: t(10, 9, 5),
        usernames: HOSTILE_USERS.slice(0, 6),
      },
      {
        ip: '2001:db8::7',
        country: 'JP',
        asn: undefined,
        org: undefined,
        failures: 5,
        blocked: 0,
        bans: 1,
        jails: ['dovecot'],
        firstBan: t(10, 6),
        lastBan: t(10, 6),
        first: t(10, 5, 55),
        last: t(10, 6),
        usernames: HOSTILE_USERS.slice(6),
      },
      {
        ip: '=cmd|evil',
        country: undefined,
        asn: undefined,
        org: undefined,
        failures: 3,
        blocked: 0,
        bans: 1,
        jails: ['postfix-sasl'],
        firstBan: t(10, 7),
        lastBan: t(10, 7),
        first: t(10, 6, 58),
        last: t(10, 7),
        usernames: [],
      },
      {
        ip: '198.51.100.9',
        country: 'DE',
        asn: 64501,
        org: 'Quiet GmbH',
        failures: 2,
        blocked: 0,
        bans: 0,
        jails: ['postfix-sasl'],
        firstBan: undefined,
        lastBan: undefined,
        first: t(10, 12),
        last: t(10, 13),
        usernames: ['alice'],
      },
    ],
    usernames: HOSTILE_USERS.map((name, i) => ({ name, attempts: 20 - i, ips: 1, first: t(10, 4), last: t(10, 9) })),
    stats: { files: 1, lines: 100, noTime: 0, overlong: 0, failures: 26, successes: 4, bannedIps: 3, banEvents: 4, blocked: 3 },
    geoip: { database: 'test.mmdb', buildDate: '2026-01-01' },
    collateral: [
      {
        ip: '203.0.113.7',
        country: 'NL',
        asn: 64500,
        org: 'Example <Net> & "Co"',
        users: ['<b>alice</b>', '\u001b[1mbob'],
        logins: 4,
        firstSuccess: t(10, 2),
        lastSuccess: t(10, 20),
        loginsDuringBan: 1,
        jails: ['dovecot'],
        bans: 2,
        firstBan: t(10, 5),
        lastBan: t(10, 9),
        failures: 10,
        failedUsers: ['root'],
      },
    ],
    belowRadar: {
      failures: 2,
      addresses: 1,
      networks: [],
      asns: [],
      spraying: [
        {
          kind: 'username',
          key: '<svg onload=alert(3)>',
          asn: undefined,
          org: undefined,
          countries: ['DE'],
          addresses: 1,
          attempts: 2,
          maxPerAddress: 2,
          networks: 1,
          usernames: ['<svg onload=alert(3)>'],
          distinctUsernames: 1,
          first: t(10, 12),
          last: t(10, 13),
          caught: { jails: [], bans: 0, firstBan: undefined, blocked: 0, addresses: 0 },
        },
      ],
    },
  };
}
