// Below the radar: failures from addresses that no jail ever banned, grouped by network (/24
// for IPv4, /64 for IPv6), by ASN and by username (password spraying), with what a jail keyed
// on the group instead of the address would have done with each jail's own thresholds.
// Pure; ASNs come from the lookup the caller passes. Each file line counts once per group.
import ipaddr from 'ipaddr.js';
import { createJailSimulator, type Outcome } from '../jail/simulate.js';
import type { CountingMode, EpochMs, Hit, JailSpec, ReportBelowRadar, ReportRadarGroup } from '../types.js';
import { isUsername, lineKey, normalizeUsername } from './usernames.js';

/** What the caller knows about an address. */
export type GeoOf = (ip: string) => { country?: string; asn?: number; org?: string } | undefined;

/** A network or ASN group is listed from this many never-banned addresses on. */
export const MIN_GROUP_ADDRESSES = 2;
/** A username is listed as sprayed from this many never-banned addresses on. */
export const MIN_SPRAY_ADDRESSES = 5;

const USERNAMES_PER_GROUP = 10;

type Kind = ReportRadarGroup['kind'];

interface GroupAcc {
  kind: Kind;
  key: string;
  perIp: Map<string, number>;
  attempts: number;
  users: Map<string, number>;
  first: EpochMs;
  last: EpochMs;
  /** Last line counted (lineKey), so a line matched by several jails counts once. */
  lastLine: number;
  nets: Set<string>;
  asns: Set<number>;
}

/** The /24 (IPv4) or /64 (IPv6) network of an address id, undefined for non-IP ids. */
export function networkOf(id: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(id)) {
    const o = ipaddr.IPv4.parse(id).octets;
    return `${o[0]}.${o[1]}.${o[2]}.0/24`;
  }
  if (!id.includes(':') || !ipaddr.IPv6.isValid(id)) return undefined;
  const v6 = ipaddr.IPv6.parse(id);
  if (v6.isIPv4MappedAddress()) return networkOf(v6.toIPv4Address().toString());
  const p = v6.parts;
  return `${new ipaddr.IPv6([p[0]!, p[1]!, p[2]!, p[3]!, 0, 0, 0, 0]).toString()}/64`;
}

/** Options of findBelowRadar. */
export interface BelowRadarOptions {
  /** Counting used for the group-keyed jails (the run's `--counting`). */
  counting?: CountingMode;
  geo?: GeoOf | undefined;
}

/**
 * Groups the failures of never-banned addresses. `hits` and `outcomes` are the replay's
 * (time-ordered, outcomes parallel); `bannedIds` every id banned by any jail.
 */
export function findBelowRadar(
  hits: readonly Hit[],
  outcomes: readonly (Outcome | undefined)[],
  jails: readonly JailSpec[],
  bannedIds: ReadonlySet<string>,
  opts: BelowRadarOptions = {},
): ReportBelowRadar {
  const geoCache = new Map<string, ReturnType<GeoOf>>();
  const geo = (ip: string): ReturnType<GeoOf> => {
    if (opts.geo === undefined) return undefined;
    if (!geoCache.has(ip)) geoCache.set(ip, opts.geo(ip));
    return geoCache.get(ip);
  };
  const netCache = new Map<string, string | undefined>();
  const net = (ip: string): string | undefined => {
    if (!netCache.has(ip)) netCache.set(ip, networkOf(ip));
    return netCache.get(ip);
  };

  // Which hits count: failures, not ignored, from never-banned ids.
  const selected = (i: number): boolean => {
    const h = hits[i]!;
    return h.kind === 'failure' && outcomes[i] !== 'ignored' && !bannedIds.has(h.id);
  };
  // Group keys (`kind\0key`) are built once per address and per username, not per line.
  const idKeys = new Map<string, string[]>();
  const userKeys = new Map<string, string | undefined>();
  const keysOf = (h: Hit): readonly string[] => {
    let keys = idKeys.get(h.id);
    if (keys === undefined) {
      keys = [];
      const n = net(h.id);
      if (n !== undefined) keys.push(`net\u0000${n}`);
      const asn = geo(h.id)?.asn;
      if (asn !== undefined) keys.push(`asn\u0000AS${asn}`);
      idKeys.set(h.id, keys);
    }
    if (h.user === undefined) return keys;
    let uk = userKeys.get(h.user);
    if (!userKeys.has(h.user)) {
      uk = isUsername(h.user) ? `username\u0000${normalizeUsername(h.user)}` : undefined;
      userKeys.set(h.user, uk);
    }
    return uk === undefined ? keys : [...keys, uk];
  };

  // Pass 1: aggregate.
  const groups = new Map<string, GroupAcc>();
  const addresses = new Set<string>();
  let failures = 0;
  let prevLine = -1;
  for (let i = 0; i < hits.length; i++) {
    if (!selected(i)) continue;
    const h = hits[i]!;
    const line = lineKey(h);
    // Hits of one line are adjacent in the replay's order (same time, file and line).
    if (line !== prevLine) failures++;
    prevLine = line;
    addresses.add(h.id);
    const n = net(h.id);
    const asn = geo(h.id)?.asn;
    for (const gk of keysOf(h)) {
      let g = groups.get(gk);
      if (g === undefined) {
        const cut = gk.indexOf('\u0000');
        g = {
          kind: gk.slice(0, cut) as Kind,
          key: gk.slice(cut + 1),
          perIp: new Map(),
          attempts: 0,
          users: new Map(),
          first: h.time,
          last: h.time,
          lastLine: -1,
          nets: new Set(),
          asns: new Set(),
        };
        groups.set(gk, g);
      }
      if (g.lastLine === line) continue;
      g.lastLine = line;
      g.attempts++;
      g.perIp.set(h.id, (g.perIp.get(h.id) ?? 0) + 1);
      if (h.user !== undefined && isUsername(h.user)) g.users.set(h.user, (g.users.get(h.user) ?? 0) + 1);
      if (h.time < g.first) g.first = h.time;
      if (h.time > g.last) g.last = h.time;
      if (n !== undefined) g.nets.add(n);
      if (asn !== undefined) g.asns.add(asn);
    }
  }
  const listed = new Set<string>();
  for (const [gk, g] of groups) {
    const min = g.kind === 'username' ? MIN_SPRAY_ADDRESSES : MIN_GROUP_ADDRESSES;
    if (g.perIp.size >= min) listed.add(gk);
  }

  // Pass 2: each jail again, keyed on the listed groups.
  const verdicts = new Map<string, { jails: Set<number>; bans: number; firstBan: EpochMs | undefined; blockedLines: Set<number>; blockedIps: Set<string> }>();
  if (listed.size > 0) {
    const sims = jails.map((spec) =>
      createJailSimulator({
        name: spec.name,
        maxretry: spec.maxretry,
        findtime: spec.findtime,
        bantime: spec.bantime,
        counting: opts.counting ?? 'fail2ban',
        whileBanned: 'block',
      }),
    );
    for (let i = 0; i < hits.length; i++) {
      if (!selected(i)) continue;
      const h = hits[i]!;
      const sim = sims[h.jail];
      if (sim === undefined) continue;
      for (const gk of keysOf(h)) {
        if (!listed.has(gk)) continue;
        const outcome = sim.add(h.time, gk);
        if (outcome !== 'banned' && outcome !== 'blocked') continue;
        let v = verdicts.get(gk);
        if (v === undefined) verdicts.set(gk, (v = { jails: new Set(), bans: 0, firstBan: undefined, blockedLines: new Set(), blockedIps: new Set() }));
        v.jails.add(h.jail);
        if (outcome === 'banned') {
          v.bans++;
          v.firstBan ??= h.time;
        } else {
          v.blockedLines.add(lineKey(h));
          v.blockedIps.add(h.id);
        }
      }
    }
  }

  const toRow = (gk: string, g: GroupAcc): ReportRadarGroup => {
    const countries = new Map<string, number>();
    let org: string | undefined;
    for (const ip of g.perIp.keys()) {
      const info = geo(ip);
      if (info?.country !== undefined) countries.set(info.country, (countries.get(info.country) ?? 0) + 1);
      if (org === undefined && info?.org !== undefined && g.asns.size === 1 && info.asn === [...g.asns][0]) org = info.org;
    }
    const v = verdicts.get(gk);
    return {
      kind: g.kind,
      key: g.key,
      asn: g.asns.size === 1 ? [...g.asns][0] : undefined,
      org,
      countries: [...countries].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).map(([c]) => c),
      addresses: g.perIp.size,
      attempts: g.attempts,
      maxPerAddress: [...g.perIp.values()].reduce((m, n) => (n > m ? n : m), 0),
      networks: g.nets.size,
      usernames: [...g.users]
        .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
        .slice(0, USERNAMES_PER_GROUP)
        .map(([u]) => u),
      distinctUsernames: g.users.size,
      first: g.first,
      last: g.last,
      caught: {
        jails: v === undefined ? [] : [...v.jails].sort((a, b) => a - b).map((j) => jails[j]!.name),
        bans: v?.bans ?? 0,
        firstBan: v?.firstBan,
        blocked: v?.blockedLines.size ?? 0,
        addresses: v?.blockedIps.size ?? 0,
      },
    };
  };
  const rows = (kind: Kind): ReportRadarGroup[] =>
    [...listed]
      .map((gk) => [gk, groups.get(gk)!] as const)
      .filter(([, g]) => g.kind === kind)
      .map(([gk, g]) => toRow(gk, g));
  const byAttempts = (a: ReportRadarGroup, b: ReportRadarGroup): number =>
    b.attempts - a.attempts || b.addresses - a.addresses || a.first - b.first || compareText(a.key, b.key);
  const byAddresses = (a: ReportRadarGroup, b: ReportRadarGroup): number =>
    b.addresses - a.addresses || b.attempts - a.attempts || a.first - b.first || compareText(a.key, b.key);

  return {
    failures,
    addresses: addresses.size,
    networks: rows('net').sort(byAttempts),
    asns: rows('asn').sort(byAttempts),
    spraying: rows('username').sort(byAddresses),
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
