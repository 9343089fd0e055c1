// Counts of (key, value) pairs of small non-negative integers (id codes, username codes, group
// numbers): the analyses' replacement for a Map of Maps keyed by strings. One open-addressing
// hash table in a typed array (no object per pair, no Map per key, one cache line per look-up);
// each key's values are chained in first-seen order, so iterating a key never scans the others.
import { grown } from '../grow-typed.js';

/** Per-key counts of values; keys and values are integers in 0..2^31-2. */
export class PairCounts {
  /**
   * The hash table, four ints per slot: key + 1 (0 = empty), value, count, pair index. A
   * look-up reads one cache line: the tables are megabytes and every access is random.
   */
  #table: Int32Array;
  #mask: number;
  #pairs = 0;
  /** Per pair (index): its slot, and the next pair of the same key (index + 1, 0 = last). */
  #slotOf: Int32Array;
  #next: Int32Array;
  /** Per key: first and last pair (index + 1) and the number of distinct values. */
  #head: Int32Array;
  #tail: Int32Array;
  #size: Int32Array;

  /**
   * `keys`: expected key range (grows on demand); `pairs`: expected distinct pairs. The table
   * doubles past half full; each doubling re-inserts every pair at random places, so a size
   * near the final count saves time, one far above it memory.
   */
  constructor(keys = 16, pairs = 64) {
    let cap = 16;
    while (cap < pairs * 2) cap *= 2;
    this.#table = new Int32Array(cap * 4);
    this.#mask = cap - 1;
    const p = Math.max(8, pairs);
    this.#slotOf = new Int32Array(p);
    this.#next = new Int32Array(p);
    const k = Math.max(1, keys);
    this.#head = new Int32Array(k);
    this.#tail = new Int32Array(k);
    this.#size = new Int32Array(k);
  }

  /** Adds `by` to the count of (key, value); returns the new count. */
  add(key: number, value: number, by = 1): number {
    const t = this.#table;
    const mask = this.#mask;
    for (let s = hash(key, value) & mask; ; s = (s + 1) & mask) {
      const b = s << 2;
      const k = t[b]!;
      if (k === 0) {
        this.#insert(key, value, by, s);
        return by;
      }
      if (k === key + 1 && t[b + 1] === value) return (t[b + 2] = t[b + 2]! + by);
    }
  }

  /** The pair's dense index (0, 1, ... in first-seen order), adding it with count 0 when new. */
  slot(key: number, value: number): number {
    const t = this.#table;
    const mask = this.#mask;
    for (let s = hash(key, value) & mask; ; s = (s + 1) & mask) {
      const b = s << 2;
      const k = t[b]!;
      if (k === 0) return this.#insert(key, value, 0, s);
      if (k === key + 1 && t[b + 1] === value) return t[b + 3]!;
    }
  }

  /** The count of pair `p` (a slot index). */
  countAt(p: number): number {
    return this.#table[(this.#slotOf[p]! << 2) + 2]!;
  }

  /** Distinct pairs so far (the next new pair's index). */
  get pairs(): number {
    return this.#pairs;
  }

  /** Distinct values counted for `key`. */
  size(key: number): number {
    return key < this.#size.length ? this.#size[key]! : 0;
  }

  /** The count of (key, value). */
  count(key: number, value: number): number {
    const t = this.#table;
    const mask = this.#mask;
    for (let s = hash(key, value) & mask; ; s = (s + 1) & mask) {
      const b = s << 2;
      const k = t[b]!;
      if (k === 0) return 0;
      if (k === key + 1 && t[b + 1] === value) return t[b + 2]!;
    }
  }

  /** Calls `f` for each value of `key` with its count, in first-seen order. */
  forEach(key: number, f: (value: number, count: number) => void): void {
    if (key >= this.#head.length) return;
    const t = this.#table;
    for (let p = this.#head[key]!; p !== 0; p = this.#next[p - 1]!) {
      const b = this.#slotOf[p - 1]! << 2;
      f(t[b + 1]!, t[b + 2]!);
    }
  }

  /** Calls `f` for every pair with its count, in first-seen order. */
  forEachPair(f: (key: number, value: number, count: number) => void): void {
    const t = this.#table;
    for (let p = 0; p < this.#pairs; p++) {
      const b = this.#slotOf[p]! << 2;
      f(t[b]! - 1, t[b + 1]!, t[b + 2]!);
    }
  }

  /** The values of `key` with their counts, in first-seen order. */
  entries(key: number): [number, number][] {
    const out: [number, number][] = [];
    this.forEach(key, (v, c) => out.push([v, c]));
    return out;
  }

  /** The names of the `limit` most counted values of `key`, most first, ties by name (see TopNames). */
  top(key: number, limit: number, nameOf: (value: number) => string): string[] {
    const top = new TopNames(limit);
    if (key >= this.#head.length) return top.names;
    const t = this.#table;
    for (let p = this.#head[key]!; p !== 0; p = this.#next[p - 1]!) {
      const b = this.#slotOf[p - 1]! << 2;
      top.offer(t[b + 1]!, t[b + 2]!, nameOf);
    }
    return top.names;
  }

  // A new pair in the empty slot s; returns its index.
  #insert(key: number, value: number, count: number, s: number): number {
    if (key >= this.#head.length) this.#growKeys(key + 1);
    if (this.#pairs === this.#slotOf.length) this.#growPairs();
    const p = this.#pairs++;
    const b = s << 2;
    const t = this.#table;
    t[b] = key + 1;
    t[b + 1] = value;
    t[b + 2] = count;
    t[b + 3] = p;
    this.#slotOf[p] = s;
    this.#next[p] = 0;
    const tail = this.#tail[key]!;
    if (tail === 0) this.#head[key] = p + 1;
    else this.#next[tail - 1] = p + 1;
    this.#tail[key] = p + 1;
    this.#size[key]!++;
    if (this.#pairs * 2 > this.#mask + 1) this.#rehash();
    return p;
  }

  #growKeys(n: number): void {
    const cap = Math.max(n, this.#head.length * 2);
    this.#head = grown(this.#head, cap);
    this.#tail = grown(this.#tail, cap);
    this.#size = grown(this.#size, cap);
  }

  #growPairs(): void {
    const cap = this.#slotOf.length * 2;
    this.#slotOf = grown(this.#slotOf, cap);
    this.#next = grown(this.#next, cap);
  }

  #rehash(): void {
    const old = this.#table;
    const cap = (this.#mask + 1) * 2;
    const t = new Int32Array(cap * 4);
    const mask = cap - 1;
    for (let p = 0; p < this.#pairs; p++) {
      const ob = this.#slotOf[p]! << 2;
      let s = hash(old[ob]! - 1, old[ob + 1]!) & mask;
      while (t[s << 2] !== 0) s = (s + 1) & mask;
      const b = s << 2;
      t[b] = old[ob]!;
      t[b + 1] = old[ob + 1]!;
      t[b + 2] = old[ob + 2]!;
      t[b + 3] = p;
      this.#slotOf[p] = s;
    }
    this.#table = t;
    this.#mask = mask;
  }
}

// Mixes both integers into 32 bits (multiplicative hashing, then a final avalanche).
function hash(key: number, value: number): number {
  let h = Math.imul(key, 0x9e3779b1) ^ Math.imul(value + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/**
 * The `limit` best of a stream of (value, count): most counted first, ties by name. A bounded
 * selection (most offers lose on the count alone), not a sort of everything offered.
 */
export class TopNames {
  readonly names: string[] = [];
  readonly #counts: number[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Offers `value` with its count; `nameOf` is called only when the count can make the cut. */
  offer(value: number, count: number, nameOf: (value: number) => string): void {
    const limit = this.#limit;
    const names = this.names;
    const counts = this.#counts;
    let n = names.length;
    if (limit <= 0 || (n === limit && count < counts[limit - 1]!)) return;
    const name = nameOf(value);
    let at = n;
    while (at > 0 && (count > counts[at - 1]! || (count === counts[at - 1]! && name < names[at - 1]!))) at--;
    if (at === limit) return;
    // Shift the tail down by hand (splice allocates an array of the removed items).
    if (n < limit) {
      names.push(name);
      counts.push(count);
      n++;
    }
    for (let k = n - 1; k > at; k--) {
      names[k] = names[k - 1]!;
      counts[k] = counts[k - 1]!;
    }
    names[at] = name;
    counts[at] = count;
  }
}
