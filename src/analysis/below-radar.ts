// Below the radar: failures from never-banned addresses grouped by network (/24, /64), ASN and
// username (spraying), with what a jail keyed on the group would have done with each jail's
// thresholds. Pure; ASNs come from the caller's lookup. A file line counts once per group.
// State by id code and group number in typed arrays; strings only in the rows emitted.
import ipaddr from 'ipaddr.js';
import { createJailSimulator } from '../jail/simulate.js';
import { dottedQuad } from '../enrich/dotted-quad.js';
import { OUTCOME_IGNORED, type HitStore } from '../pipeline/hit-store.js';
import type { CountingMode, EpochMs, JailSpec, ReportBelowRadar, ReportRadarGroup } from '../types.js';
import { countryCounter, hitIndex, type NameCodes } from './hit-index.js';
import { PairCounts } from './pair-counts.js';
import { scanRows } from './scan-rows.js';
import { NO_NAMES, SharedLists } from './shared-lists.js';
import { compareText } from '../compare-text.js';
import { grown } from '../grow-typed.js';

/** What the caller knows about an address, by id code. */
export type GeoOfId = (code: number) => { country?: string; asn?: number; org?: string } | undefined;

/** A network or ASN group is listed from this many never-banned addresses on. */
export const MIN_GROUP_ADDRESSES = 2;
/** A username is listed as sprayed from this many never-banned addresses on. */
export const MIN_SPRAY_ADDRESSES = 5;

const USERNAMES_PER_GROUP = 10;

type Kind = ReportRadarGroup['kind'];

/** The /24 (IPv4) or /64 (IPv6) network of an address id, undefined for non-IP ids. */
export function networkOf(id: string): string | undefined {
  // Dotted quads, nearly every id, without ipaddr.js's regular expressions and objects.
  const q = dottedQuad(id);
  if (q >= 0) return `${q >>> 24}.${(q >>> 16) & 255}.${(q >>> 8) & 255}.0/24`;
  if (!id.includes(':') || !ipaddr.IPv6.isValid(id)) return undefined;
  const v6 = ipaddr.IPv6.parse(id);
  if (v6.isIPv4MappedAddress()) return networkOf(v6.toIPv4Address().toString());
  const p = v6.parts;
  return `${new ipaddr.IPv6([p[0]!, p[1]!, p[2]!, p[3]!, 0, 0, 0, 0]).toString()}/64`;
}

/** Options of findBelowRadar. */
export interface BelowRadarOptions {
  /** Counting used for the group-keyed jails (the run's `--counting`). */
  counting?: CountingMode;
  /** Country, ASN and organisation by id code (see byIdCode); without it, no ASN groups. */
  geo?: GeoOfId | undefined;
}

const KINDS: readonly Kind[] = ['net', 'asn', 'username'];
// The verdict of every group no jail would have caught (most groups of a spread-out botnet),
// shared as the lists are (shared-lists.ts).
const NOT_CAUGHT: ReportRadarGroup['caught'] = Object.freeze({ jails: NO_NAMES, bans: 0, firstBan: undefined, blocked: 0, addresses: 0 });
const NET = 0;
const ASN = 1;
const USERNAME = 2;
const NOT_YET = -2;

/**
 * Groups the failures of never-banned addresses. `hits` is the replay's store (time-ordered,
 * outcomes set); `bannedIds` every id banned by any jail.
 */
export function findBelowRadar(
  hits: HitStore,
  jails: readonly JailSpec[],
  bannedIds: ReadonlySet<string>,
  opts: BelowRadarOptions = {},
): ReportBelowRadar {
  const { rows, names } = hitIndex(hits);
  const banned = new Uint8Array(rows.ids.size);
  for (const b of bannedIds) {
    const c = rows.ids.find(b);
    if (c >= 0) banned[c] = 1;
  }
  const tally = new RadarTally(rows, names, banned, opts.geo);
  scanRows(rows, names.isName, { radar: tally });
  return tally.finish(jails, opts.counting ?? 'fail2ban');
}

/**
 * Pass 1 of findBelowRadar over every failure row (a RowSinks slot): the failures that count
 * (not ignored, from never-banned ids) aggregated per group. Groups are numbered in first-seen
 * order; there are at most one network and one ASN group per address and one username group
 * per normalised name. A group counts a line once: its hits are adjacent, so the group's last
 * counted line (serial number, see scanRows) tells whether the line is already in.
 */
export class RadarTally {
  readonly #rows: HitStore;
  readonly #names: NameCodes;
  readonly #geo: GeoOfId | undefined;
  /** Per id code: 1 = banned somewhere (never below the radar). */
  readonly #banned: Uint8Array;
  /** Addresses with a failure that counts (their groups resolved: `#netGroup` not NOT_YET). */
  #addressCount = 0;
  #failures = 0;
  #prevLine = -1;
  /**
   * What pass 2 reads of the rows that count, copied (the store's columns may be gone by
   * then, see buildReport's releaseRows): time, jail, address, username group (-1: none) and
   * line serial number.
   */
  readonly #selected = new SelectedRows();
  // Per group: kind, key, ASN (ASN groups), attempts, first and last time, last counted line,
  // addresses; attempts per username spelling; the networks and ASNs of its addresses (as the
  // numbers of their groups).
  readonly #kind: Uint8Array;
  readonly #key: string[] = [];
  readonly #asn: (number | undefined)[] = [];
  readonly #attempts: Int32Array;
  readonly #first: Float64Array;
  readonly #last: Float64Array;
  readonly #lastLine: Int32Array;
  readonly #ipCount: Int32Array;
  /**
   * Attempts per address in first-seen order. An address is in one network and one ASN group:
   * for those its count and the group's address list live in per-address arrays (a list
   * chained through `#netNext`/`#asnNext` from `#ipHead` to `#ipTail`); username groups, which
   * share addresses, count in `#perIp`.
   */
  readonly #netCount: Int32Array;
  readonly #asnCount: Int32Array;
  readonly #netNext: Int32Array;
  readonly #asnNext: Int32Array;
  readonly #ipHead: Int32Array;
  readonly #ipTail: Int32Array;
  readonly #perIp: PairCounts;
  readonly #users: PairCounts;
  readonly #nets: PairCounts;
  readonly #asns: PairCounts;
  // Per id code its network and ASN group (-1: none; resolved on its first failure that
  // counts); per normalised name its username group.
  readonly #netGroup: Int32Array;
  readonly #asnGroup: Int32Array;
  readonly #userGroup: Int32Array;
  readonly #v4Index = new Map<number, number>();
  readonly #countryLists = new SharedLists();
  readonly #netIndex = new Map<string, number>();
  readonly #asnIndex = new Map<number, number>();

  /** `banned`: 1 per id code that some jail banned. */
  constructor(rows: HitStore, names: NameCodes, banned: Uint8Array, geo: GeoOfId | undefined) {
    const nIds = rows.ids.size;
    const maxGroups = 2 * nIds + names.norms.length;
    this.#rows = rows;
    this.#names = names;
    this.#geo = geo;
    this.#banned = banned;
    this.#kind = new Uint8Array(maxGroups);
    this.#attempts = new Int32Array(maxGroups);
    this.#first = new Float64Array(maxGroups);
    this.#last = new Float64Array(maxGroups);
    this.#lastLine = new Int32Array(maxGroups).fill(-1);
    this.#ipCount = new Int32Array(maxGroups);
    this.#netCount = new Int32Array(nIds);
    this.#asnCount = new Int32Array(nIds);
    this.#netNext = new Int32Array(nIds).fill(-1);
    this.#asnNext = new Int32Array(nIds).fill(-1);
    this.#ipHead = new Int32Array(maxGroups).fill(-1);
    this.#ipTail = new Int32Array(maxGroups).fill(-1);
    this.#perIp = new PairCounts(maxGroups, nIds >> 1);
    this.#users = new PairCounts(maxGroups, 2 * nIds);
    this.#nets = new PairCounts(maxGroups, nIds >> 2);
    this.#asns = new PairCounts(maxGroups, nIds >> 2);
    this.#netGroup = new Int32Array(nIds).fill(NOT_YET);
    this.#asnGroup = new Int32Array(nIds).fill(NOT_YET);
    this.#userGroup = new Int32Array(names.norms.length).fill(NOT_YET);
  }

  failure(i: number, line: number): void {
    const rows = this.#rows;
    if (rows.outcome[i] === OUTCOME_IGNORED) return;
    const c = rows.id[i]!;
    if (this.#banned[c] === 1) return;
    // A line is one failure: a new line differs from the previous one that counted.
    if (line !== this.#prevLine) this.#failures++;
    this.#prevLine = line;
    if (this.#netGroup[c] === NOT_YET) {
      this.#addressCount++;
      this.#resolve(c);
    }
    const u = rows.user[i]!;
    const n = this.#names.norm[u]!;
    const named = n >= 0 ? u : 0;
    const ng = this.#netGroup[c]!;
    const ag = this.#asnGroup[c]!;
    if (ng >= 0 && this.#count(ng, line, named, i)) this.#ownAddress(ng, c, this.#netCount, this.#netNext);
    if (ag >= 0 && this.#count(ag, line, named, i)) this.#ownAddress(ag, c, this.#asnCount, this.#asnNext);
    let ug = -1;
    if (n >= 0) {
      ug = this.#userGroup[n]!;
      if (ug === NOT_YET) this.#userGroup[n] = ug = this.#addGroup(USERNAME, this.#names.norms[n]!);
      if (this.#count(ug, line, named, i) && this.#perIp.add(ug, c) === 1) this.#joined(ug, c);
    }
    this.#selected.push(rows.time[i]!, rows.jail[i]!, c, ug, line);
  }

  /** Pass 2 (each jail again, keyed on the groups with enough addresses) and the report section. */
  finish(jails: readonly JailSpec[], counting: CountingMode): ReportBelowRadar {
    const groupCount = this.#key.length;
    const listed = new Uint8Array(groupCount);
    let anyListed = false;
    for (let g = 0; g < groupCount; g++) {
      if (this.#ipCount[g]! >= (this.#kind[g] === USERNAME ? MIN_SPRAY_ADDRESSES : MIN_GROUP_ADDRESSES)) {
        listed[g] = 1;
        anyListed = true;
      }
    }
    const verdicts = anyListed ? this.#simulate(jails, counting, listed) : [];
    const geo = this.#geo;
    const countriesOf = countryCounter(this.#rows.ids.size, (c) => geo?.(c)?.country);
    const rowsOf = (k: number): ReportRadarGroup[] => {
      const out: ReportRadarGroup[] = [];
      for (let g = 0; g < groupCount; g++) {
        if (listed[g] === 1 && this.#kind[g] === k) out.push(this.#toRow(g, verdicts[g], jails, countriesOf));
      }
      return out;
    };
    const byAttempts = (a: ReportRadarGroup, b: ReportRadarGroup): number =>
      b.attempts - a.attempts || b.addresses - a.addresses || a.first - b.first || compareText(a.key, b.key);
    const byAddresses = (a: ReportRadarGroup, b: ReportRadarGroup): number =>
      b.addresses - a.addresses || b.attempts - a.attempts || a.first - b.first || compareText(a.key, b.key);
    return {
      failures: this.#failures,
      addresses: this.#addressCount,
      networks: rowsOf(NET).sort(byAttempts),
      asns: rowsOf(ASN).sort(byAttempts),
      spraying: rowsOf(USERNAME).sort(byAddresses),
    };
  }

  #addGroup(kind: number, key: string, asn?: number): number {
    const g = this.#key.length;
    this.#kind[g] = kind;
    this.#key.push(key);
    this.#asn.push(asn);
    return g;
  }

  #resolve(c: number): void {
    // IPv4 networks keyed by their /24 prefix as a number: no string per address.
    const id = this.#rows.ids.values[c]!;
    const q = dottedQuad(id);
    let prefix = q >= 0 ? Math.floor(q / 256) : -1;
    let net: string | undefined;
    if (prefix < 0) {
      net = networkOf(id);
      if (net !== undefined && net.endsWith('/24')) prefix = Math.floor(dottedQuad(net.slice(0, -3)) / 256);
    }
    let ng = -1;
    if (prefix >= 0) {
      ng = this.#v4Index.get(prefix) ?? -1;
      if (ng < 0) this.#v4Index.set(prefix, (ng = this.#addGroup(NET, net ?? networkOf(id)!)));
    } else if (net !== undefined) {
      ng = this.#netIndex.get(net) ?? -1;
      if (ng < 0) this.#netIndex.set(net, (ng = this.#addGroup(NET, net)));
    }
    this.#netGroup[c] = ng;
    const asn = this.#geo?.(c)?.asn;
    let ag = -1;
    if (asn !== undefined) {
      ag = this.#asnIndex.get(asn) ?? -1;
      if (ag < 0) this.#asnIndex.set(asn, (ag = this.#addGroup(ASN, `AS${asn}`, asn)));
    }
    this.#asnGroup[c] = ag;
  }

  // Row i of line `line` (username code u or 0) into group g; false when the group already
  // counted the line (another jail's hit of it). The row, not its time, is passed: a time
  // passed to a call that is not inlined is boxed.
  #count(g: number, line: number, u: number, i: number): boolean {
    const last = this.#lastLine[g]!;
    if (last === line) return false;
    const t = this.#rows.time[i]!;
    if (last < 0) {
      this.#first[g] = t;
      this.#last[g] = t;
    } else {
      if (t < this.#first[g]!) this.#first[g] = t;
      if (t > this.#last[g]!) this.#last[g] = t;
    }
    this.#lastLine[g] = line;
    this.#attempts[g]!++;
    if (u !== 0) this.#users.add(g, u);
    return true;
  }

  // An attempt of address c in its own network or ASN group g.
  #ownAddress(g: number, c: number, counts: Int32Array, next: Int32Array): void {
    if (counts[c]!++ !== 0) return;
    const tail = this.#ipTail[g]!;
    if (tail < 0) this.#ipHead[g] = c;
    else next[tail] = c;
    this.#ipTail[g] = c;
    this.#joined(g, c);
  }

  // Address c joined group g: its network and ASN are the group's too.
  #joined(g: number, c: number): void {
    this.#ipCount[g]!++;
    // A network group is its own one network, an ASN group its own one ASN (see #toRow): those
    // pairs would be half of each table, one per group, and say nothing.
    const kind = this.#kind[g]!;
    if (kind !== NET && this.#netGroup[c]! >= 0) this.#nets.add(g, this.#netGroup[c]!);
    if (kind !== ASN && this.#asnGroup[c]! >= 0) this.#asns.add(g, this.#asnGroup[c]!);
  }

  // Attempts per address of group g, addresses in first-seen order.
  #forEachIp(g: number, f: (c: number, attempts: number) => void): void {
    const kind = this.#kind[g]!;
    if (kind === USERNAME) return this.#perIp.forEach(g, f);
    const counts = kind === NET ? this.#netCount : this.#asnCount;
    const next = kind === NET ? this.#netNext : this.#asnNext;
    for (let c = this.#ipHead[g]!; c >= 0; c = next[c]!) f(c, counts[c]!);
  }

  // Pass 2: every jail again over the rows that count, keyed on the listed groups.
  #simulate(jails: readonly JailSpec[], counting: CountingMode, listed: Uint8Array): (Verdict | undefined)[] {
    const { time, jail, id, group, line, length } = this.#selected;
    const verdicts = new Array<Verdict | undefined>(listed.length);
    // Group g is the simulators' id code g (its text only ever shows in their ban records).
    const simKey = this.#key.map((key, g) => `${KINDS[this.#kind[g]!]}\u0000${key}`);
    const sims = jails.map((spec) =>
      createJailSimulator({
        name: spec.name,
        maxretry: spec.maxretry,
        findtime: spec.findtime,
        bantime: spec.bantime,
        counting,
        whileBanned: 'block',
        codes: simKey,
      }),
    );
    const keys = new Int32Array(3);
    for (let s = 0; s < length; s++) {
      const sim = sims[jail[s]!];
      if (sim === undefined) continue;
      const c = id[s]!;
      keys[0] = this.#netGroup[c]!;
      keys[1] = this.#asnGroup[c]!;
      keys[2] = group[s]!;
      for (let k = 0; k < 3; k++) {
        const g = keys[k]!;
        if (g < 0 || listed[g] === 0) continue;
        const o = sim.addCoded(time[s]!, g);
        if (o !== 'banned' && o !== 'blocked') continue;
        let v = verdicts[g];
        if (v === undefined) verdicts[g] = v = { jails: new Set(), bans: 0, firstBan: undefined, blocked: 0, lastBlocked: -1, blockedIps: new Set() };
        v.jails.add(jail[s]!);
        if (o === 'banned') {
          v.bans++;
          v.firstBan ??= time[s]!;
        } else {
          // A line blocked for the group once, whichever jails saw it (its hits are adjacent).
          if (v.lastBlocked !== line[s]) v.blocked++;
          v.lastBlocked = line[s]!;
          v.blockedIps.add(c);
        }
      }
    }
    return verdicts;
  }

  #toRow(g: number, v: Verdict | undefined, jails: readonly JailSpec[], countriesOf: (codes: readonly number[]) => string[]): ReportRadarGroup {
    const geo = this.#geo;
    const userValues = this.#rows.users.values;
    const kind = this.#kind[g]!;
    let oneAsn: number | undefined;
    if (kind === ASN) oneAsn = this.#asn[g];
    else {
      const groupAsns = this.#asns.entries(g);
      if (groupAsns.length === 1) oneAsn = this.#asn[groupAsns[0]![0]];
    }
    let org: string | undefined;
    let maxPerAddress = 0;
    const ips: number[] = [];
    this.#forEachIp(g, (c, n) => {
      ips.push(c);
      if (n > maxPerAddress) maxPerAddress = n;
      if (org === undefined && oneAsn !== undefined) {
        const info = geo?.(c);
        if (info?.org !== undefined && info.asn === oneAsn) org = info.org;
      }
    });
    const usernames = this.#users.top(g, USERNAMES_PER_GROUP, (u) => userValues[u - 1]!);
    return {
      kind: KINDS[kind]!,
      key: this.#key[g]!,
      asn: oneAsn,
      org,
      countries: this.#countryLists.get(countriesOf(ips)),
      addresses: this.#ipCount[g]!,
      attempts: this.#attempts[g]!,
      maxPerAddress,
      networks: kind === NET ? 1 : this.#nets.size(g),
      usernames: usernames.length === 0 ? NO_NAMES : usernames,
      distinctUsernames: this.#users.size(g),
      first: this.#first[g]!,
      last: this.#last[g]!,
      caught:
        v === undefined
          ? NOT_CAUGHT
          : {
              jails: [...v.jails].sort((a, b) => a - b).map((j) => jails[j]!.name),
              bans: v.bans,
              firstBan: v.firstBan,
              blocked: v.blocked,
              addresses: v.blockedIps.size,
            },
    };
  }
}

// The rows of pass 2, in columns grown by doubling.
class SelectedRows {
  time = new Float64Array(1024);
  jail = new Int32Array(1024);
  id = new Int32Array(1024);
  group = new Int32Array(1024);
  line = new Int32Array(1024);
  length = 0;

  push(time: EpochMs, jail: number, id: number, group: number, line: number): void {
    const k = this.length;
    if (k === this.time.length) {
      this.time = grown(this.time, 2 * k);
      this.jail = grown(this.jail, 2 * k);
      this.id = grown(this.id, 2 * k);
      this.group = grown(this.group, 2 * k);
      this.line = grown(this.line, 2 * k);
    }
    this.time[k] = time;
    this.jail[k] = jail;
    this.id[k] = id;
    this.group[k] = group;
    this.line[k] = line;
    this.length = k + 1;
  }
}

interface Verdict {
  jails: Set<number>;
  bans: number;
  firstBan: EpochMs | undefined;
  blocked: number;
  /** Last line (serial number) counted in `blocked`. */
  lastBlocked: number;
  /** Id codes with a blocked attempt. */
  blockedIps: Set<number>;
}

