// Possible compromises: logins that follow failures from the same address (on that account
// or others) or a burst of failures on the account from elsewhere; one pass over the first
// hit of each line, in time order. An address that logged in as the account before it ever
// failed is the user's own (broken client, shared NAT). State by id code in typed arrays.
import { SUCCESS, type HitStore } from '../pipeline/hit-store.js';
import type { BanEvent, CompromiseReason, ReportCompromise } from '../types.js';
import { hitIndex, type NameCodes } from './hit-index.js';
import { PairCounts, TopNames } from './pair-counts.js';
import { scanRows } from './scan-rows.js';
import { grown } from '../grow-typed.js';

/** Failures on an account from other addresses, within this window before a login, make a burst. */
export const BURST_WINDOW_MS = 24 * 3_600_000;
/** A burst needs at least this many failures... */
export const BURST_MIN_FAILURES = 5;
/** ...from at least this many other addresses. */
export const BURST_MIN_IPS = 3;
/** Failures from the address on the same account before a login that make it suspicious. */
export const SAME_ACCOUNT_MIN_FAILURES = 3;
/** Failures on other accounts (or distinct other accounts, 2) that make a login suspicious. */
export const OTHER_ACCOUNTS_MIN_FAILURES = 3;

const PRIOR_USERS = 10;

/** Finds possible compromises in time-ordered hits (the replay's order); `bans` are every jail's simulated bans. */
export function findCompromises(hits: HitStore, bans: Iterable<BanEvent>): ReportCompromise[] {
  const { rows, names } = hitIndex(hits);
  const scan = new CompromiseScan(rows, names);
  scanRows(rows, names.isName, { compromises: scan });
  return scan.finish(bans);
}

/** The first row of each line, in time order (a RowSinks slot); see findCompromises. */
export class CompromiseScan {
  readonly #rows: HitStore;
  readonly #names: NameCodes;
  // Per address (id code): first failure and failures (with or without a username).
  readonly #firstFailure: Float64Array;
  readonly #failures: Int32Array;
  /**
   * Per address: its failures with a username, chained in time order (entry k: normalised
   * name and next entry of the same address, -1 = last). Read back only when a login is
   * examined, which is rare: cheaper than keeping counts per (address, name) for every failure.
   */
  #failNorm: Int32Array = new Int32Array(1024);
  #failNext: Int32Array = new Int32Array(1024);
  #failCount = 0;
  readonly #failHead: Int32Array;
  readonly #failTail: Int32Array;
  /** Per account group: stamped with the login being examined (distinct groups of an address). */
  readonly #groupStamp: Int32Array;
  /** Per account group: failures in time order, pruned to the burst window. */
  readonly #windows: (BurstWindow | undefined)[];
  /** Per (account group, address) pair index: first login and the compromise found (index + 1 in `#found`). */
  readonly #logins: PairCounts;
  #firstLogin: Float64Array = new Float64Array(1024);
  #foundAt: Int32Array = new Int32Array(1024);
  /** Per address: the account group and pair of its last login. */
  readonly #lastGroup: Int32Array;
  readonly #lastPair: Int32Array;
  /** Distinct other addresses of a burst: id codes stamped with the login being examined. */
  readonly #stamp: Int32Array;
  readonly #found: ReportCompromise[] = [];

  constructor(rows: HitStore, names: NameCodes) {
    const nIds = rows.ids.size;
    this.#rows = rows;
    this.#names = names;
    this.#firstFailure = new Float64Array(nIds);
    this.#failures = new Int32Array(nIds);
    this.#failHead = new Int32Array(nIds).fill(-1);
    this.#failTail = new Int32Array(nIds).fill(-1);
    this.#groupStamp = new Int32Array(names.groups.length).fill(-1);
    this.#windows = new Array<BurstWindow | undefined>(names.groups.length);
    this.#logins = new PairCounts(names.groups.length, nIds >> 1);
    this.#stamp = new Int32Array(nIds).fill(-1);
    this.#lastGroup = new Int32Array(nIds).fill(-1);
    this.#lastPair = new Int32Array(nIds);
  }

  line(i: number): void {
    const rows = this.#rows;
    const n = this.#names.norm[rows.user[i]!]!;
    const group = n < 0 ? -1 : this.#names.groupOfNorm[n]!;
    const who = rows.id[i]!;
    const t = rows.time[i]!;
    if (rows.kind[i] !== SUCCESS) {
      this.#failure(i, who, n, group);
      return;
    }
    if (group < 0) return;
    // The address's last account first: a user's repeated logins skip the pair table.
    let p: number;
    const pairs = this.#logins.pairs;
    if (this.#lastGroup[who] === group) p = this.#lastPair[who]!;
    else {
      p = this.#logins.slot(group, who);
      this.#lastGroup[who] = group;
      this.#lastPair[who] = p;
    }
    if (p < pairs) {
      // Not the first login as this account from this address.
      const f = this.#foundAt[p]!;
      if (f !== 0) {
        const already = this.#found[f - 1]!;
        already.logins++;
        already.lastLogin = t;
        return;
      }
      // Known (logged in as the account before it ever failed): nothing to flag, and a burst
      // only matters for a first login. (Lines come in time order, so the burst window only
      // needs moving on when it is read.)
      if (this.#failures[who] === 0 || this.#firstLogin[p]! < this.#firstFailure[who]!) return;
    } else {
      if (p === this.#firstLogin.length) this.#grow();
      this.#firstLogin[p] = t;
    }
    this.#examine(i, p < pairs, p, group, who);
  }

  // The failure at row i from `who` (normalised name n and account group, or -1). Rows, not
  // times, are passed around: a time passed to a call that is not inlined is boxed.
  #failure(i: number, who: number, n: number, group: number): void {
    const t = this.#rows.time[i]!;
    const failures = this.#failures;
    if (failures[who] === 0) this.#firstFailure[who] = t;
    failures[who]!++;
    if (group < 0) return;
    const k = this.#failCount++;
    if (k === this.#failNorm.length) this.#growFailures();
    this.#failNorm[k] = n;
    this.#failNext[k] = -1;
    const tail = this.#failTail[who]!;
    if (tail < 0) this.#failHead[who] = k;
    else this.#failNext[tail] = k;
    this.#failTail[who] = k;
    let w = this.#windows[group];
    if (w === undefined) this.#windows[group] = w = new BurstWindow();
    w.push(this.#rows.time, i, who);
  }

  // A login (row i, pair p of account group and address) that may be a compromise: a first
  // login from the address, or one after its failures (line() already returned for a known
  // address, one that logged in as the account before it ever failed).
  #examine(i: number, loggedInBefore: boolean, p: number, group: number, who: number): void {
    const failures = this.#failures;
    const failed = failures[who]! > 0;
    let reasons: CompromiseReason[] | undefined;
    if (failed) {
      // Its failures on this account and the other accounts it failed on, so far.
      const { groupOfNorm } = this.#names;
      const stamp = this.#groupStamp;
      let same = 0;
      let groups = 0;
      for (let k = this.#failHead[who]!; k >= 0; k = this.#failNext[k]!) {
        const g = groupOfNorm[this.#failNorm[k]!]!;
        if (g === group) same++;
        if (stamp[g] !== i) {
          stamp[g] = i;
          groups++;
        }
      }
      const other = failures[who]! - same;
      const otherGroups = groups - (same > 0 ? 1 : 0);
      if (other >= OTHER_ACCOUNTS_MIN_FAILURES || otherGroups >= 2) (reasons ??= []).push('failed-other-accounts');
      if (same >= SAME_ACCOUNT_MIN_FAILURES) (reasons ??= []).push('failed-this-account');
    }
    const w = this.#windows[group];
    w?.expire(this.#rows.time, i);
    // The burst only matters for a first login here, or to describe a login already flagged.
    if (reasons === undefined && (w === undefined || loggedInBefore)) return;
    let burstFailures = 0;
    let burstIps = 0;
    if (w !== undefined) {
      const ips = w.ips;
      const stamp = this.#stamp;
      for (let k = w.head; k < w.length; k++) {
        const other = ips[k]!;
        if (other === who) continue;
        burstFailures++;
        if (stamp[other] !== i) {
          stamp[other] = i;
          burstIps++;
        }
      }
    }
    if (!loggedInBefore && burstFailures >= BURST_MIN_FAILURES && burstIps >= BURST_MIN_IPS) {
      (reasons ??= []).push('after-burst');
    }
    if (reasons === undefined) return;
    const priorUsers = failed ? this.#priorUsers(who) : [];
    this.#foundAt[p] = this.#found.push(describe(this.#rows, i, reasons, priorUsers, failures[who]!, burstFailures, burstIps));
  }

  // The names `who` failed with so far, most tried first, ties by name.
  #priorUsers(who: number): string[] {
    const perName = new Map<number, number>();
    for (let k = this.#failHead[who]!; k >= 0; k = this.#failNext[k]!) {
      const n = this.#failNorm[k]!;
      perName.set(n, (perName.get(n) ?? 0) + 1);
    }
    const top = new TopNames(PRIOR_USERS);
    const norms = this.#names.norms;
    const nameOf = (n: number): string => norms[n]!;
    for (const [n, count] of perName) top.offer(n, count, nameOf);
    return top.names;
  }

  #growFailures(): void {
    const n = this.#failNorm.length * 2;
    this.#failNorm = grown(this.#failNorm, n);
    this.#failNext = grown(this.#failNext, n);
  }

  #grow(): void {
    const n = this.#firstLogin.length * 2;
    this.#firstLogin = grown(this.#firstLogin, n);
    this.#foundAt = grown(this.#foundAt, n);
  }

  /** The compromises found, in time order; `bans` (every jail's) tell whether and when the address was banned. */
  finish(bans: Iterable<BanEvent>): ReportCompromise[] {
    const banned = new Map<string, BanEvent[]>();
    for (const b of bans) {
      const list = banned.get(b.id);
      if (list === undefined) banned.set(b.id, [b]);
      else list.push(b);
    }
    const found = this.#found.map((entry) => {
      const ipBans = banned.get(entry.ip) ?? [];
      entry.banned = ipBans.length > 0;
      entry.duringBan = ipBans.some((b) => entry.time >= b.start && (b.end === undefined || entry.time < b.end));
      return entry;
    });
    return found.sort((a, b) => a.time - b.time || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  }
}

// The report entry of the suspicious login at row `i` (cold: once per account and address);
// `banned` and `duringBan` are filled in by finish().
function describe(
  rows: HitStore,
  i: number,
  reasons: CompromiseReason[],
  priorUsers: string[],
  priorFailures: number,
  burstFailures: number,
  burstIps: number,
): ReportCompromise {
  const t = rows.time[i]!;
  return {
    user: rows.users.values[rows.user[i]! - 1]!,
    ip: rows.ids.values[rows.id[i]!]!,
    country: undefined,
    asn: undefined,
    org: undefined,
    time: t,
    logins: 1,
    lastLogin: t,
    reasons,
    priorFailures,
    priorUsers,
    burstFailures,
    burstIps,
    banned: false,
    duringBan: false,
  };
}

// An account's failures (time, address code) in time order; entries before `head` have left
// the burst window. Compacted when the expired part dominates, so memory follows the window.
class BurstWindow {
  times = new Float64Array(8);
  ips = new Int32Array(8);
  head = 0;
  length = 0;

  /**
   * Appends the failure at row i of `time` from address `who`. A full buffer first drops what
   * left the window (rows come in time order): memory follows the window, not the log.
   */
  push(time: Float64Array, i: number, who: number): void {
    if (this.length === this.times.length) this.expire(time, i);
    if (this.length === this.times.length) {
      const cap = this.length * 2;
      const times = new Float64Array(cap);
      times.set(this.times);
      const ips = new Int32Array(cap);
      ips.set(this.ips);
      this.times = times;
      this.ips = ips;
    }
    this.times[this.length] = time[i]!;
    this.ips[this.length] = who;
    this.length++;
  }

  /** Drops the failures more than the burst window before row i of `time`. */
  expire(time: Float64Array, i: number): void {
    const since = time[i]! - BURST_WINDOW_MS;
    while (this.head < this.length && this.times[this.head]! < since) this.head++;
    if (this.head > 1024 && this.head * 2 > this.length) {
      this.times.copyWithin(0, this.head, this.length);
      this.ips.copyWithin(0, this.head, this.length);
      this.length -= this.head;
      this.head = 0;
    }
  }
}
