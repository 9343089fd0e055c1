// Turns a replay outcome into the renderer-facing Report: per-jail bans, per-address
// summaries, attempted usernames and the forensics sections (collateral bans, possible
// compromises, accounts, below the radar). Pure: GeoIP answers come from the lookup passed in.
// A line matched by several jails (postfix and postfix-rbl) is counted once per address.
import { describeGeoIp, type GeoIpDescription } from '../enrich/describe-geoip.js';
import type { ReplayOutcome } from '../pipeline/replay.js';
import type { CountingMode, EpochMs, JailSpec, Report, ReportCollateral, ReportIp, ReportJail } from '../types.js';
import { findBelowRadar } from './below-radar.js';
import { describeCollateral, indexSuccesses } from './collateral.js';
import { findCompromises } from './compromise.js';
import { countUsernames, groupAccounts, isUsername, lineKey } from './usernames.js';

/** A GeoIP source as buildReport uses it (an opened GeoIp fits). */
export interface ReportGeo extends GeoIpDescription {
  lookup(ip: string): { country?: string; asn?: number; org?: string } | undefined;
}

/** Options of buildReport. */
export interface BuildReportOptions {
  /** Country, ASN and organisation of addresses; without it those fields stay empty. */
  geo?: ReportGeo | undefined;
  /** The run's counting mode, for the group-keyed jails of the below-the-radar section. */
  counting?: CountingMode;
}

/** Most-tried usernames kept per address. */
const USERNAMES_PER_IP = 10;

interface IpAcc {
  lines: Map<number, 'counted' | 'blocked' | 'ignored'>;
  first: EpochMs;
  last: EpochMs;
  jails: Set<number>;
  users: Map<string, number>;
}

/** Builds the report for `jails` (same order as the replay's results). */
export function buildReport(outcome: ReplayOutcome, jails: JailSpec[], opts: BuildReportOptions = {}): Report {
  const { hits, outcomes, results } = outcome;
  const geoCache = new Map<string, { country?: string; asn?: number; org?: string } | undefined>();
  const geoOf = (ip: string): { country?: string; asn?: number; org?: string } | undefined => {
    const geo = opts.geo;
    if (geo === undefined) return undefined;
    if (!geoCache.has(ip)) geoCache.set(ip, geo.lookup(ip));
    return geoCache.get(ip);
  };
  const successLines = new Set<number>();
  const perJailFailures = new Array<number>(jails.length).fill(0);
  const perJailIds = jails.map(() => new Set<string>());
  const ips = new Map<string, IpAcc>();
  let successes = 0;
  let failures = 0;
  const failureLines = new Set<number>();

  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.kind === 'success') {
      // A success line matched by several filters (postfix, postfix-sasl) is one login.
      const key = lineKey(h);
      if (!successLines.has(key)) {
        successLines.add(key);
        successes++;
      }
      continue;
    }
    const line = lineKey(h);
    perJailFailures[h.jail]!++;
    perJailIds[h.jail]!.add(h.id);
    const firstSighting = !failureLines.has(line);
    if (firstSighting) {
      failureLines.add(line);
      failures++;
    }
    let acc = ips.get(h.id);
    if (acc === undefined) {
      acc = { lines: new Map(), first: h.time, last: h.time, jails: new Set(), users: new Map() };
      ips.set(h.id, acc);
    }
    acc.last = h.time;
    acc.jails.add(h.jail);
    // blocked in any jail > counted in any jail > ignored everywhere
    const o = outcomes[i];
    const state = o === 'blocked' || o === 'prolonged' ? 'blocked' : o === 'ignored' ? 'ignored' : 'counted';
    const prev = acc.lines.get(line);
    if (prev === undefined || state === 'blocked' || (state === 'counted' && prev === 'ignored')) {
      acc.lines.set(line, state);
    }
    if (firstSighting && h.user !== undefined && isUsername(h.user)) {
      acc.users.set(h.user, (acc.users.get(h.user) ?? 0) + 1);
    }
  }

  const reportJails: ReportJail[] = jails.map((spec, j) => ({
    name: spec.name,
    filter: spec.filter,
    maxretry: spec.maxretry,
    findtime: spec.findtime,
    bantime: spec.bantime,
    failures: perJailFailures[j]!,
    ids: perJailIds[j]!.size,
    bans: results[j]!.bans,
  }));

  const bansById = new Map<string, { count: number; first: EpochMs; last: EpochMs }>();
  for (const r of results) {
    for (const b of r.bans) {
      const cur = bansById.get(b.id);
      if (cur === undefined) bansById.set(b.id, { count: 1, first: b.start, last: b.start });
      else {
        cur.count++;
        cur.first = Math.min(cur.first, b.start);
        cur.last = Math.max(cur.last, b.start);
      }
    }
  }

  const reportIps: ReportIp[] = [];
  let blockedTotal = 0;
  for (const [ip, acc] of ips) {
    let counted = 0;
    let blocked = 0;
    for (const s of acc.lines.values()) {
      if (s === 'counted') counted++;
      else if (s === 'blocked') blocked++;
    }
    if (counted === 0 && blocked === 0) continue; // only ever seen from ignored addresses
    blockedTotal += blocked;
    const bans = bansById.get(ip);
    const where = geoOf(ip);
    reportIps.push({
      ip,
      country: where?.country,
      asn: where?.asn,
      org: where?.org,
      failures: counted,
      blocked,
      bans: bans?.count ?? 0,
      jails: [...acc.jails].sort((a, b) => a - b).map((j) => jails[j]!.name),
      firstBan: bans?.first,
      lastBan: bans?.last,
      first: acc.first,
      last: acc.last,
      usernames: [...acc.users]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, USERNAMES_PER_IP)
        .map(([name]) => name),
    });
  }
  reportIps.sort(
    (a, b) =>
      b.failures + b.blocked - (a.failures + a.blocked) ||
      b.bans - a.bans ||
      a.first - b.first ||
      (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0),
  );

  let first: EpochMs | undefined;
  let last: EpochMs | undefined;
  for (const f of outcome.files) {
    if (f.first !== undefined && (first === undefined || f.first < first)) first = f.first;
    if (f.last !== undefined && (last === undefined || f.last > last)) last = f.last;
  }
  const sum = (pick: (f: (typeof outcome.files)[number]) => number): number =>
    outcome.files.reduce((n, f) => n + pick(f), 0);

  // ---- forensics ----
  const allBans = results.flatMap((r) => r.bans);
  const byIp = new Map(reportIps.map((r) => [r.ip, r]));
  const collateral: ReportCollateral[] = describeCollateral(
    allBans,
    indexSuccesses(hits),
    jails.map((j) => j.name),
  ).map((c) => {
    const where = geoOf(c.ip);
    const entry = byIp.get(c.ip);
    return {
      ip: c.ip,
      country: where?.country,
      asn: where?.asn,
      org: where?.org,
      users: c.users,
      logins: c.logins,
      firstSuccess: c.firstSuccess,
      lastSuccess: c.lastSuccess,
      loginsDuringBan: c.loginsDuringBan,
      jails: c.jails,
      bans: c.bans,
      firstBan: c.firstBan,
      lastBan: c.lastBan,
      failures: entry?.failures ?? 0,
      failedUsers: entry?.usernames ?? [],
    };
  });
  const compromises = findCompromises(hits, allBans).map((c) => {
    const where = geoOf(c.ip);
    return { ...c, country: where?.country, asn: where?.asn, org: where?.org };
  });
  const accounts = groupAccounts(hits, (ip) => geoOf(ip)?.country);
  const belowRadar = findBelowRadar(hits, outcomes, jails, new Set(bansById.keys()), {
    counting: opts.counting ?? 'fail2ban',
    geo: opts.geo === undefined ? undefined : geoOf,
  });

  return {
    schema: 1,
    files: outcome.files,
    span: { first, last },
    jails: reportJails,
    ips: reportIps,
    usernames: countUsernames(hits),
    stats: {
      files: outcome.files.length,
      lines: sum((f) => f.lines),
      noTime: sum((f) => f.noTime),
      overlong: sum((f) => f.overlong),
      failures,
      successes,
      bannedIps: bansById.size,
      banEvents: results.reduce((n, r) => n + r.bans.length, 0),
      blocked: blockedTotal,
    },
    geoip: opts.geo === undefined ? undefined : describeGeoIp(opts.geo),
    collateral,
    compromises,
    accounts,
    belowRadar,
  };
}
