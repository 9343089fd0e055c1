// Attempted usernames across all failure lines: attempts, distinct addresses, first and
// last seen; and the same names normalised and grouped into accounts, split by whether they
// ever logged in. A line matched by several jails counts once (scan-rows.ts hands over the
// first row of each line). State is kept by username and id code in typed arrays.
import { SUCCESS, type HitStore } from '../pipeline/hit-store.js';
import type { EpochMs, ReportAccount, ReportAccountName, ReportUsername } from '../types.js';
import { countryCounter, hitIndex, type NameCodes } from './hit-index.js';
import { TopNames } from './pair-counts.js';
import { FailedNames, scanRows } from './scan-rows.js';
import { compareText } from '../compare-text.js';

export { accountKey, isUsername, normalizeUsername } from './is-username.js';

/** Aggregates failure hits (time-ordered) into username rows, most attempted first. */
export function countUsernames(hits: HitStore): ReportUsername[] {
  const { rows, names } = hitIndex(hits);
  const counter = new UsernameCounter(rows);
  const failedNames = new FailedNames(rows.ids.size);
  scanRows(rows, names.isName, { usernames: counter, failedNames });
  return counter.finish(failedNames);
}

/**
 * Per username code: the first failure row with a username of each line (a RowSinks slot);
 * the addresses behind each name come from the pass's FailedNames.
 */
export class UsernameCounter {
  readonly #rows: HitStore;
  readonly #attempts: Int32Array;
  readonly #first: Float64Array;
  readonly #last: Float64Array;
  readonly #order: number[] = [];

  constructor(rows: HitStore) {
    const n = rows.users.size + 1;
    this.#rows = rows;
    this.#attempts = new Int32Array(n);
    this.#first = new Float64Array(n);
    this.#last = new Float64Array(n);
  }

  failedName(i: number): void {
    const rows = this.#rows;
    const u = rows.user[i]!;
    const t = rows.time[i]!;
    if (this.#attempts[u] === 0) {
      this.#order.push(u);
      this.#first[u] = t;
      this.#last[u] = t;
    } else {
      if (t < this.#first[u]!) this.#first[u] = t;
      if (t > this.#last[u]!) this.#last[u] = t;
    }
    this.#attempts[u]!++;
  }

  /** The username rows, most attempted first (`failedNames`: the same pass's). */
  finish(failedNames: FailedNames): ReportUsername[] {
    const values = this.#rows.users.values;
    // Each (address, username) pair is one address for the name.
    const ips = new Int32Array(values.length + 1);
    failedNames.counts.forEachPair((_, u) => ips[u]!++);
    return this.#order
      .map((u) => ({ name: values[u - 1]!, attempts: this.#attempts[u]!, ips: ips[u]!, first: this.#first[u]!, last: this.#last[u]! }))
      .sort((a, b) => b.attempts - a.attempts || b.ips - a.ips || compareText(a.name, b.name));
  }
}

/** Country of an address by id code; undefined when unknown or GeoIP is off. */
export type CountryOf = (code: number) => string | undefined;

/** Most-used spellings kept per name. */
const SPELLINGS_PER_NAME = 5;

/**
 * Groups failed and successful usernames (time-ordered hits; each file line once) into
 * accounts: names normalised to lower case, grouped by local part. Only groups with at least
 * one failed attempt are returned; existing accounts (some name logged in) first, then by attempts.
 */
export function groupAccounts(hits: HitStore, countryOf: CountryOf): ReportAccount[] {
  const { rows, names } = hitIndex(hits);
  const tally = new AccountTally(rows, names);
  const failedNames = new FailedNames(rows.ids.size);
  scanRows(rows, names.isName, { accounts: tally, failedNames });
  return tally.finish(countryOf, failedNames);
}

/**
 * Per normalised name (index into the shared name codes): the first row with a username of
 * each line, failure or success (a RowSinks slot); the addresses behind each name come from
 * the pass's FailedNames.
 */
export class AccountTally {
  readonly #rows: HitStore;
  readonly #names: NameCodes;
  /** Per username code: lines seen with that spelling. */
  readonly #spelled: Int32Array;
  readonly #seen: Uint8Array;
  /** Names in first-seen order. */
  readonly #order: number[] = [];
  readonly #attempts: Int32Array;
  readonly #logins: Int32Array;
  readonly #first: Float64Array;
  readonly #last: Float64Array;
  readonly #lastLogin: Float64Array;

  constructor(rows: HitStore, names: NameCodes) {
    const k = names.norms.length;
    this.#rows = rows;
    this.#names = names;
    this.#spelled = new Int32Array(rows.users.size + 1);
    this.#seen = new Uint8Array(k);
    this.#attempts = new Int32Array(k);
    this.#logins = new Int32Array(k);
    this.#first = new Float64Array(k);
    this.#last = new Float64Array(k);
    this.#lastLogin = new Float64Array(k);
  }

  name(i: number): void {
    const rows = this.#rows;
    const u = rows.user[i]!;
    const n = this.#names.norm[u]!;
    if (this.#seen[n] === 0) {
      this.#seen[n] = 1;
      this.#order.push(n);
    }
    this.#spelled[u]!++;
    const t = rows.time[i]!;
    if (rows.kind[i] === SUCCESS) {
      if (this.#logins[n] === 0 || t > this.#lastLogin[n]!) this.#lastLogin[n] = t;
      this.#logins[n]!++;
      return;
    }
    if (this.#attempts[n] === 0) {
      this.#first[n] = t;
      this.#last[n] = t;
    } else {
      if (t < this.#first[n]!) this.#first[n] = t;
      if (t > this.#last[n]!) this.#last[n] = t;
    }
    this.#attempts[n]!++;
  }

  /** The accounts, existing ones first, then by attempts (`failedNames`: the same pass's). */
  finish(countryOf: CountryOf, failedNames: FailedNames): ReportAccount[] {
    const rows = this.#rows;
    const names = this.#names;
    const { groupOfNorm, groups, norm } = names;
    const attempts = this.#attempts;
    const logins = this.#logins;
    const first = this.#first;
    const last = this.#last;
    // The addresses that failed with each name. A pair is one (address, spelling): only a
    // name tried in several spellings can list an address twice, and is deduplicated.
    const ipsOf = new Array<number[] | undefined>(names.norms.length);
    // The spellings of each name.
    const spellings = new Array<number[] | undefined>(names.norms.length);
    for (let u = 1; u < this.#spelled.length; u++) if (this.#spelled[u]! > 0) (spellings[norm[u]!] ??= []).push(u);
    failedNames.counts.forEachPair((c, u, lines) => {
      if (failedNames.firstNamed(c, u, lines) > 0) (ipsOf[norm[u]!] ??= []).push(c);
    });
    const seen = new Int32Array(rows.ids.size).fill(-1);
    for (let n = 0; n < ipsOf.length; n++) {
      const list = ipsOf[n];
      if (list === undefined || (spellings[n]?.length ?? 0) < 2) continue;
      ipsOf[n] = list.filter((c) => (seen[c] === n ? false : ((seen[c] = n), true)));
    }
    // Names by account group, in first-seen order.
    const members = new Map<number, number[]>();
    for (const n of this.#order) {
      const g = groupOfNorm[n]!;
      const list = members.get(g);
      if (list === undefined) members.set(g, [n]);
      else list.push(n);
    }
    const userValues = rows.users.values;
    const countries = countryCounter(rows.ids.size, countryOf);
    // Distinct addresses of a group: id codes stamped with the group being summed.
    const groupStamp = new Int32Array(rows.ids.size).fill(-1);

    const out: ReportAccount[] = [];
    for (const [g, list] of members) {
      let total = 0;
      let loginTotal = 0;
      let gFirst: EpochMs | undefined;
      let gLast: EpochMs | undefined;
      const groupIps: number[] = [];
      const rowsOut: ReportAccountName[] = list.map((n) => {
        const nameIps = ipsOf[n] ?? [];
        for (const code of nameIps) {
          if (groupStamp[code] !== g) {
            groupStamp[code] = g;
            groupIps.push(code);
          }
        }
        total += attempts[n]!;
        loginTotal += logins[n]!;
        const failed = attempts[n]! > 0;
        if (failed && (gFirst === undefined || first[n]! < gFirst)) gFirst = first[n]!;
        if (failed && (gLast === undefined || last[n]! > gLast)) gLast = last[n]!;
        return {
          name: names.norms[n]!,
          spellings: topSpellings(spellings[n] ?? [], this.#spelled, userValues),
          exists: logins[n]! > 0,
          attempts: attempts[n]!,
          ips: nameIps.length,
          countries: countries(nameIps),
          first: failed ? first[n] : undefined,
          last: failed ? last[n] : undefined,
          logins: logins[n]!,
          lastLogin: logins[n]! > 0 ? this.#lastLogin[n] : undefined,
        };
      });
      if (total === 0 || gFirst === undefined || gLast === undefined) continue;
      rowsOut.sort((a, b) => b.attempts - a.attempts || b.logins - a.logins || compareText(a.name, b.name));
      out.push({
        key: groups[g]!,
        exists: loginTotal > 0,
        attempts: total,
        ips: groupIps.length,
        countries: countries(groupIps),
        first: gFirst,
        last: gLast,
        logins: loginTotal,
        names: rowsOut,
      });
    }
    return out.sort(
      (a, b) => Number(b.exists) - Number(a.exists) || b.attempts - a.attempts || b.ips - a.ips || compareText(a.key, b.key),
    );
  }
}

function topSpellings(codes: readonly number[], spelled: Int32Array, userValues: readonly string[]): string[] {
  const top = new TopNames(SPELLINGS_PER_NAME);
  const nameOf = (u: number): string => userValues[u - 1]!;
  for (const u of codes) top.offer(u, spelled[u]!, nameOf);
  return top.names;
}

