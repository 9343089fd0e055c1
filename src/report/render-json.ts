// Renders a Report as one JSON document (schema 1, described in the README).
// The key order and every field name here are a public contract: change them only with a
// schema bump. Absent values are `null`, never missing keys. Escaping is JSON.stringify's,
// plus \u escapes for the characters a terminal would act on.

import type {
  BanEvent,
  CompromiseReason,
  EpochMs,
  FileStats,
  Report,
  ReportAccount,
  ReportAccountName,
  ReportCollateral,
  ReportCompromise,
  ReportDatabase,
  ReportIp,
  ReportJail,
  ReportRadarGroup,
  ReportUsername,
} from '../types.js';
import { LazyList, safeJsonPieces } from './json-pieces.js';
import { textOf } from './text-output.js';

/** Options for `renderJson`. */
export interface RenderJsonOptions {
  /** Formats a log time as ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
}


/** Renders the report as pretty-printed JSON (2-space indent) ending with a newline. */
export function renderJson(report: Report, options: RenderJsonOptions): string {
  return textOf(renderJsonPieces(report, options));
}

/** renderJson's text in pieces, produced as they are written (a large report is never one string). */
export function* renderJsonPieces(report: Report, options: RenderJsonOptions): Generator<string> {
  yield* safeJsonPieces(toJsonReport(report, options.formatTime));
  yield '\n';
}

/** The JSON document as a plain value, in the documented key order. */
export function toJsonReport(report: Report, formatTime: (ms: EpochMs) => string): JsonReport {
  const time = (ms: EpochMs | undefined): string | null => (ms === undefined ? null : formatTime(ms));
  return {
    schema: 1,
    span: { first: time(report.span.first), last: time(report.span.last) },
    window: report.window === undefined ? null : { since: time(report.window.since), until: time(report.window.until) },
    files: report.files.map((f) => jsonFileStats(f, time)),
    jails: report.jails.map((j: ReportJail) => ({
      name: j.name,
      filter: j.filter,
      maxretry: j.maxretry,
      findtime: j.findtime,
      bantime: j.bantime,
      failures: j.failures,
      ids: j.ids,
      bans: new LazyList(j.bans, (b: BanEvent) => ({
        ip: b.id,
        start: formatTime(b.start),
        end: time(b.end),
        failures: b.failures,
        blocked: b.blocked,
      })),
    })),
    ips: new LazyList(report.ips, (ip: ReportIp) => ({
      ip: ip.ip,
      country: ip.country ?? null,
      asn: ip.asn ?? null,
      org: ip.org ?? null,
      failures: ip.failures,
      blocked: ip.blocked,
      bans: ip.bans,
      jails: [...ip.jails],
      firstBan: time(ip.firstBan),
      lastBan: time(ip.lastBan),
      first: formatTime(ip.first),
      last: formatTime(ip.last),
      usernames: [...ip.usernames],
    })),
    usernames: new LazyList(report.usernames, (u: ReportUsername) => ({
      name: u.name,
      attempts: u.attempts,
      ips: u.ips,
      first: formatTime(u.first),
      last: formatTime(u.last),
    })),
    stats: {
      files: report.stats.files,
      lines: report.stats.lines,
      noTime: report.stats.noTime,
      overlong: report.stats.overlong,
      failures: report.stats.failures,
      successes: report.stats.successes,
      bannedIps: report.stats.bannedIps,
      banEvents: report.stats.banEvents,
      blocked: report.stats.blocked,
    },
    geoip:
      report.geoip === undefined
        ? null
        : {
            database: report.geoip.database,
            buildDate: report.geoip.buildDate ?? null,
            asn: report.geoip.asn === undefined ? null : jsonDatabase(report.geoip.asn),
          },
    collateral: (report.collateral ?? []).map((c: ReportCollateral) => ({
      ip: c.ip,
      country: c.country ?? null,
      asn: c.asn ?? null,
      org: c.org ?? null,
      users: [...c.users],
      logins: c.logins,
      firstSuccess: formatTime(c.firstSuccess),
      lastSuccess: formatTime(c.lastSuccess),
      loginsDuringBan: c.loginsDuringBan,
      jails: [...c.jails],
      bans: c.bans,
      firstBan: formatTime(c.firstBan),
      lastBan: formatTime(c.lastBan),
      failures: c.failures,
      failedUsers: [...c.failedUsers],
    })),
    compromises: (report.compromises ?? []).map((c: ReportCompromise) => ({
      user: c.user,
      ip: c.ip,
      country: c.country ?? null,
      asn: c.asn ?? null,
      org: c.org ?? null,
      time: formatTime(c.time),
      logins: c.logins,
      lastLogin: formatTime(c.lastLogin),
      reasons: [...c.reasons],
      priorFailures: c.priorFailures,
      priorUsers: [...c.priorUsers],
      burstFailures: c.burstFailures,
      burstIps: c.burstIps,
      banned: c.banned,
      duringBan: c.duringBan,
    })),
    accounts: new LazyList(report.accounts ?? [], (a: ReportAccount) => ({
      key: a.key,
      exists: a.exists,
      attempts: a.attempts,
      ips: a.ips,
      countries: [...a.countries],
      first: formatTime(a.first),
      last: formatTime(a.last),
      logins: a.logins,
      names: a.names.map((n: ReportAccountName) => ({
        name: n.name,
        spellings: [...n.spellings],
        exists: n.exists,
        attempts: n.attempts,
        ips: n.ips,
        countries: [...n.countries],
        first: time(n.first),
        last: time(n.last),
        logins: n.logins,
        lastLogin: time(n.lastLogin),
      })),
    })),
    belowRadar: {
      failures: report.belowRadar?.failures ?? 0,
      addresses: report.belowRadar?.addresses ?? 0,
      networks: new LazyList(report.belowRadar?.networks ?? [], (g) => jsonGroup(g, time)),
      asns: new LazyList(report.belowRadar?.asns ?? [], (g) => jsonGroup(g, time)),
      spraying: new LazyList(report.belowRadar?.spraying ?? [], (g) => jsonGroup(g, time)),
    },
  };
}

/** One input file as JSON (shared by the audit and tune documents). */
export function jsonFileStats(f: FileStats, time: (ms: EpochMs | undefined) => string | null) {
  return {
    path: f.path,
    gzip: f.gzip,
    lines: f.lines,
    noTime: f.noTime,
    overlong: f.overlong,
    first: time(f.first),
    last: time(f.last),
    warnings: [...f.warnings],
  };
}

function jsonDatabase(d: ReportDatabase): { database: string; buildDate: string | null } {
  return { database: d.database, buildDate: d.buildDate ?? null };
}

function jsonGroup(g: ReportRadarGroup, time: (ms: EpochMs | undefined) => string | null): JsonRadarGroup {
  return {
    kind: g.kind,
    key: g.key,
    asn: g.asn ?? null,
    org: g.org ?? null,
    countries: [...g.countries],
    addresses: g.addresses,
    attempts: g.attempts,
    maxPerAddress: g.maxPerAddress,
    networks: g.networks,
    usernames: [...g.usernames],
    distinctUsernames: g.distinctUsernames,
    first: time(g.first)!,
    last: time(g.last)!,
    caught: {
      jails: [...g.caught.jails],
      bans: g.caught.bans,
      firstBan: time(g.caught.firstBan),
      blocked: g.caught.blocked,
      addresses: g.caught.addresses,
    },
  };
}

/** Time as formatted by the caller (ISO 8601 with offset), or null when unknown. */
type JsonTime = string | null;

/** Schema 1 of the JSON report (see json-schema.md). */
export interface JsonReport {
  schema: 1;
  span: { first: JsonTime; last: JsonTime };
  /** `--since`/`--until`, when given (half-open; an open side is null). */
  window: { since: JsonTime; until: JsonTime } | null;
  files: Array<{
    path: string;
    gzip: boolean;
    lines: number;
    noTime: number;
    overlong: number;
    first: JsonTime;
    last: JsonTime;
    warnings: string[];
  }>;
  jails: Array<{
    name: string;
    filter: string;
    maxretry: number;
    findtime: number;
    bantime: number;
    failures: number;
    ids: number;
    bans: LazyList<BanEvent, { ip: string; start: string; end: JsonTime; failures: number; blocked: number }>;
  }>;
  /** The large sections are LazyLists: mapped element by element while they are streamed. */
  ips: LazyList<ReportIp, {
    ip: string;
    country: string | null;
    asn: number | null;
    org: string | null;
    failures: number;
    blocked: number;
    bans: number;
    jails: string[];
    firstBan: JsonTime;
    lastBan: JsonTime;
    first: string;
    last: string;
    usernames: string[];
  }>;
  usernames: LazyList<ReportUsername, { name: string; attempts: number; ips: number; first: string; last: string }>;
  stats: Report['stats'];
  geoip: { database: string; buildDate: string | null; asn: { database: string; buildDate: string | null } | null } | null;
  collateral: Array<{
    ip: string;
    country: string | null;
    asn: number | null;
    org: string | null;
    users: string[];
    logins: number;
    firstSuccess: string;
    lastSuccess: string;
    loginsDuringBan: number;
    jails: string[];
    bans: number;
    firstBan: string;
    lastBan: string;
    failures: number;
    failedUsers: string[];
  }>;
  compromises: Array<{
    user: string;
    ip: string;
    country: string | null;
    asn: number | null;
    org: string | null;
    time: string;
    logins: number;
    lastLogin: string;
    reasons: CompromiseReason[];
    priorFailures: number;
    priorUsers: string[];
    burstFailures: number;
    burstIps: number;
    banned: boolean;
    duringBan: boolean;
  }>;
  accounts: LazyList<ReportAccount, {
    key: string;
    exists: boolean;
    attempts: number;
    ips: number;
    countries: string[];
    first: string;
    last: string;
    logins: number;
    names: Array<{
      name: string;
      spellings: string[];
      exists: boolean;
      attempts: number;
      ips: number;
      countries: string[];
      first: JsonTime;
      last: JsonTime;
      logins: number;
      lastLogin: JsonTime;
    }>;
  }>;
  belowRadar: {
    failures: number;
    addresses: number;
    networks: LazyList<ReportRadarGroup, JsonRadarGroup>;
    asns: LazyList<ReportRadarGroup, JsonRadarGroup>;
    spraying: LazyList<ReportRadarGroup, JsonRadarGroup>;
  };
}

/** One below-the-radar group in the JSON report. */
export interface JsonRadarGroup {
  kind: 'net' | 'asn' | 'username';
  key: string;
  asn: number | null;
  org: string | null;
  countries: string[];
  addresses: number;
  attempts: number;
  maxPerAddress: number;
  networks: number;
  usernames: string[];
  distinctUsernames: number;
  first: string;
  last: string;
  caught: { jails: string[]; bans: number; firstBan: JsonTime; blocked: number; addresses: number };
}
