// `tune`: what every candidate jail setting would have done, from hits scanned once.
// Each grid point replays the jail's failure stream through its own simulator; the logs
// are never read again. Pure and deterministic; the recommendation rule lives here so
// every renderer shows the same choice (README "banreplay tune").
import { BanMemory, type BanTimeIncrement } from '../jail/ban-time-increment.js';
import { createJailSimulator, type JailSimulator } from '../jail/simulate.js';
import { FAILURE, SUCCESS, type HitStore, type StringTable } from '../pipeline/hit-store.js';
import type { PlannedJail } from '../pipeline/replay.js';
import type { CountingMode, EpochMs, FileStats, WhileBannedMode } from '../types.js';
import { findCollateral, indexSuccesses, type SuccessIndex } from './collateral.js';
import { filesSpan } from './files-span.js';
import { compareText } from '../compare-text.js';

/** The candidate values; every combination is evaluated for every jail. */
export interface TuneGrid {
  maxretry: number[];
  /** Seconds. */
  findtime: number[];
  /** Seconds; -1 = permanent. */
  bantime: number[];
  /** bantime.increment off and/or on. */
  increment: boolean[];
}

/** One point of the grid. */
export interface TuneSetting {
  maxretry: number;
  findtime: number;
  bantime: number;
  increment: boolean;
}

/** Ban figures of one setting, the part compared across counting modes. */
export interface TuneBanFigures {
  /** Distinct addresses banned at least once. */
  addressesBanned: number;
  banEvents: number;
  /** Failures that arrived while the address was banned by this jail. */
  blocked: number;
}

/** The never-banned address with the most failures. */
export interface UnbannedAttack {
  id: string;
  failures: number;
  first: EpochMs;
  last: EpochMs;
}

/** What one setting would have done in one jail. */
export interface TuneRow extends TuneBanFigures {
  setting: TuneSetting;
  /** blocked / the jail's considered failures (0 when there are none). */
  blockedShare: number;
  /** Addresses with at least one considered failure that this setting never bans. */
  neverBanned: number;
  /** Distinct accounts that logged in successfully from an address this setting bans, sorted. */
  usersHit: string[];
  /** Banned addresses that also logged in successfully, sorted. */
  collateralIds: string[];
  longestUnbanned: UnbannedAttack | undefined;
  /** Not dominated on (blocked ↑, users hit ↓) by any other setting of the jail. */
  pareto: boolean;
  recommended: boolean;
  /** Equal to the jail's configured maxretry, findtime, bantime and bantime.increment on/off. */
  current: boolean;
  /** Window counting only: the same setting under fail2ban's rescaled count. */
  fail2ban: TuneBanFigures | undefined;
}

/** The grid results of one jail. */
export interface TuneJail {
  name: string;
  filter: string;
  /** The jail's configured setting. */
  current: TuneSetting;
  /** Failures matched by the jail's filter, before ignoreip (as `audit` reports them). */
  failures: number;
  /** Failures from ignoreip addresses: never counted by any setting. */
  ignored: number;
  /** Distinct addresses with a considered (not ignored) failure. */
  addresses: number;
  /** Rows in recommendation order: fewest users hit, most blocked, then the tie rule. */
  rows: TuneRow[];
  /** The first row; undefined only when the grid is empty. */
  recommended: TuneRow | undefined;
}

/** Options of `tuneJails`. */
export interface TuneOptions {
  grid: TuneGrid;
  counting: CountingMode;
  whileBanned: WhileBannedMode;
  /**
   * bantime.increment for the `increment: true` rows of jails that have none configured (a
   * jail's own configured increment wins); required when the grid holds `increment: true`.
   */
  increment?: BanTimeIncrement;
}

/** Everything the tune renderers need; they are pure functions of it. */
export interface TuneReport {
  grid: TuneGrid;
  counting: CountingMode;
  whileBanned: WhileBannedMode;
  /** Files in replay order. */
  files: FileStats[];
  span: { first: EpochMs | undefined; last: EpochMs | undefined };
  /** Successful logins matched (all jails), the source of "users hit". */
  successes: number;
  jails: TuneJail[];
}

/** Evaluates the grid over one scan (files in replay order, hits in log-time order). */
export function buildTuneReport(
  scan: { files: FileStats[]; hits: HitStore },
  jails: readonly PlannedJail[],
  opts: TuneOptions,
): TuneReport {
  const { first, last } = filesSpan(scan.files);
  let successes = 0;
  const { kind } = scan.hits;
  for (let i = 0; i < scan.hits.length; i++) if (kind[i] === SUCCESS) successes++;
  return {
    grid: opts.grid,
    counting: opts.counting,
    whileBanned: opts.whileBanned,
    files: scan.files,
    span: { first, last },
    successes,
    jails: tuneJails(scan.hits, jails, opts),
  };
}

/** Every combination, in grid order (maxretry, findtime, bantime, increment). */
export function gridSettings(grid: TuneGrid): TuneSetting[] {
  const out: TuneSetting[] = [];
  for (const maxretry of grid.maxretry)
    for (const findtime of grid.findtime)
      for (const bantime of grid.bantime)
        for (const increment of grid.increment) out.push({ maxretry, findtime, bantime, increment });
  return out;
}

/** Evaluates the grid for every jail over the time-ordered hits (jail indices as in `jails`). */
export function tuneJails(hits: HitStore, jails: readonly PlannedJail[], opts: TuneOptions): TuneJail[] {
  const successes = indexSuccesses(hits);
  const streams = splitFailures(hits, jails.length);
  const settings = gridSettings(opts.grid);
  if (settings.some((s) => s.increment) && opts.increment === undefined) {
    throw new RangeError('tune: the grid asks for bantime.increment but no increment parameters were given');
  }
  // A recidive jail has no failures of its own (it is fed the other jails' bans): nothing to tune.
  return jails.flatMap((jail, j) => (jail.recidive === true ? [] : [tuneOneJail(jail, streams[j]!, hits.ids, successes, settings, opts)]));
}

/** One jail's failures as parallel arrays, in log-time order; `codes` index the store's ids. */
interface FailureStream {
  times: Float64Array;
  codes: Uint32Array;
}

function splitFailures(hits: HitStore, jailCount: number): FailureStream[] {
  const { length, jail, kind, time, id } = hits;
  const counts = new Array<number>(jailCount).fill(0);
  for (let i = 0; i < length; i++) if (kind[i] === FAILURE && jail[i]! < jailCount) counts[jail[i]!]!++;
  const streams = counts.map((n) => ({ times: new Float64Array(n), codes: new Uint32Array(n) }));
  const fill = new Array<number>(jailCount).fill(0);
  for (let i = 0; i < length; i++) {
    const j = jail[i]!;
    if (kind[i] !== FAILURE || j >= jailCount) continue;
    const s = streams[j]!;
    const k = fill[j]!++;
    s.times[k] = time[i]!;
    s.codes[k] = id[i]!;
  }
  return streams;
}

/** Per-address figures that do not depend on the setting, by id code. */
interface IdStats {
  /** Codes of the addresses with a considered failure, in first-seen order. */
  considered: Uint32Array;
  /** Considered failures per code (0: none, or ignored). */
  failures: Uint32Array;
  first: Float64Array;
  last: Float64Array;
}

function tuneOneJail(
  jail: PlannedJail,
  stream: FailureStream,
  table: StringTable,
  successes: SuccessIndex,
  settings: readonly TuneSetting[],
  opts: TuneOptions,
): TuneJail {
  const { spec } = jail;
  const { times, codes } = stream;
  const ids = table.values;
  // ignoreip is decided once per address here, and the simulators share the answer.
  const ignoredIds = new Set<string>();
  const known = new Uint8Array(ids.length); // 0 = unseen, 1 = considered, 2 = ignored
  const stats: IdStats = {
    considered: new Uint32Array(ids.length),
    failures: new Uint32Array(ids.length),
    first: new Float64Array(ids.length),
    last: new Float64Array(ids.length),
  };
  let addresses = 0;
  let ignored = 0;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    const t = times[i]!;
    const state = known[code]!;
    if (state === 1) {
      stats.failures[code]!++;
      if (t < stats.first[code]!) stats.first[code] = t;
      if (t > stats.last[code]!) stats.last[code] = t;
      continue;
    }
    if (state === 2) {
      ignored++;
      continue;
    }
    if (jail.ignore?.(ids[code]!) === true) {
      known[code] = 2;
      ignoredIds.add(ids[code]!);
      ignored++;
      continue;
    }
    known[code] = 1;
    stats.considered[addresses++] = code;
    stats.failures[code] = 1;
    stats.first[code] = t;
    stats.last[code] = t;
  }
  stats.considered = stats.considered.subarray(0, addresses);
  const considered = codes.length - ignored;
  const ignore = ignoredIds.size > 0 ? (id: string) => ignoredIds.has(id) : undefined;
  // Banned marks by code: a row's bans stamp its own number, so the array is never cleared.
  const bannedStamp = new Uint32Array(ids.length);
  let stamp = 0;

  const rows = settings.map((setting): TuneRow => {
    const sim = simulate(jail, setting, opts.counting, stream, ids, ignore, opts);
    const banned = bannedIds(sim);
    const figures = banFigures(sim, banned);
    stamp++;
    let bannedConsidered = 0;
    for (const id of banned) {
      // Bans come from this jail's own failures: every banned id has a code.
      const code = table.find(id);
      if (code < 0) continue;
      bannedStamp[code] = stamp;
      if (known[code] === 1) bannedConsidered++;
    }
    const collateral = findCollateral(banned, successes);
    const users = new Set<string>();
    for (const c of collateral) for (const u of c.users) users.add(u);
    return {
      setting,
      ...figures,
      blockedShare: considered === 0 ? 0 : figures.blocked / considered,
      neverBanned: addresses - bannedConsidered,
      usersHit: [...users].sort(compareText),
      collateralIds: collateral.map((c) => c.ip),
      longestUnbanned: longestUnbanned(stats, ids, bannedStamp, stamp),
      pareto: false,
      recommended: false,
      current:
        setting.increment === (jail.increment !== undefined) &&
        setting.maxretry === spec.maxretry &&
        setting.findtime === spec.findtime &&
        setting.bantime === spec.bantime,
      // Window counting is shown next to what fail2ban's own count would have done (issue 7).
      fail2ban:
        opts.counting === 'window' ? banFigures(simulate(jail, setting, 'fail2ban', stream, ids, ignore, opts)) : undefined,
    };
  });

  rows.sort(compareRows);
  markPareto(rows);
  const recommended = rows[0];
  if (recommended !== undefined) recommended.recommended = true;
  return {
    name: spec.name,
    filter: spec.filter,
    current: { maxretry: spec.maxretry, findtime: spec.findtime, bantime: spec.bantime, increment: jail.increment !== undefined },
    failures: codes.length,
    ignored,
    addresses,
    rows,
    recommended,
  };
}

function simulate(
  jail: PlannedJail,
  setting: TuneSetting,
  counting: CountingMode,
  stream: FailureStream,
  ids: readonly string[],
  ignore: ((id: string) => boolean) | undefined,
  opts: TuneOptions,
): JailSimulator {
  const increment = setting.increment ? (jail.increment ?? opts.increment) : undefined;
  const sim = createJailSimulator({
    name: jail.spec.name,
    maxretry: setting.maxretry,
    findtime: setting.findtime,
    bantime: setting.bantime,
    counting,
    whileBanned: opts.whileBanned,
    codes: ids,
    ...(ignore !== undefined ? { ignore } : {}),
    // Each grid point is its own history: the memory of earlier bans starts empty every time.
    ...(increment !== undefined ? { increment, memory: new BanMemory() } : {}),
  });
  // By id code (no string look-up per failure). The simulator is read through banTotals and
  // forEachBannedId: no object per ban, no per-id tallies.
  const { times, codes } = stream;
  for (let i = 0; i < codes.length; i++) sim.addCoded(times[i]!, codes[i]!);
  return sim;
}

/** The distinct ids the simulator banned. */
function bannedIds(sim: JailSimulator): Set<string> {
  const banned = new Set<string>();
  sim.forEachBannedId((id) => banned.add(id));
  return banned;
}

/** `banned`: the simulator's bannedIds, when the caller has them already. */
function banFigures(sim: JailSimulator, banned: ReadonlySet<string> = bannedIds(sim)): TuneBanFigures {
  const { events, blocked } = sim.banTotals();
  return { addressesBanned: banned.size, banEvents: events, blocked };
}

/**
 * Most failures first: a span alone would crown a user who mistypes a password once a week.
 * Ties: the longer first-to-last span, then the address. `bannedStamp[code] === stamp`
 * marks the addresses this setting bans.
 */
function longestUnbanned(
  stats: IdStats,
  ids: readonly string[],
  bannedStamp: Uint32Array,
  stamp: number,
): UnbannedAttack | undefined {
  const { considered, failures, first, last } = stats;
  let best = -1;
  for (let k = 0; k < considered.length; k++) {
    const code = considered[k]!;
    if (bannedStamp[code] === stamp) continue;
    if (best < 0) {
      best = code;
      continue;
    }
    const f = failures[code]!;
    const bf = failures[best]!;
    const span = last[code]! - first[code]!;
    const bspan = last[best]! - first[best]!;
    if (f > bf || (f === bf && (span > bspan || (span === bspan && ids[code]! < ids[best]!)))) best = code;
  }
  return best < 0 ? undefined : { id: ids[best]!, failures: failures[best]!, first: first[best]!, last: last[best]! };
}

/** A permanent ban is longer than any finite one. */
function banLength(bantime: number): number {
  return bantime === -1 ? Infinity : bantime;
}

/**
 * The recommendation order (README): fewest users hit, most attempts blocked, then the
 * gentler setting — shorter bantime, larger maxretry, shorter findtime, increment off.
 */
export function compareRows(a: TuneRow, b: TuneRow): number {
  return (
    a.usersHit.length - b.usersHit.length ||
    b.blocked - a.blocked ||
    banLength(a.setting.bantime) - banLength(b.setting.bantime) ||
    b.setting.maxretry - a.setting.maxretry ||
    a.setting.findtime - b.setting.findtime ||
    Number(a.setting.increment) - Number(b.setting.increment)
  );
}

/** Marks the Pareto front of (blocked ↑, users hit ↓); rows must be in `compareRows` order. */
function markPareto(rows: readonly TuneRow[]): void {
  let bestFewer = -1; // most blocked among rows hitting strictly fewer users
  let i = 0;
  while (i < rows.length) {
    const users = rows[i]!.usersHit.length;
    // Sorted by blocked descending within the same users-hit count: the first is the group's best.
    const top = rows[i]!.blocked;
    for (; i < rows.length && rows[i]!.usersHit.length === users; i++) {
      const r = rows[i]!;
      r.pareto = r.blocked === top && top > bestFewer;
    }
    if (top > bestFewer) bestFewer = top;
  }
}

