// Attempted usernames across all failure lines: attempts, distinct addresses, first and
// last seen; and the same names normalised and grouped into accounts, split by whether they
// ever logged in. The base64 SASL LOGIN prompts some logs print in place of a name are not
// usernames. A line matched by several jails counts once.
import type { EpochMs, Hit, ReportAccount, ReportAccountName, ReportUsername } from '../types.js';

// base64 of "Username:" and "Password:": what `SASL LOGIN authentication failed` prints.
const SASL_PROMPTS = new Set(['VXNlcm5hbWU6', 'UGFzc3dvcmQ6', 'dXNlcm5hbWU6', 'cGFzc3dvcmQ6']);

/** A number naming a hit's file line (file index and line number), cheaper than a string key. */
export function lineKey(h: Pick<Hit, 'file' | 'line'>): number {
  return h.file * 4_294_967_296 + h.line;
}

/** True when a captured value is worth reporting as an attempted username. */
export function isUsername(value: string): boolean {
  return value !== '' && !SASL_PROMPTS.has(value);
}

/** Aggregates failure hits (time-ordered) into username rows, most attempted first. */
export function countUsernames(hits: readonly Hit[]): ReportUsername[] {
  const rows = new Map<string, ReportUsername & { idSet: Set<string> }>();
  const seenLines = new Set<number>();
  for (const h of hits) {
    if (h.kind !== 'failure' || h.user === undefined || !isUsername(h.user)) continue;
    const key = lineKey(h);
    if (seenLines.has(key)) continue;
    seenLines.add(key);
    let row = rows.get(h.user);
    if (row === undefined) {
      row = { name: h.user, attempts: 0, ips: 0, first: h.time, last: h.time, idSet: new Set() };
      rows.set(h.user, row);
    }
    row.attempts++;
    row.idSet.add(h.id);
    if (h.time < row.first) row.first = h.time;
    if (h.time > row.last) row.last = h.time;
  }
  return [...rows.values()]
    .map(({ idSet, ...r }) => ({ ...r, ips: idSet.size }))
    .sort((a, b) => b.attempts - a.attempts || b.ips - a.ips || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Country (and more) of an address; undefined when unknown or GeoIP is off. */
export type CountryOf = (ip: string) => string | undefined;

/** A username as compared across spellings: lower case (`Alice@Example.org` → `alice@example.org`). */
export function normalizeUsername(name: string): string {
  return name.toLowerCase();
}

/** The group of a normalised username: its local part, the text before the last `@`. */
export function accountKey(normalized: string): string {
  const at = normalized.lastIndexOf('@');
  return at > 0 ? normalized.slice(0, at) : normalized;
}

/** Most-used spellings kept per name. */
const SPELLINGS_PER_NAME = 5;

interface NameAcc {
  spellings: Map<string, number>;
  attempts: number;
  ips: Set<string>;
  first: EpochMs | undefined;
  last: EpochMs | undefined;
  logins: number;
  lastLogin: EpochMs | undefined;
}

/**
 * Groups failed and successful usernames (time-ordered hits; each file line once) into
 * accounts: names normalised to lower case, grouped by local part. Only groups with at least
 * one failed attempt are returned; existing accounts (some name logged in) first, then by attempts.
 */
export function groupAccounts(hits: readonly Hit[], countryOf: CountryOf): ReportAccount[] {
  const names = new Map<string, NameAcc>();
  // Per raw spelling: its accumulator (normalising once per spelling, not per line).
  const bySpelling = new Map<string, NameAcc>();
  const seenLines = new Set<number>();
  for (const h of hits) {
    if (h.user === undefined || !isUsername(h.user)) continue;
    const line = lineKey(h);
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    let acc = bySpelling.get(h.user);
    if (acc === undefined) {
      const norm = normalizeUsername(h.user);
      acc = names.get(norm);
      if (acc === undefined) {
        acc = { spellings: new Map(), attempts: 0, ips: new Set(), first: undefined, last: undefined, logins: 0, lastLogin: undefined };
        names.set(norm, acc);
      }
      bySpelling.set(h.user, acc);
    }
    acc.spellings.set(h.user, (acc.spellings.get(h.user) ?? 0) + 1);
    if (h.kind === 'success') {
      acc.logins++;
      if (acc.lastLogin === undefined || h.time > acc.lastLogin) acc.lastLogin = h.time;
      continue;
    }
    acc.attempts++;
    acc.ips.add(h.id);
    if (acc.first === undefined || h.time < acc.first) acc.first = h.time;
    if (acc.last === undefined || h.time > acc.last) acc.last = h.time;
  }

  const groups = new Map<string, Array<[string, NameAcc]>>();
  for (const entry of names) {
    const key = accountKey(entry[0]);
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [entry]);
    else g.push(entry);
  }

  const countryCache = new Map<string, string | undefined>();
  const countriesOf = (ips: Iterable<string>): string[] => {
    const perCountry = new Map<string, number>();
    for (const ip of ips) {
      let c = countryCache.get(ip);
      if (!countryCache.has(ip)) countryCache.set(ip, (c = countryOf(ip)));
      if (c !== undefined) perCountry.set(c, (perCountry.get(c) ?? 0) + 1);
    }
    return [...perCountry].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).map(([c]) => c);
  };

  const out: ReportAccount[] = [];
  for (const [key, members] of groups) {
    let attempts = 0;
    let logins = 0;
    let first: EpochMs | undefined;
    let last: EpochMs | undefined;
    const ips = new Set<string>();
    const rows: ReportAccountName[] = members.map(([name, a]) => {
      attempts += a.attempts;
      logins += a.logins;
      for (const ip of a.ips) ips.add(ip);
      if (a.first !== undefined && (first === undefined || a.first < first)) first = a.first;
      if (a.last !== undefined && (last === undefined || a.last > last)) last = a.last;
      return {
        name,
        spellings: [...a.spellings]
          .sort((x, y) => y[1] - x[1] || compareText(x[0], y[0]))
          .slice(0, SPELLINGS_PER_NAME)
          .map(([s]) => s),
        exists: a.logins > 0,
        attempts: a.attempts,
        ips: a.ips.size,
        countries: countriesOf(a.ips),
        first: a.first,
        last: a.last,
        logins: a.logins,
        lastLogin: a.lastLogin,
      };
    });
    if (attempts === 0 || first === undefined || last === undefined) continue;
    rows.sort((a, b) => b.attempts - a.attempts || b.logins - a.logins || compareText(a.name, b.name));
    out.push({
      key,
      exists: logins > 0,
      attempts,
      ips: ips.size,
      countries: countriesOf(ips),
      first,
      last,
      logins,
      names: rows,
    });
  }
  return out.sort(
    (a, b) => Number(b.exists) - Number(a.exists) || b.attempts - a.attempts || b.ips - a.ips || compareText(a.key, b.key),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
