// Collateral damage of bans: banned addresses that also produced successful logins,
// with the accounts behind them ("this ban would have locked out alice from her phone").
// Pure; shared by the audit report and by `tune`. A success line matched by several
// filters (postfix, postfix-sasl, ...) is one login. Per-address state is kept by id code.
import { HitStore } from '../pipeline/hit-store.js';
import type { BanEvent, EpochMs, Hit } from '../types.js';
import { hitIndex } from './hit-index.js';
import { PairCounts } from './pair-counts.js';
import { scanRows } from './scan-rows.js';
import { grown } from '../grow-typed.js';
import { compareText } from '../compare-text.js';

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
      /** Time of each login, ascending (gathered when read: only collateral needs them). */
      readonly times: Float64Array;
    }
  >;
  /** Successful logins in all (each file line once). */
  logins: number;
}

/** Indexes the success hits by address (each file line once). A store, or any iterable of hits. */
export function indexSuccesses(hits: HitStore | Iterable<Hit>): SuccessIndex {
  const store = hits instanceof HitStore ? hits : HitStore.from([...hits]);
  const { rows, names } = hitIndex(store);
  const tally = new SuccessTally(rows);
  scanRows(rows, names.isName, { successes: tally });
  return tally.finish();
}

/**
 * Per address (id code): the first success row of each line (a RowSinks slot). With `only`
 * (a 0/1 flag per id code), only those addresses get an entry: the audit report needs the
 * banned ones alone (collateral), and the other logins are then just counted.
 */
export class SuccessTally {
  readonly #rows: HitStore;
  readonly #only: Uint8Array | undefined;
  readonly #logins: Int32Array;
  readonly #first: Float64Array;
  readonly #last: Float64Array;
  /** Logins per (address, username code). */
  readonly #users: PairCounts;
  readonly #order: number[] = [];
  #unsorted = false;
  #total = 0;
  #recorded = 0;
  // Each address's logins chained in row order: login k's time (a copy: the store's columns
  // may be gone when they are read, see buildReport's releaseRows), the next login of the
  // same address (-1: none), and per address its first and last login.
  #loginTime: Float64Array = new Float64Array(1024);
  #nextLogin: Int32Array = new Int32Array(1024);
  readonly #head: Int32Array;
  readonly #tail: Int32Array;

  constructor(rows: HitStore, only?: Uint8Array) {
    const n = rows.ids.size;
    this.#rows = rows;
    this.#only = only;
    this.#logins = new Int32Array(n);
    this.#first = new Float64Array(n);
    this.#last = new Float64Array(n);
    this.#users = new PairCounts(n, n >> 2);
    this.#head = new Int32Array(n).fill(-1);
    this.#tail = new Int32Array(n).fill(-1);
  }

  success(i: number): void {
    const rows = this.#rows;
    const c = rows.id[i]!;
    this.#total++;
    if (this.#only !== undefined && this.#only[c] === 0) return;
    const t = rows.time[i]!;
    if (this.#logins[c] === 0) {
      this.#order.push(c);
      this.#first[c] = t;
      this.#last[c] = t;
    } else {
      if (t < this.#first[c]!) this.#first[c] = t;
      if (t < this.#last[c]!) this.#unsorted = true;
      else this.#last[c] = t;
    }
    this.#logins[c]!++;
    const u = rows.user[i]!;
    if (u !== 0 && rows.users.values[u - 1] !== '') this.#users.add(c, u);
    const k = this.#recorded++;
    if (k === this.#loginTime.length) this.#grow();
    this.#loginTime[k] = t;
    this.#nextLogin[k] = -1;
    const tail = this.#tail[c]!;
    if (tail < 0) this.#head[c] = k;
    else this.#nextLogin[tail] = k;
    this.#tail[c] = k;
  }

  /** The index: one entry per address that logged in, in first-login order. */
  finish(): SuccessIndex {
    const byIp: SuccessIndex['byIp'] = new Map();
    const ids = this.#rows.ids.values;
    const userValues = this.#rows.users.values;
    for (const c of this.#order) {
      const users = new Map<string, number>();
      this.#users.forEach(c, (u, n) => users.set(userValues[u - 1]!, n));
      const timesOf = (): Float64Array => this.#timesOf(c);
      byIp.set(ids[c]!, {
        users,
        logins: this.#logins[c]!,
        first: this.#first[c]!,
        last: this.#last[c]!,
        get times() {
          return timesOf();
        },
      });
    }
    return { byIp, logins: this.#total };
  }

  #timesOf(c: number): Float64Array {
    const out = new Float64Array(this.#logins[c]!);
    const time = this.#loginTime;
    let n = 0;
    for (let k = this.#head[c]!; k >= 0; k = this.#nextLogin[k]!) out[n++] = time[k]!;
    if (this.#unsorted) out.sort();
    return out;
  }

  #grow(): void {
    this.#loginTime = grown(this.#loginTime, this.#loginTime.length * 2);
    this.#nextLogin = grown(this.#nextLogin, this.#nextLogin.length * 2);
  }
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
  return out.sort((a, b) => compareText(a.ip, b.ip));
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
    (a, b) => b.loginsDuringBan - a.loginsDuringBan || b.logins - a.logins || compareText(a.ip, b.ip),
  );
}

/** How many of the ascending `times` fall inside one of the bans (sorted by start; may overlap). */
function countDuring(times: Float64Array, bans: readonly BanEvent[]): number {
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
