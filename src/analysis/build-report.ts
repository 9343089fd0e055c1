// Turns a replay outcome into the renderer-facing Report: per-jail bans, per-address
// summaries and attempted usernames. Pure; enrichment (GeoIP) happens afterwards.
// A line that matched several jails (postfix and postfix-rbl) is counted once per address.
import type { ReplayOutcome } from '../pipeline/replay.js';
import type { EpochMs, JailSpec, Report, ReportIp, ReportJail } from '../types.js';
import { countUsernames, isUsername } from './usernames.js';

/** Most-tried usernames kept per address. */
const USERNAMES_PER_IP = 10;

interface IpAcc {
  lines: Map<string, 'counted' | 'blocked' | 'ignored'>;
  first: EpochMs;
  last: EpochMs;
  jails: Set<number>;
  users: Map<string, number>;
}

/** Builds the report for `jails` (same order as the replay's results). */
export function buildReport(outcome: ReplayOutcome, jails: JailSpec[]): Report {
  const { hits, outcomes, results } = outcome;
  const perJailFailures = new Array<number>(jails.length).fill(0);
  const perJailIds = jails.map(() => new Set<string>());
  const ips = new Map<string, IpAcc>();
  let successes = 0;
  let failures = 0;
  const failureLines = new Set<string>();

  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.kind === 'success') {
      successes++;
      continue;
    }
    const lineKey = `${h.file}:${h.line}`;
    perJailFailures[h.jail]!++;
    perJailIds[h.jail]!.add(h.id);
    const firstSighting = !failureLines.has(lineKey);
    if (firstSighting) {
      failureLines.add(lineKey);
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
    const prev = acc.lines.get(lineKey);
    if (prev === undefined || state === 'blocked' || (state === 'counted' && prev === 'ignored')) {
      acc.lines.set(lineKey, state);
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
    reportIps.push({
      ip,
      country: undefined,
      asn: undefined,
      org: undefined,
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
    geoip: undefined,
  };
}
