// Possible compromises: successful logins that follow failures from the same address (for
// that account or others) or a burst of failures on the account from other addresses. One
// pass over the time-ordered hits. An address that logged in as the account before it ever
// failed is the user's own (a broken client, a shared NAT): not flagged for its own failures.
import type { BanEvent, CompromiseReason, EpochMs, Hit, ReportCompromise } from '../types.js';
import { accountKey, isUsername, lineKey, normalizeUsername } from './usernames.js';

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

interface IpState {
  firstFailure: EpochMs;
  failures: number;
  /** Failures per normalised username. */
  names: Map<string, number>;
  /** Failures per account group (local part). */
  groups: Map<string, number>;
}

interface AccountState {
  /** Failures on the account, in time order, from `head` on within the burst window. */
  times: EpochMs[];
  ips: string[];
  head: number;
  /** First login per address. */
  firstLogin: Map<string, EpochMs>;
  /** The compromise found per address. */
  found: Map<string, ReportCompromise>;
}

/** Finds possible compromises in time-ordered hits (the replay's order); `bans` are every jail's simulated bans. */
export function findCompromises(hits: readonly Hit[], bans: Iterable<BanEvent>): ReportCompromise[] {
  const banned = new Map<string, BanEvent[]>();
  for (const b of bans) {
    const list = banned.get(b.id);
    if (list === undefined) banned.set(b.id, [b]);
    else list.push(b);
  }
  const ips = new Map<string, IpState>();
  // Per account group: failures in time order (time, address), pruned to the burst window;
  // first login per address; what was found per address.
  const accounts = new Map<string, AccountState>();
  const account = (group: string): AccountState => {
    let a = accounts.get(group);
    if (a === undefined) accounts.set(group, (a = { times: [], ips: [], head: 0, firstLogin: new Map(), found: new Map() }));
    return a;
  };
  const found: ReportCompromise[] = [];
  // Normalised name and account group per raw spelling, computed once.
  const names = new Map<string, { norm: string; group: string } | undefined>();
  let prevLine = -1;

  for (const h of hits) {
    // A line matched by several jails comes as adjacent hits (same time, file and line).
    const line = lineKey(h);
    if (line === prevLine) continue;
    prevLine = line;
    let name: { norm: string; group: string } | undefined;
    if (h.user !== undefined) {
      name = names.get(h.user);
      if (name === undefined && !names.has(h.user)) {
        const norm = isUsername(h.user) ? normalizeUsername(h.user) : undefined;
        name = norm === undefined ? undefined : { norm, group: accountKey(norm) };
        names.set(h.user, name);
      }
    }
    const norm = name?.norm;
    const group = name?.group;

    if (h.kind === 'failure') {
      let st = ips.get(h.id);
      if (st === undefined) ips.set(h.id, (st = { firstFailure: h.time, failures: 0, names: new Map(), groups: new Map() }));
      st.failures++;
      if (norm !== undefined && group !== undefined) {
        st.names.set(norm, (st.names.get(norm) ?? 0) + 1);
        st.groups.set(group, (st.groups.get(group) ?? 0) + 1);
        const r = account(group);
        r.times.push(h.time);
        r.ips.push(h.id);
      }
      continue;
    }
    if (group === undefined) continue;

    const r = account(group);
    const already = r.found.get(h.id);
    if (already !== undefined) {
      already.logins++;
      already.lastLogin = h.time;
      continue;
    }
    const loggedInBefore = r.firstLogin.get(h.id);
    if (loggedInBefore === undefined) r.firstLogin.set(h.id, h.time);
    const st = ips.get(h.id);
    // Known = this address logged in as the account before it ever failed.
    const known = loggedInBefore !== undefined && (st === undefined || loggedInBefore < st.firstFailure);

    const reasons: CompromiseReason[] = [];
    if (!known && st !== undefined) {
      const same = st.groups.get(group) ?? 0;
      const other = st.failures - same;
      const otherGroups = st.groups.size - (st.groups.has(group) ? 1 : 0);
      if (other >= OTHER_ACCOUNTS_MIN_FAILURES || otherGroups >= 2) reasons.push('failed-other-accounts');
      if (same >= SAME_ACCOUNT_MIN_FAILURES) reasons.push('failed-this-account');
    }
    let burstFailures = 0;
    const burstIps = new Set<string>();
    {
      while (r.head < r.times.length && r.times[r.head]! < h.time - BURST_WINDOW_MS) r.head++;
      if (r.head > 1024 && r.head * 2 > r.times.length) {
        r.times.splice(0, r.head);
        r.ips.splice(0, r.head);
        r.head = 0;
      }
      for (let i = r.head; i < r.times.length; i++) {
        if (r.ips[i] === h.id) continue;
        burstFailures++;
        burstIps.add(r.ips[i]!);
      }
    }
    if (loggedInBefore === undefined && burstFailures >= BURST_MIN_FAILURES && burstIps.size >= BURST_MIN_IPS) {
      reasons.push('after-burst');
    }
    if (reasons.length === 0) continue;

    const ipBans = banned.get(h.id) ?? [];
    const entry: ReportCompromise = {
      user: h.user!,
      ip: h.id,
      country: undefined,
      asn: undefined,
      org: undefined,
      time: h.time,
      logins: 1,
      lastLogin: h.time,
      reasons,
      priorFailures: st?.failures ?? 0,
      priorUsers:
        st === undefined
          ? []
          : [...st.names]
              .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
              .slice(0, PRIOR_USERS)
              .map(([n]) => n),
      burstFailures,
      burstIps: burstIps.size,
      banned: ipBans.length > 0,
      duringBan: ipBans.some((b) => h.time >= b.start && (b.end === undefined || h.time < b.end)),
    };
    r.found.set(h.id, entry);
    found.push(entry);
  }
  return found.sort((a, b) => a.time - b.time || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}
