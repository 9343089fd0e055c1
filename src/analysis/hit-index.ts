// Shared facts about a replay's HitStore for the report analyses, computed once per store:
// the rows in line-adjacent order and each username code's normalised name and account.
// Invariant: in `rows`, the hits of one file line are consecutive, so "first hit of its line"
// is a comparison with the previous row, never a Set of line keys (see lineAdjacent).
import type { HitStore } from '../pipeline/hit-store.js';
import { accountKey, isUsername, normalizeUsername } from './is-username.js';
import { compareText } from '../compare-text.js';

/** Username facts per `user` code of a store (index 0 = no username). */
export interface NameCodes {
  /** 1 when the value is worth reporting as a username (see isUsername). */
  isName: Uint8Array;
  /** Index into `norms` of the lower-cased name; -1 when not a username. */
  norm: Int32Array;
  /** Distinct normalised names, first-seen order. */
  norms: string[];
  /** Per `norms` index: index into `groups` of its account key (local part). */
  groupOfNorm: Int32Array;
  /** Distinct account keys. */
  groups: string[];
}

/** What the analyses share about one store. */
export interface HitIndex {
  /** The store's rows, line-adjacent (the store itself unless it had to be regrouped). */
  rows: HitStore;
  names: NameCodes;
}

const cache = new WeakMap<HitStore, { length: number; ids: number; users: number; index: HitIndex }>();

/** The shared index of a store whose simulation has run (cached while the store keeps its size). */
export function hitIndex(hits: HitStore): HitIndex {
  const c = cache.get(hits);
  if (c !== undefined && c.length === hits.length && c.ids === hits.ids.size && c.users === hits.users.size) return c.index;
  const index: HitIndex = { rows: lineAdjacent(hits), names: nameCodes(hits) };
  cache.set(hits, { length: hits.length, ids: hits.ids.size, users: hits.users.size, index });
  return index;
}

/**
 * The store with the hits of each file line consecutive. The replay's merge sorts rows by
 * (time, file rank, line, jail), so hits of one line are adjacent whenever every jail that
 * matched the line dated it alike, which holds unless jails with different `datepattern`s
 * read different stamps on one line. This checks the invariant in one pass (a bit per file
 * line) and returns the store itself when it holds; otherwise a copy in which each line's
 * later hits are moved up behind its first one (the first hit of a line keeps its place, as
 * a Set of seen lines would have it).
 */
export function lineAdjacent(hits: HitStore): HitStore {
  const { file, line, length } = hits;
  if (length < 2) return hits;
  // One bit per line of each file, sized by the file's highest line number with a hit.
  const maxLine: number[] = [];
  for (let i = 0; i < length; i++) {
    const f = file[i]!;
    const l = line[i]!;
    if (!(l <= (maxLine[f] ?? -1))) maxLine[f] = l;
  }
  let bits = 0;
  for (const m of maxLine) bits += m === undefined ? 0 : m + 1;
  // Absurd line numbers (hand-made stores): a Set instead of a huge bitmap.
  if (bits > 8 * length + (1 << 24)) return adjacentBySet(hits) ? hits : regroup(hits);
  const maps = Array.from(maxLine, (m) => new Uint8Array(m === undefined ? 0 : (m >>> 3) + 1));
  for (let i = 0; i < length; i++) {
    const f = file[i]!;
    const l = line[i]!;
    if (i > 0 && file[i - 1] === f && line[i - 1] === l) continue;
    const map = maps[f]!;
    const bit = 1 << (l & 7);
    const byte = map[l >>> 3]!;
    if ((byte & bit) !== 0) return regroup(hits); // the line came back after other lines
    map[l >>> 3] = byte | bit;
  }
  return hits;
}

function adjacentBySet(hits: HitStore): boolean {
  const { file, line, length } = hits;
  const seen = new Set<number>();
  for (let i = 0; i < length; i++) {
    if (i > 0 && file[i - 1] === file[i] && line[i - 1] === line[i]) continue;
    const key = file[i]! * 4_294_967_296 + line[i]!;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

// Cold path: rows ordered by the first row of their line, then by row.
function regroup(hits: HitStore): HitStore {
  const { file, line, length } = hits;
  const firstRow = new Map<number, number>();
  const lead = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const key = file[i]! * 4_294_967_296 + line[i]!;
    let r = firstRow.get(key);
    if (r === undefined) firstRow.set(key, (r = i));
    lead[i] = r;
  }
  const order = Array.from({ length }, (_, i) => i).sort((a, b) => lead[a]! - lead[b]! || a - b);
  return hits.select(order);
}

/** Normalised name and account key of every username code, one normalisation per spelling. */
function nameCodes(hits: HitStore): NameCodes {
  const values = hits.users.values;
  const n = values.length + 1;
  const isName = new Uint8Array(n);
  const norm = new Int32Array(n).fill(-1);
  const norms: string[] = [];
  const normIndex = new Map<string, number>();
  const groupList: number[] = [];
  const groups: string[] = [];
  const groupIndex = new Map<string, number>();
  for (let u = 1; u < n; u++) {
    const v = values[u - 1]!;
    if (!isUsername(v)) continue;
    isName[u] = 1;
    const nv = normalizeUsername(v);
    let k = normIndex.get(nv);
    if (k === undefined) {
      k = norms.length;
      norms.push(nv);
      normIndex.set(nv, k);
      const key = accountKey(nv);
      let g = groupIndex.get(key);
      if (g === undefined) {
        g = groups.length;
        groups.push(key);
        groupIndex.set(key, g);
      }
      groupList.push(g);
    }
    norm[u] = k;
  }
  return { isName, norm, norms, groupOfNorm: Int32Array.from(groupList), groups };
}

/** `f` of each id code, computed at most once per code (GeoIP, networks). */
export function byIdCode<T>(hits: HitStore, f: (id: string) => T): (code: number) => T {
  const values = hits.ids.values;
  const known = new Uint8Array(values.length);
  const answers = new Array<T>(values.length);
  return (code) => {
    if (known[code] === 1) return answers[code]!;
    const v = f(values[code]!);
    answers[code] = v;
    known[code] = 1;
    return v;
  };
}

/**
 * The countries of lists of addresses (id codes), most addresses first, ties by name: each
 * address's country becomes a small index (asked once per address), counted in an array that
 * is reset through the countries a list touched.
 */
export function countryCounter(idCount: number, countryOf: (code: number) => string | undefined): (codes: readonly number[]) => string[] {
  const countryIndex = new Int32Array(idCount).fill(-2);
  const countryNames: string[] = [];
  const byName = new Map<string, number>();
  const tally: number[] = [];
  const touched: number[] = [];
  return (codes) => {
    for (let j = 0; j < codes.length; j++) {
      const c = codes[j]!;
      let k = countryIndex[c]!;
      if (k === -2) {
        const country = countryOf(c);
        k = country === undefined ? -1 : (byName.get(country) ?? -1);
        if (country !== undefined && k < 0) {
          byName.set(country, (k = countryNames.length));
          countryNames.push(country);
          tally.push(0);
        }
        countryIndex[c] = k;
      }
      if (k < 0) continue;
      if (tally[k] === 0) touched.push(k);
      tally[k]!++;
    }
    if (touched.length > 1) touched.sort((a, b) => tally[b]! - tally[a]! || compareText(countryNames[a]!, countryNames[b]!));
    const out = new Array<string>(touched.length);
    for (let j = 0; j < touched.length; j++) {
      out[j] = countryNames[touched[j]!]!;
      tally[touched[j]!] = 0;
    }
    touched.length = 0;
    return out;
  };
}

