// Collateral damage of bans: banned addresses that also produced successful logins,
// with the accounts behind them ("this ban would have locked out alice from her phone").
// Pure; shared by the audit report and by `tune`.
import type { EpochMs, Hit } from '../types.js';

/** A banned address that also logged in successfully, and who logged in from it. */
export interface Collateral {
  ip: string;
  /** Accounts that logged in from the address, most logins first. */
  users: string[];
  logins: number;
  firstSuccess: EpochMs;
  lastSuccess: EpochMs;
}

/** Per-address successful logins, indexed once and reused for many ban lists (tune). */
export interface SuccessIndex {
  byIp: Map<string, { users: Map<string, number>; logins: number; first: EpochMs; last: EpochMs }>;
}

/** Indexes the success hits by address. */
export function indexSuccesses(hits: Iterable<Hit>): SuccessIndex {
  const byIp: SuccessIndex['byIp'] = new Map();
  for (const h of hits) {
    if (h.kind !== 'success') continue;
    let e = byIp.get(h.id);
    if (e === undefined) byIp.set(h.id, (e = { users: new Map(), logins: 0, first: h.time, last: h.time }));
    e.logins++;
    if (h.time < e.first) e.first = h.time;
    if (h.time > e.last) e.last = h.time;
    if (h.user !== undefined && h.user !== '') e.users.set(h.user, (e.users.get(h.user) ?? 0) + 1);
  }
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
