// Turns a replay outcome into the renderer-facing Report (bans, addresses, usernames and the
// forensics sections), all fed by one pass over the rows (scan-rows.ts). Pure, but for the
// rows it may be told to release; GeoIP asked once per address. A line matched by several
// jails counts once per address: its hits are adjacent (hit-index.ts). State by id code in
// typed arrays; strings only in rows emitted.
import { describeGeoIp, type GeoIpDescription } from '../enrich/describe-geoip.js';
import type { ReplayOutcome } from '../pipeline/replay.js';
import { OUTCOME_BLOCKED, OUTCOME_IGNORED, OUTCOME_PROLONGED, type HitStore } from '../pipeline/hit-store.js';
import type { CountingMode, EpochMs, JailSpec, Report, ReportCollateral, ReportIp, ReportJail } from '../types.js';
import { RadarTally } from './below-radar.js';
import { describeCollateral, SuccessTally } from './collateral.js';
import { CompromiseScan } from './compromise.js';
import { filesSpan } from './files-span.js';
import { compareText } from '../compare-text.js';
import { byIdCode, hitIndex } from './hit-index.js';
import { TopNames } from './pair-counts.js';
import { NO_NAMES, SharedLists } from './shared-lists.js';
import { FailedNames, scanRows } from './scan-rows.js';
import { AccountTally, UsernameCounter } from './usernames.js';

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
  /**
   * The caller reads nothing of the hits after this report: their columns are dropped
   * (HitStore.release) once the analyses' pass is done, before the report's rows are built
   * on top of them (#4).
   */
  releaseRows?: boolean;
  /** Called once the rows are released: the caller's moment to collect them. */
  onRelease?: () => void;
}

/** Most-tried usernames kept per address. */
const USERNAMES_PER_IP = 10;

// State of an address's current line: the strongest outcome any jail gave it.
const LINE_IGNORED = 1;
const LINE_COUNTED = 2;
const LINE_BLOCKED = 3;

/** Builds the report for `jails` (same order as the replay's results). */
export function buildReport(outcome: ReplayOutcome, jails: JailSpec[], opts: BuildReportOptions = {}): Report {
  const { results } = outcome;
  const { rows, names } = hitIndex(outcome.hits);
  const ids = rows.ids.values;
  const nIds = ids.length;
  const geo = opts.geo;
  // GeoIP answers by id code, shared by every section: one lookup per address.
  const geoOf = geo === undefined ? undefined : byIdCode(rows, (ip) => geo.lookup(ip));

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

  // Per id code: 1 when some jail banned the address; its bans.
  const banned = new Uint8Array(nIds);
  const bansOf = new Array<{ count: number; first: EpochMs; last: EpochMs } | undefined>(nIds);
  for (const [id, bans] of bansById) {
    const c = rows.ids.find(id);
    if (c < 0) continue;
    banned[c] = 1;
    bansOf[c] = bans;
  }

  // One pass over the rows feeds every section.
  const tally = new FailureTally(rows, jails.length);
  const usernames = new UsernameCounter(rows);
  const accounts = new AccountTally(rows, names);
  // Collateral looks at the logins of banned addresses only.
  const successes = new SuccessTally(rows, banned);
  const compromises = new CompromiseScan(rows, names);
  const radar = new RadarTally(rows, names, banned, geoOf);
  const failedNames = new FailedNames(nIds);
  scanRows(rows, names.isName, { tally, usernames, accounts, successes, compromises, radar, failedNames });
  // From here on only the string tables are read (the analyses copied what they keep).
  if (opts.releaseRows === true) {
    rows.release();
    outcome.hits.release();
    opts.onRelease?.();
  }

  const reportJails: ReportJail[] = jails.map((spec, j) => ({
    name: spec.name,
    filter: spec.filter,
    maxretry: spec.maxretry,
    findtime: spec.findtime,
    bantime: spec.bantime,
    failures: tally.perJailFailures[j]!,
    ids: tally.perJailIds[j]!,
    bans: results[j]!.bans,
  }));

  const userValues = rows.users.values;
  const nameOfUser = (u: number): string => userValues[u - 1]!;
  // An address's usernames: the lines whose first failure row has them (nearly always every
  // line of the pair: then firstFailures looks up no correction).
  const usernamesOf = (c: number): readonly string[] => {
    const top = new TopNames(USERNAMES_PER_IP);
    failedNames.counts.forEach(c, (u, lines) => {
      const n = failedNames.firstFailures(c, u, lines);
      if (n > 0) top.offer(u, n, nameOfUser);
    });
    // An exact-size copy: the list grew by push, with room for 17 names.
    return top.names.length === 0 ? NO_NAMES : top.names.slice();
  };
  const reportIps: ReportIp[] = [];
  // Per id code: its row of the report, if any.
  const reported = new Array<ReportIp | undefined>(nIds);
  // One array per set of jails, not per address: with a million addresses the arrays
  // (each with room for 17 names) would weigh ~90 MB.
  const jailLists = new SharedLists();
  const { counted, blocked, jailSeen } = tally;
  let blockedTotal = 0;
  for (let c = 0; c < nIds; c++) {
    // Never seen (both 0 too), or only ever seen from ignored addresses.
    if (counted[c] === 0 && blocked[c] === 0) continue;
    blockedTotal += blocked[c]!;
    const ip = ids[c]!;
    const bans = bansOf[c];
    const where = geoOf?.(c);
    const jailNames: string[] = [];
    for (let j = 0; j < jails.length; j++) if (jailSeen[j * nIds + c] === 1) jailNames.push(jails[j]!.name);
    const row: ReportIp = {
      ip,
      country: where?.country,
      asn: where?.asn,
      org: where?.org,
      failures: counted[c]!,
      blocked: blocked[c]!,
      bans: bans?.count ?? 0,
      jails: jailLists.get(jailNames),
      firstBan: bans?.first,
      lastBan: bans?.last,
      first: tally.firstTime[c]!,
      last: tally.lastTime[c]!,
      usernames: usernamesOf(c),
    };
    reportIps.push(row);
    reported[c] = row;
  }
  reportIps.sort(
    (a, b) =>
      b.failures + b.blocked - (a.failures + a.blocked) ||
      b.bans - a.bans ||
      a.first - b.first ||
      compareText(a.ip, b.ip),
  );

  const { first, last } = filesSpan(outcome.files);
  const sum = (pick: (f: (typeof outcome.files)[number]) => number): number =>
    outcome.files.reduce((n, f) => n + pick(f), 0);

  // ---- forensics ----
  const allBans = results.flatMap((r) => r.bans);
  const successIndex = successes.finish();
  const collateral: ReportCollateral[] = describeCollateral(
    allBans,
    successIndex,
    jails.map((j) => j.name),
  ).map((c) => {
    const code = rows.ids.find(c.ip);
    const where = code < 0 ? undefined : geoOf?.(code);
    const entry = code < 0 ? undefined : reported[code];
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
      failedUsers: entry === undefined ? [] : [...entry.usernames],
    };
  });
  const compromised = compromises.finish(allBans).map((c) => {
    const code = rows.ids.find(c.ip);
    const where = code < 0 ? undefined : geoOf?.(code);
    return { ...c, country: where?.country, asn: where?.asn, org: where?.org };
  });

  return {
    schema: 1,
    files: outcome.files,
    span: { first, last },
    jails: reportJails,
    ips: reportIps,
    usernames: usernames.finish(failedNames),
    stats: {
      files: outcome.files.length,
      lines: sum((f) => f.lines),
      noTime: sum((f) => f.noTime),
      overlong: sum((f) => f.overlong),
      failures: tally.failures,
      successes: successIndex.logins,
      bannedIps: bansById.size,
      banEvents: results.reduce((n, r) => n + r.bans.length, 0),
      blocked: blockedTotal,
    },
    geoip: geo === undefined ? undefined : describeGeoIp(geo),
    collateral,
    compromises: compromised,
    accounts: accounts.finish((code) => geoOf?.(code)?.country, failedNames),
    belowRadar: radar.finish(jails, opts.counting ?? 'fail2ban'),
  };
}

/**
 * Per-jail and per-address tallies of every failure row (a RowSinks slot; buildReport's own): a line is new for
 * an address when it differs from that address's previous failure line (its hits are adjacent).
 */
export class FailureTally {
  /** Distinct failure lines. */
  failures = 0;
  readonly perJailFailures: number[];
  readonly perJailIds: number[];
  /** Per (jail, id code), at `jail * ids + code`: 1 once the jail saw a failure from the address. */
  readonly jailSeen: Uint8Array;
  /** Per id code: 1 when it has failures; first and last failure time; lines counted, blocked. */
  readonly seen: Uint8Array;
  readonly firstTime: Float64Array;
  readonly lastTime: Float64Array;
  readonly counted: Int32Array;
  readonly blocked: Int32Array;
  readonly #rows: HitStore;
  readonly #nIds: number;
  /** The address's last failure line (serial number, see scanRows) and that line's state. */
  readonly #lastLine: Int32Array;
  readonly #lineState: Uint8Array;

  constructor(rows: HitStore, nJails: number) {
    const nIds = rows.ids.size;
    this.#rows = rows;
    this.#nIds = nIds;
    this.perJailFailures = new Array<number>(nJails).fill(0);
    this.perJailIds = new Array<number>(nJails).fill(0);
    this.jailSeen = new Uint8Array(nJails * nIds);
    this.seen = new Uint8Array(nIds);
    this.firstTime = new Float64Array(nIds);
    this.lastTime = new Float64Array(nIds);
    this.counted = new Int32Array(nIds);
    this.blocked = new Int32Array(nIds);
    this.#lastLine = new Int32Array(nIds).fill(-1);
    this.#lineState = new Uint8Array(nIds);
  }

  failure(i: number, line: number, head: boolean): void {
    const rows = this.#rows;
    const j = rows.jail[i]!;
    const c = rows.id[i]!;
    const t = rows.time[i]!;
    this.perJailFailures[j]!++;
    const js = j * this.#nIds + c;
    if (this.jailSeen[js] === 0) {
      this.jailSeen[js] = 1;
      this.perJailIds[j]!++;
    }
    if (head) this.failures++;
    if (this.seen[c] === 0) {
      this.seen[c] = 1;
      this.firstTime[c] = t;
    }
    this.lastTime[c] = t;
    // blocked in any jail > counted in any jail > ignored everywhere
    const o = rows.outcome[i]!;
    const state = o === OUTCOME_BLOCKED || o === OUTCOME_PROLONGED ? LINE_BLOCKED : o === OUTCOME_IGNORED ? LINE_IGNORED : LINE_COUNTED;
    if (this.#lastLine[c] === line) {
      // Another jail's hit of the address's current line: keep the strongest state.
      const before = this.#lineState[c]!;
      if (state <= before) return;
      if (before === LINE_COUNTED) this.counted[c]!--;
    }
    this.#lastLine[c] = line;
    this.#lineState[c] = state;
    if (state === LINE_COUNTED) this.counted[c]!++;
    else if (state === LINE_BLOCKED) this.blocked[c]!++;
  }
}
