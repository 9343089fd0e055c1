// A Report with every forensics section filled (issue #6), shared by the renderer tests.
// Log-derived strings take the hostile value given, so each format's escaping is exercised.
import type { Report } from '../../../src/types.js';

const t = (d: number, h: number, m = 0, s = 0): number => Date.UTC(2024, 0, d, h, m, s);

/** A small report with collateral, a compromise, accounts and below-the-radar groups. */
export function forensicsReport(hostile: string): Report {
  return {
    schema: 1,
    files: [{ path: '/var/log/mail.log', lines: 100, noTime: 0, overlong: 0, first: t(1, 0), last: t(3, 0), gzip: false, warnings: [] }],
    span: { first: t(1, 0), last: t(3, 0) },
    jails: [
      {
        name: 'dovecot', filter: 'dovecot', maxretry: 5, findtime: 600, bantime: 600, failures: 12, ids: 2,
        bans: [{ jail: 'dovecot', id: '198.51.100.20', start: t(2, 9, 4), end: t(2, 9, 14), failures: 5, blocked: 3 }],
      },
    ],
    ips: [
      {
        ip: '198.51.100.20', country: 'FR', asn: 3215, org: 'Orange', failures: 5, blocked: 3, bans: 1, jails: ['dovecot'],
        firstBan: t(2, 9, 4), lastBan: t(2, 9, 4), first: t(2, 9), last: t(2, 9, 7), usernames: ['carol@example.org'],
      },
    ],
    usernames: [{ name: 'carol@example.org', attempts: 8, ips: 1, first: t(2, 9), last: t(2, 9, 7) }],
    stats: { files: 1, lines: 100, noTime: 0, overlong: 0, failures: 12, successes: 9, bannedIps: 1, banEvents: 1, blocked: 3 },
    geoip: {
      database: '@ip-location-db/geo-whois-asn-country-mmdb',
      buildDate: '2026-06-17',
      asn: { database: '@ip-location-db/asn', buildDate: '2026-06-17' },
    },
    collateral: [
      {
        ip: '198.51.100.20', country: 'FR', asn: 3215, org: 'Orange', users: [hostile, 'carol@example.org'], logins: 7,
        firstSuccess: t(1, 8), lastSuccess: t(2, 13), loginsDuringBan: 1, jails: ['dovecot'], bans: 1,
        firstBan: t(2, 9, 4), lastBan: t(2, 9, 4), failures: 5, failedUsers: ['carol@example.org'],
      },
    ],
    compromises: [
      {
        user: hostile, ip: '203.0.113.200', country: undefined, asn: undefined, org: undefined, time: t(3, 3, 20),
        logins: 2, lastLogin: t(3, 4), reasons: ['failed-other-accounts', 'after-burst'], priorFailures: 4,
        priorUsers: ['dave@example.org', 'root'], burstFailures: 12, burstIps: 6, banned: false, duringBan: false,
      },
    ],
    accounts: [
      {
        key: 'carol', exists: true, attempts: 8, ips: 1, countries: ['FR'], first: t(2, 9), last: t(2, 9, 7), logins: 7,
        names: [
          {
            name: 'carol@example.org', spellings: ['carol@example.org'], exists: true, attempts: 8, ips: 1, countries: ['FR'],
            first: t(2, 9), last: t(2, 9, 7), logins: 7, lastLogin: t(2, 13),
          },
        ],
      },
      {
        key: 'admin', exists: false, attempts: 45, ips: 30, countries: ['US', 'CN'], first: t(2, 14), last: t(2, 14, 30), logins: 0,
        names: [
          {
            name: 'admin', spellings: ['admin', hostile], exists: false, attempts: 45, ips: 30, countries: ['US', 'CN'],
            first: t(2, 14), last: t(2, 14, 30), logins: 0, lastLogin: undefined,
          },
        ],
      },
    ],
    belowRadar: {
      failures: 45,
      addresses: 30,
      networks: [
        {
          kind: 'net', key: '192.0.2.0/24', asn: undefined, org: undefined, countries: [], addresses: 10, attempts: 15,
          maxPerAddress: 2, networks: 1, usernames: ['admin'], distinctUsernames: 1, first: t(2, 14), last: t(2, 14, 30),
          caught: { jails: ['postfix-sasl'], bans: 1, firstBan: t(2, 14, 5), blocked: 6, addresses: 5 },
        },
      ],
      asns: [
        {
          kind: 'asn', key: 'AS15169', asn: 15169, org: hostile, countries: ['US'], addresses: 20, attempts: 30,
          maxPerAddress: 2, networks: 2, usernames: ['admin', hostile], distinctUsernames: 2, first: t(2, 14), last: t(2, 14, 30),
          caught: { jails: ['postfix-sasl'], bans: 2, firstBan: t(2, 14, 3), blocked: 20, addresses: 14 },
        },
      ],
      spraying: [
        {
          kind: 'username', key: 'admin', asn: undefined, org: undefined, countries: ['US', 'CN'], addresses: 30, attempts: 45,
          maxPerAddress: 2, networks: 3, usernames: ['admin'], distinctUsernames: 1, first: t(2, 14), last: t(2, 14, 30),
          caught: { jails: [], bans: 0, firstBan: undefined, blocked: 0, addresses: 0 },
        },
      ],
    },
  };
}
