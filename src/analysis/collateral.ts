// Collateral damage of bans: banned addresses that also produced successful logins,
// with the accounts behind them ("this ban would have locked out alice from her phone").
// Pure; shared by the audit report and by `tune`. A success line matched by several
// filters (postfix, postfix-sasl, ...) is one login.
import type { BanEvent, EpochMs, Hit } from '../types.js';

/** A banned address that also logged in successfully, and who logged in from it. */
export interface Collateral {
  ip: string;
  /** Accounts that logged in from the address, most logins first. */
  users: string[];
  logins: number;
  firstSuccess: EpochMs;
  lastSuccess: EpochMs;
}

/** Collateral plus what the bans did: which jails, when, and the logins they would have refused. */
export interface CollateralDetail extends Collateral {
  /** Jails that banned the address, in the order of `jailOrder`. */
  jails: string[];
  bans: number;
  firstBan: EpochMs;
  lastBan: EpochMs;
  /** Logins that fell inside one of its bans (start inclusive, end exclusive). */
  loginsDuringBan: number;
}

/** Per-address successful logins, indexed once and reused for many ban lists (tune). */
export interface SuccessIndex {
  byIp: Map<
    string,
    {
      users: Map<string, number>;
      logins: number;
      first: EpochMs;
      last: EpochMs;
      /** Time of each login, ascending. */
      times: EpochMs[];
    }
  >;
}

/** Indexes the success hits by address (each file line once). */
export function indexSuccesses(hits: Iterable<Hit>): SuccessIndex {
  const byIp: SuccessIndex['byIp'] = new Map();
  const seenLines = new Set<number>();
  let unsorted = false;
  for (const h of hits) {
    if (h.kind !== 'success') continue;
    // file and line as one number: cheaper than a string key on every login.
    const key = h.file * 4_294_967_296 + h.line;
    if (seenLines.has(key)) continue;
    seenLines.add(key);
    let e = byIp.get(h.id);
    if (e === undefined) byIp.set(h.id, (e = { users: new Map(), logins: 0, first: h.time, last: h.time, times: [] }));
    e.logins++;
    if (h.time < e.first) e.first = h.time;
    if (h.time < e.last) unsorted = true;
    else e.last = h.time;
    e.times.push(h.time);
    if (h.user !== undefined && h.user !== '') e.users.set(h.user, (e.users.get(h.user) ?? 0) + 1);
  }
  if (unsorted) for (const e of byIp.values()) e.times.sort((a, b) => a - b);
  return { byIp };
}

/** The banned addresses (any order, duplicates allowed) that also logged in, sorted by address. */
export function findCollateral(bannedIds: Iterable<string>, index: SuccessIndex): Collateral[] {
  const out: Collateral[] = [];
  const seen = new Set<string>();
  for (const id of bannedIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    const e = index.byIp.get(id);
    if (e === undefined) continue;
    out.push({
      ip: id,
      users: [...e.users].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([u]) => u),
      logins: e.logins,
      firstSuccess: e.first,
      lastSuccess: e.last,
    });
  }
  return out.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
}

/**
 * Collateral of a list of bans with ban details; most logins refused during a ban first,
 * then most logins, then by address.
 */
export function describeCollateral(
  bans: Iterable<BanEvent>,
  index: SuccessIndex,
  jailOrder: readonly string[],
): CollateralDetail[] {
  const byIp = new Map<string, BanEvent[]>();
  for (const b of bans) {
    if (!index.byIp.has(b.id)) continue;
    const list = byIp.get(b.id);
    if (list === undefined) byIp.set(b.id, [b]);
    else list.push(b);
  }
  const rank = new Map(jailOrder.map((name, i) => [name, i]));
  const details: CollateralDetail[] = [];
  for (const c of findCollateral(byIp.keys(), index)) {
    const list = byIp.get(c.ip)!.sort((a, b) => a.start - b.start);
    details.push({
      ...c,
      jails: [...new Set(list.map((b) => b.jail))].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0)),
      bans: list.length,
      firstBan: list[0]!.start,
      lastBan: list[list.length - 1]!.start,
      loginsDuringBan: countDuring(index.byIp.get(c.ip)!.times, list),
    });
  }
  return details.sort(
    (a, b) => b.loginsDuringBan - a.loginsDuringBan || b.logins - a.logins || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0),
  );
}

/** How many of the ascending `times` fall inside one of the bans (sorted by start; may overlap). */
function countDuring(times: readonly EpochMs[], bans: readonly BanEvent[]): number {
  let n = 0;
  let b = 0;
  let reach = -Infinity; // end of the union of the bans started so far
  for (const t of times) {
    while (b < bans.length && bans[b]!.start <= t) {
      const end = bans[b]!.end;
      reach = end === undefined ? Infinity : Math.max(reach, end);
      b++;
    }
    if (t < reach) n++;
  }
  return n;
}
