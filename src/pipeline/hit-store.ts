// The hits of a scan or a replay in columns: one typed array per field, ids and usernames
// interned into dense indices of the store. Analyses key typed arrays by id index instead
// of hashing strings, a hit costs ~30 bytes instead of an object. A file's scan fills a
// FileHits, its hits encoded (row-codec.ts), which crosses a worker_threads boundary as one
// buffer; HitStore holds a run's hits merged, in columns.
import { dottedQuad } from '../enrich/dotted-quad.js';
import type { Outcome } from '../jail/simulate.js';
import type { EpochMs, Hit, HitKind } from '../types.js';
import { grown } from '../grow-typed.js';
import { HitSlabs } from './hit-slabs.js';
import { decodeRows, RowEncoder, type RowColumns } from './row-codec.js';

/** `kind` column codes. */
export const FAILURE = 0;
export const SUCCESS = 1;

/** `outcome` column codes; 0 = none (a success, or a failure no jail simulated). */
export const OUTCOME_NONE = 0;
export const OUTCOME_IGNORED = 1;
export const OUTCOME_COUNTED = 2;
export const OUTCOME_BANNED = 3;
export const OUTCOME_BLOCKED = 4;
export const OUTCOME_PROLONGED = 5;
const OUTCOMES: readonly (Outcome | undefined)[] = [undefined, 'ignored', 'counted', 'banned', 'blocked', 'prolonged'];

/** The code of an outcome, for the `outcome` column. */
export function outcomeCode(o: Outcome | undefined): number {
  return o === undefined ? OUTCOME_NONE : OUTCOMES.indexOf(o);
}

/** A hit as an object, optionally carrying the raw line (timeline). */
export type HitObject = Hit & { text?: string };

/** Distinct strings in first-seen order, each with its dense index. */
export class StringTable {
  readonly values: string[];
  // Built on first use for adopted values (a worker's table, read by a merge only).
  #index: Map<string, number> | undefined;
  readonly #withQuads: boolean;
  // The previous value and its index: hits come in bursts from one address (and the
  // address normaliser hands out one shared string per address), so most lookups end here.
  #last = '';
  #lastIndex = -1;
  // With `quads`: dotted-quad values (nearly every id) are found by their 32-bit number in an
  // open-addressing table of typed arrays, and only there: an integer hash and one probe
  // replace hashing a string into a large Map, a cache miss or three per hit, and a million
  // distinct addresses cost no million Map entries (#4). Slot: the number, and the value's
  // index + 1 (0 = empty). Other values go through the Map.
  #quadKeys: Int32Array | undefined;
  #quadCodes = new Int32Array(0);
  #quadShift = 0;
  #quads = 0;

  /**
   * `quads`: expect many dotted-quad values (an id table). `adopt`: distinct, detached values
   * taken as they are (index i is values[i]); their look-up tables are built when first needed.
   */
  constructor(quads = false, adopt?: string[]) {
    this.#withQuads = quads;
    this.values = adopt ?? [];
    if (adopt === undefined) this.#build();
  }

  /** The index of `s`, adding it when new. */
  intern(s: string): number {
    if (s === this.#last && this.#lastIndex >= 0) return this.#lastIndex;
    if (this.#index === undefined) this.#build();
    const q = this.#quadKeys === undefined ? -1 : dottedQuad(s);
    let i: number;
    if (q < 0) {
      i = this.#index!.get(s) ?? -1;
      if (i < 0) {
        i = this.#add(s);
        this.#index!.set(this.values[i]!, i);
      }
    } else {
      const slot = this.#quadSlot(q);
      const code = this.#quadCodes[slot]!;
      if (code !== 0) i = code - 1;
      else {
        i = this.#add(s);
        this.#addQuad(q, i, slot);
      }
    }
    this.#last = this.values[i]!; // the detached copy: s may be a slice of a reader chunk
    this.#lastIndex = i;
    return i;
  }

  /**
   * Appends values known to be new and distinct, as `adopt` takes them (a worker's table, sent
   * a file's worth at a time).
   */
  adoptMore(values: readonly string[]): void {
    for (const v of values) this.values.push(v);
    // Look-up tables built before are rebuilt when next needed.
    this.#index = undefined;
  }

  /** The index of `s`, or -1. */
  find(s: string): number {
    if (this.#index === undefined) this.#build();
    const q = this.#quadKeys === undefined ? -1 : dottedQuad(s);
    if (q < 0) return this.#index!.get(s) ?? -1;
    return this.#quadCodes[this.#quadSlot(q)]! - 1;
  }

  get size(): number {
    return this.values.length;
  }

  // A new value; returns its index.
  #add(s: string): number {
    // A captured value can be a slice of a reader chunk: a flat copy does not pin it.
    return this.values.push(s.length > 12 ? (' ' + s).slice(1) : s) - 1;
  }

  // The slot holding the number q, or the empty slot where it belongs.
  #quadSlot(q: number): number {
    const keys = this.#quadKeys!;
    const codes = this.#quadCodes;
    const mask = keys.length - 1;
    let slot = Math.imul(q, 0x9e3779b1) >>> this.#quadShift;
    // dottedQuad reads only the canonical spelling: one number, one text.
    while (codes[slot] !== 0 && keys[slot] !== (q | 0)) slot = (slot + 1) & mask;
    return slot;
  }

  // The look-up tables of the values held so far: dotted quads (with `quads`) in the number
  // table, the others in the Map.
  #build(): void {
    const index = (this.#index = new Map());
    this.#quads = 0;
    if (this.#withQuads) {
      let size = 1024;
      while (size < this.values.length * 2) size *= 2;
      this.#quadTable(size);
    }
    this.values.forEach((v, i) => {
      const q = this.#withQuads ? dottedQuad(v) : -1;
      if (q < 0) index.set(v, i);
      else {
        this.#place(q | 0, i + 1);
        this.#quads++;
      }
    });
  }

  #addQuad(q: number, i: number, slot: number): void {
    this.#quadKeys![slot] = q | 0;
    this.#quadCodes[slot] = i + 1;
    if (++this.#quads * 2 > this.#quadKeys!.length) {
      const keys = this.#quadKeys!;
      const codes = this.#quadCodes;
      this.#quadTable(keys.length * 2);
      for (let k = 0; k < keys.length; k++) if (codes[k] !== 0) this.#place(keys[k]!, codes[k]!);
    }
  }

  #quadTable(size: number): void {
    this.#quadKeys = new Int32Array(size);
    this.#quadCodes = new Int32Array(size);
    this.#quadShift = 32 - Math.log2(size);
  }

  #place(key: number, code: number): void {
    const mask = this.#quadKeys!.length - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> this.#quadShift;
    while (this.#quadCodes[slot] !== 0) slot = (slot + 1) & mask;
    this.#quadKeys![slot] = key;
    this.#quadCodes[slot] = code;
  }
}

/** The columns of a store, row i being hit i. */
export interface HitColumns {
  /** Log time (ms). */
  time: Float64Array;
  /** Index into the run's jail list. */
  jail: Uint16Array;
  /** FAILURE or SUCCESS. */
  kind: Uint8Array;
  /** Index into `ids`. */
  id: Uint32Array;
  /** Index into `users` + 1; 0 when the hit has no username. */
  user: Uint32Array;
  /** Index into the run's file list. */
  file: Uint32Array;
  /** 1-based line number within the decoded file. */
  line: Uint32Array;
  /** Jail outcome of a failure (OUTCOME_* codes), set by the simulation. */
  outcome: Uint8Array;
}

const INITIAL_CAPACITY = 1024;

/** A file's hits as structured-cloneable data (see `FileHits.pack`). */
export interface PackedFileHits {
  file: number;
  length: number;
  firstTime: EpochMs | undefined;
  /** The rows, encoded (row-codec.ts). */
  rows: Uint8Array;
  /** The values of the tables from index `idsFrom` and `usersFrom` on (what earlier packs did not send). */
  ids: string[];
  users: string[];
  idsFrom: number;
  usersFrom: number;
  texts: [number, string][] | undefined;
}

/** String tables of ids and usernames. */
export interface HitTables {
  ids: StringTable;
  users: StringTable;
}

/**
 * Empty tables: to intern into, or (`copies`) to adopt values interned elsewhere, sent a
 * file's worth at a time (FileHits.unpack).
 */
export function newHitTables(copies = false): HitTables {
  return copies
    ? { ids: new StringTable(true, []), users: new StringTable(false, []) }
    : { ids: new StringTable(true), users: new StringTable() };
}

/**
 * What the files one thread scans share (#4): the string tables they intern into, since files
 * see the same addresses and usernames again and again (one table per file held each of them
 * once per file until the merge: on the 2x bench corpus 502 k entries for 61 k distinct
 * values, ~100 bytes each); and the slabs their finished hits are kept in (hit-slabs.ts).
 */
export interface ScanShared extends HitTables {
  slabs: HitSlabs;
}

/** What a thread's scans share, empty. */
export function newScanShared(): ScanShared {
  return { ...newHitTables(), slabs: new HitSlabs() };
}

/**
 * One file's hits as its scan collects them, until the merge (HitStore.merge): every file's
 * are held at once at the end of a scan, so they are kept encoded (row-codec.ts), ~8 bytes a
 * hit where columns took 23 and a merged store takes 28 (#4). Finished, they move into the
 * thread's slabs (hit-slabs.ts) when it has some.
 */
export class FileHits {
  length = 0;
  readonly ids: StringTable;
  readonly users: StringTable;
  /** Raw lines kept for some hits (timeline), by row. */
  texts: Map<number, string> | undefined;
  /** Time of the first row. */
  firstTime: EpochMs | undefined;
  readonly #slabs: HitSlabs | undefined;
  // While the scan goes on the encoder, then the bytes it wrote.
  #encoder: RowEncoder | undefined = new RowEncoder();
  #encoded: Uint8Array | undefined;

  /** `shared`: the tables to intern into, and the slabs for the finished rows (a thread's). */
  constructor(
    /** Index of the file in the run's file list. */
    readonly file: number,
    shared?: HitTables & { slabs?: HitSlabs },
  ) {
    const tables = shared ?? newHitTables();
    this.ids = tables.ids;
    this.users = tables.users;
    this.#slabs = shared?.slabs;
  }

  /** Appends a hit (`kind`: FAILURE or SUCCESS) at `line`, interning its id and user; `text`, the raw line, is kept as a flat copy. */
  push(jail: number, kind: number, id: string, user: string | undefined, time: EpochMs, line: number, text?: string): void {
    const encoder = this.#encoder;
    if (encoder === undefined) throw new Error('FileHits: push after finish');
    encoder.write(jail, kind, this.ids.intern(id), userCode(this.users, user), time, line);
    if (this.length++ === 0) this.firstTime = time;
    if (text !== undefined) (this.texts ??= new Map()).set(this.length - 1, flatCopy(text));
  }

  /** The scan is over: the rows move to an exact-size buffer, in the slabs if there are any. */
  finish(): void {
    const encoder = this.#encoder;
    if (encoder === undefined) return;
    const out = this.#slabs?.bytes(encoder.size) ?? new Uint8Array(encoder.size);
    encoder.copyTo(out);
    this.#encoded = out;
    this.#encoder = undefined;
  }

  /** Writes the rows into `into`'s columns from row `base` on, with this file's codes. */
  decodeInto(into: RowColumns, base: number): void {
    this.finish();
    decodeRows(this.#encoded!, this.length, into, base);
  }

  /** Lets the rows go (merged): the file is left empty. */
  release(): void {
    this.#encoder = undefined;
    this.#encoded = NO_U8;
    this.length = 0;
    this.texts = undefined;
  }

  /**
   * The finished rows themselves plus the string tables' values from `from` on (those
   * earlier packs of files sharing the tables have not sent); list `transferList(p)` to move them.
   */
  pack(from: { ids: number; users: number } = { ids: 0, users: 0 }): PackedFileHits {
    this.finish();
    return {
      file: this.file,
      length: this.length,
      firstTime: this.firstTime,
      rows: this.#encoded!,
      ids: this.ids.values.slice(from.ids),
      users: this.users.values.slice(from.users),
      idsFrom: from.ids,
      usersFrom: from.users,
      texts: this.texts === undefined ? undefined : [...this.texts],
    };
  }

  /**
   * Rebuilds packed hits. Without `into`, in tables of their own (the packed values must be
   * whole); with it, in those tables, which adopt the packed values after the ones they hold:
   * the copies of one worker's tables, sent a file at a time. Throws when the values do not
   * follow on (a pack missed).
   */
  static unpack(p: PackedFileHits, into?: HitTables): FileHits {
    const tables = into ?? newHitTables(true);
    if (p.idsFrom !== tables.ids.size || p.usersFrom !== tables.users.size) {
      throw new Error(`packed hits continue tables of ${p.idsFrom}/${p.usersFrom} values, not ${tables.ids.size}/${tables.users.size}`);
    }
    tables.ids.adoptMore(p.ids);
    tables.users.adoptMore(p.users);
    const f = new FileHits(p.file, tables);
    f.length = p.length;
    f.firstTime = p.firstTime;
    f.#encoder = undefined;
    f.#encoded = p.rows;
    if (p.texts !== undefined) f.texts = new Map(p.texts);
    return f;
  }
}

/** The buffer of packed hits, for postMessage's transfer list: none when in a shared slab (shared as it is). */
export function transferList(p: PackedFileHits): ArrayBuffer[] {
  return p.rows.buffer instanceof ArrayBuffer ? [p.rows.buffer] : [];
}

// What released rows become: shared, empty, never written (a push grows them anew).
const NO_F64 = new Float64Array(0);
const NO_U32 = new Uint32Array(0);
const NO_U16 = new Uint16Array(0);
const NO_U8 = new Uint8Array(0);

// Rows [base, base + n) of a code column (codes of `from`, stored + `shift`: usernames are
// stored + 1, 0 for none) re-coded into codes of `to`, through `map` (one per `from`, kept
// across the files that share it; -1: not met yet). A value is interned into `to` when a row
// first uses it, so `to` lists the values in the order the rows first use them: file by file,
// as a table of each file's own would.
function recode(column: Uint32Array, base: number, n: number, from: StringTable, to: StringTable, shift: number, map: Int32Array): void {
  const values = from.values;
  for (let i = base; i < base + n; i++) {
    const c = column[i]!;
    let code = map[c]!;
    if (code < 0) map[c] = code = to.intern(values[c - shift]!) + shift;
    column[i] = code;
  }
}

// The map for recode() of a table (`shift` as there).
function recodeMap(from: StringTable, shift: number): Int32Array {
  const map = new Int32Array(from.size + shift).fill(-1);
  if (shift === 1) map[0] = 0;
  return map;
}

// The `user` column's code of a username: its index + 1, 0 for none.
function userCode(users: StringTable, user: string | undefined): number {
  return user === undefined ? 0 : users.intern(user) + 1;
}

// A flat copy of a line that may be a slice of a reader chunk, so keeping it does not pin the chunk.
function flatCopy(text: string): string {
  return (' ' + text).slice(1);
}

// The class declares its columns through this merged interface (assigned in the constructor).
export interface HitStore extends HitColumns {}

/** Hits in columns (HitColumns), `length` rows of them; the arrays may be longer. */
export class HitStore {
  length = 0;
  readonly ids: StringTable;
  readonly users: StringTable;
  /** Raw lines kept for some hits (timeline), by row. */
  texts: Map<number, string> | undefined;

  constructor(capacity = INITIAL_CAPACITY, tables?: HitTables) {
    const n = Math.max(1, capacity);
    this.time = new Float64Array(n);
    this.jail = new Uint16Array(n);
    this.kind = new Uint8Array(n);
    this.id = new Uint32Array(n);
    this.user = new Uint32Array(n);
    this.file = new Uint32Array(n);
    this.line = new Uint32Array(n);
    this.outcome = new Uint8Array(n);
    const own = tables ?? newHitTables();
    this.ids = own.ids;
    this.users = own.users;
    this.texts = undefined;
  }

  /** Appends a hit with already interned id and user code; returns its row. */
  pushCodes(jail: number, kind: number, id: number, user: number, time: EpochMs, file: number, line: number): number {
    const i = this.length;
    if (i === this.time.length) this.#grow(Math.max(INITIAL_CAPACITY, i * 2));
    this.time[i] = time;
    this.jail[i] = jail;
    this.kind[i] = kind;
    this.id[i] = id;
    this.user[i] = user;
    this.file[i] = file;
    this.line[i] = line;
    this.length = i + 1;
    return i;
  }

  /** Appends a hit (`kind`: FAILURE or SUCCESS), interning its id and user; `text`, the raw line, is kept as a flat copy. Returns its row. */
  push(jail: number, kind: number, id: string, user: string | undefined, time: EpochMs, file: number, line: number, text?: string): number {
    const row = this.pushCodes(jail, kind, this.ids.intern(id), userCode(this.users, user), time, file, line);
    if (text !== undefined) (this.texts ??= new Map()).set(row, flatCopy(text));
    return row;
  }

  /** The id (address) of row i. */
  idOf(i: number): string {
    return this.ids.values[this.id[i]!]!;
  }

  /** The username of row i, if any. */
  userOf(i: number): string | undefined {
    const u = this.user[i]!;
    return u === 0 ? undefined : this.users.values[u - 1];
  }

  kindOf(i: number): HitKind {
    return this.kind[i] === SUCCESS ? 'success' : 'failure';
  }

  outcomeOf(i: number): Outcome | undefined {
    return OUTCOMES[this.outcome[i]!];
  }

  /** Row i as an object (cold paths and tests). */
  get(i: number): HitObject {
    const h: HitObject = {
      jail: this.jail[i]!,
      kind: this.kindOf(i),
      id: this.idOf(i),
      time: this.time[i]!,
      user: this.userOf(i),
      file: this.file[i]!,
      line: this.line[i]!,
    };
    const text = this.texts?.get(i);
    if (text !== undefined) h.text = text;
    return h;
  }

  /** Every row as an object. */
  toArray(): HitObject[] {
    const out = new Array<HitObject>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.get(i);
    return out;
  }

  /** Outcomes of every row, as the parallel array older code and tests use. */
  outcomes(): (Outcome | undefined)[] {
    const out = new Array<Outcome | undefined>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = OUTCOMES[this.outcome[i]!];
    return out;
  }

  /** A store of the given hit objects (and outcomes, parallel to them). */
  static from(hits: readonly HitObject[], outcomes?: readonly (Outcome | undefined)[]): HitStore {
    const s = new HitStore(hits.length);
    hits.forEach((h, i) => {
      const row = s.push(h.jail, h.kind === 'success' ? SUCCESS : FAILURE, h.id, h.user, h.time, h.file, h.line, h.text);
      if (outcomes !== undefined) s.outcome[row] = outcomeCode(outcomes[i]);
    });
    return s;
  }

  /**
   * Drops the rows (their columns and raw lines; the string tables stay): for a caller that
   * reads nothing of them any more, so that they are not held under what comes next (#4).
   */
  release(): void {
    this.length = 0;
    this.time = NO_F64;
    this.jail = NO_U16;
    this.kind = NO_U8;
    this.id = NO_U32;
    this.user = NO_U32;
    this.file = NO_U32;
    this.line = NO_U32;
    this.outcome = NO_U8;
    this.texts = undefined;
  }

  /**
   * A new store with the rows `rows` (in that order), sharing this store's string tables,
   * so id and user codes keep their meaning.
   */
  select(rows: ArrayLike<number>): HitStore {
    const n = rows.length;
    const s = new HitStore(n, { ids: this.ids, users: this.users });
    for (let k = 0; k < n; k++) {
      const i = rows[k]!;
      s.time[k] = this.time[i]!;
      s.jail[k] = this.jail[i]!;
      s.kind[k] = this.kind[i]!;
      s.id[k] = this.id[i]!;
      s.user[k] = this.user[i]!;
      s.file[k] = this.file[i]!;
      s.line[k] = this.line[i]!;
      s.outcome[k] = this.outcome[i]!;
    }
    s.length = n;
    if (this.texts !== undefined) {
      for (let k = 0; k < n; k++) {
        const t = this.texts.get(rows[k]!);
        if (t !== undefined) (s.texts ??= new Map()).set(k, t);
      }
    }
    return s;
  }

  /**
   * Puts the rows in the order `rows` gives (row `rows[k]` moves to k; a permutation of
   * 0..length-1), in place: no second copy of the columns. Nearly sorted input moves little.
   */
  reorder(rows: ArrayLike<number>): void {
    const n = this.length;
    const cols = [this.time, this.jail, this.kind, this.id, this.user, this.file, this.line, this.outcome];
    const saved = new Float64Array(cols.length);
    const done = new Uint8Array(n);
    for (let start = 0; start < n; start++) {
      if (done[start] === 1) continue;
      done[start] = 1;
      if (rows[start] === start) continue;
      // Follow the cycle through start: each slot takes the value of the row meant for it.
      for (let c = 0; c < cols.length; c++) saved[c] = cols[c]![start]!;
      let k = start;
      for (;;) {
        const from = rows[k]!;
        if (from === start) {
          for (let c = 0; c < cols.length; c++) cols[c]![k] = saved[c]!;
          break;
        }
        for (let c = 0; c < cols.length; c++) cols[c]![k] = cols[c]![from]!;
        done[from] = 1;
        k = from;
      }
    }
    if (this.texts !== undefined) {
      const moved = new Map<number, string>();
      for (let k = 0; k < n; k++) {
        const t = this.texts.get(rows[k]!);
        if (t !== undefined) moved.set(k, t);
      }
      this.texts = moved;
    }
  }

  /**
   * The files' hits in one store, in the order given, their ids and usernames re-coded into
   * its tables (interned file by file, in the order each file's rows first use them: the
   * order of a table of the file's own, also when it shares its thread's). The files are
   * left empty.
   */
  static merge(files: readonly FileHits[]): HitStore {
    let total = 0;
    for (const f of files) total += f.length;
    const store = new HitStore(Math.max(1, total));
    // Per table of the files (a thread's, or a file's own): its codes in the store's tables.
    const maps = new Map<StringTable, Int32Array>();
    const mapOf = (table: StringTable, shift: number): Int32Array => {
      let map = maps.get(table);
      if (map === undefined) maps.set(table, (map = recodeMap(table, shift)));
      return map;
    };
    let base = 0;
    for (const f of files) {
      const n = f.length;
      f.decodeInto(store, base);
      recode(store.id, base, n, f.ids, store.ids, 0, mapOf(f.ids, 0));
      recode(store.user, base, n, f.users, store.users, 1, mapOf(f.users, 1));
      store.file.fill(f.file, base, base + n);
      if (f.texts !== undefined) for (const [row, t] of f.texts) (store.texts ??= new Map()).set(base + row, t);
      f.release();
      base += n;
    }
    store.length = total;
    return store;
  }

  /**
   * A store of one file's hits with its string tables as they are: no second interning (a
   * one-file run, #4). The tables must hold that file's values alone, as they do when a run
   * scanned one file.
   */
  static adopt(hits: FileHits): HitStore {
    const n = hits.length;
    const s = new HitStore(Math.max(1, n), { ids: hits.ids, users: hits.users });
    hits.decodeInto(s, 0);
    s.file.fill(hits.file);
    s.texts = hits.texts;
    s.length = n;
    return s;
  }

  #grow(capacity: number): void {
    this.time = grown(this.time, capacity);
    this.jail = grown(this.jail, capacity);
    this.kind = grown(this.kind, capacity);
    this.id = grown(this.id, capacity);
    this.user = grown(this.user, capacity);
    this.file = grown(this.file, capacity);
    this.line = grown(this.line, capacity);
    this.outcome = grown(this.outcome, capacity);
  }
}
