// Hits of one file in columns, to cross a worker_threads boundary cheaply: numbers in
// typed arrays (transferred, not copied), strings as indices into one table per file.
// Invariant: unpackHits(packHits(h)) has the same keys, order and values as h, whatever
// fields a hit carries: scanFile's usual shape has fixed columns, anything else is packed
// key by key.
import type { ScannedHit } from './scan-file.js';

// Per-field cell state when a column is not uniformly present and defined.
const DEFINED = 0;
const UNDEFINED = 1;
const ABSENT = 2;

/** One field of every hit. */
export type HitColumn =
  | { key: string; kind: 'number'; values: Float64Array; state: Uint8Array | undefined }
  | { key: string; kind: 'string'; values: Uint32Array; state: Uint8Array | undefined }
  | { key: string; kind: 'any'; values: unknown[]; state: Uint8Array | undefined };

/**
 * Hits of scanFile's own shape (`{ jail, kind, id, time, user, file, line }` in that order,
 * then an optional `text`): fixed columns, rebuilt with the same object literal so that
 * worker and inline hits share one hidden class downstream.
 */
export interface CanonicalColumns {
  // Integers as int32/uint32: read back they are small integers again, not boxed doubles.
  jail: Int32Array;
  kind: Uint32Array;
  id: Uint32Array;
  time: Float64Array;
  /** String index + 1; 0 = undefined. */
  user: Uint32Array;
  file: Uint32Array;
  line: Uint32Array;
  /** String index + 1; 0 = no `text` key. Undefined when no hit has one. */
  text: Uint32Array | undefined;
}

/** The hits of one file as columns plus a string table; structured-cloneable. */
export interface PackedHits {
  count: number;
  /** Set when every hit has the canonical shape; `columns` is then empty. */
  canonical: CanonicalColumns | undefined;
  columns: HitColumn[];
  strings: string[];
}

const CANONICAL_KEYS = ['jail', 'kind', 'id', 'time', 'user', 'file', 'line'];

const isInt32 = (x: number): boolean => (x | 0) === x && !Object.is(x, -0);
const isUint32 = (x: number): boolean => x >>> 0 === x && !Object.is(x, -0);

// Column-packs hits of the canonical shape; undefined as soon as one hit differs.
function packCanonical(hits: readonly ScannedHit[], intern: (s: string) => number): CanonicalColumns | undefined {
  const n = hits.length;
  const c: CanonicalColumns = {
    jail: new Int32Array(n), kind: new Uint32Array(n), id: new Uint32Array(n), time: new Float64Array(n),
    user: new Uint32Array(n), file: new Uint32Array(n), line: new Uint32Array(n), text: undefined,
  };
  for (let i = 0; i < n; i++) {
    const h = hits[i]!;
    let k = 0;
    for (const key in h) {
      if (k < 7 ? key !== CANONICAL_KEYS[k] : k !== 7 || key !== 'text') return undefined;
      k++;
    }
    const { jail, kind, id, time, user, file, line } = h;
    if (k < 7 || typeof jail !== 'number' || typeof kind !== 'string' || typeof id !== 'string' || typeof time !== 'number' ||
      (user !== undefined && typeof user !== 'string') || typeof file !== 'number' || typeof line !== 'number' ||
      !isInt32(jail) || !isUint32(file) || !isUint32(line)) {
      return undefined;
    }
    c.jail[i] = jail;
    c.kind[i] = intern(kind);
    c.id[i] = intern(id);
    c.time[i] = time;
    c.user[i] = user === undefined ? 0 : intern(user) + 1;
    c.file[i] = file;
    c.line[i] = line;
    if (k === 8) {
      const text = h.text;
      if (typeof text !== 'string') return undefined;
      (c.text ??= new Uint32Array(n))[i] = intern(text) + 1;
    }
  }
  return c;
}

/** Packs hits column by column; every key seen on any hit gets a column, in first-seen order. */
export function packHits(hits: readonly ScannedHit[]): PackedHits {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const intern = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const canonical = packCanonical(hits, intern);
  if (canonical !== undefined) return { count: hits.length, canonical, columns: [], strings };
  strings.length = 0;
  index.clear();
  return { count: hits.length, canonical: undefined, columns: packColumns(hits, intern), strings };
}

function packColumns(hits: readonly ScannedHit[], intern: (s: string) => number): HitColumn[] {
  const keys: string[] = [];
  const known = new Set<string>();
  for (const h of hits) {
    for (const k in h) {
      if (!known.has(k)) {
        known.add(k);
        keys.push(k);
      }
    }
  }
  const n = hits.length;
  return keys.map((key): HitColumn => {
    let numbers = true;
    let texts = true;
    let uniform = true;
    for (let i = 0; i < n; i++) {
      const h = hits[i] as unknown as Record<string, unknown>;
      if (!(key in h)) {
        uniform = false;
        continue;
      }
      const v = h[key];
      if (v === undefined) uniform = false;
      else if (typeof v === 'number') texts = false;
      else if (typeof v === 'string') numbers = false;
      else numbers = texts = false;
    }
    const state = uniform ? undefined : new Uint8Array(n);
    const cell = (i: number): unknown => {
      const h = hits[i] as unknown as Record<string, unknown>;
      if (state !== undefined) {
        if (!(key in h)) state[i] = ABSENT;
        else if (h[key] === undefined) state[i] = UNDEFINED;
        else state[i] = DEFINED;
      }
      return h[key];
    };
    if (numbers) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = (cell(i) as number | undefined) ?? 0;
      return { key, kind: 'number', values, state };
    }
    if (texts) {
      const values = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const v = cell(i) as string | undefined;
        values[i] = v === undefined ? 0 : intern(v);
      }
      return { key, kind: 'string', values, state };
    }
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = cell(i);
    return { key, kind: 'any', values, state };
  });
}

/** The buffers to list in postMessage's transfer list (moved, not copied). */
export function transferables(packed: PackedHits): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const c = packed.canonical;
  if (c !== undefined) {
    for (const a of [c.jail, c.kind, c.id, c.time, c.user, c.file, c.line, c.text]) if (a !== undefined) out.push(a.buffer as ArrayBuffer);
  }
  for (const c of packed.columns) {
    if (c.kind !== 'any') out.push(c.values.buffer as ArrayBuffer);
    if (c.state !== undefined) out.push(c.state.buffer as ArrayBuffer);
  }
  return out;
}

/**
 * Rebuilds the hit objects. `intern` maps each table string to a shared copy so that the
 * same address from several files is held once.
 */
export function unpackHits(packed: PackedHits, intern: (s: string) => string = (s) => s): ScannedHit[] {
  const { count, columns, canonical: c } = packed;
  const strings = packed.strings.map(intern);
  const hits = new Array<ScannedHit>(count);
  if (c !== undefined) {
    const { text } = c;
    for (let i = 0; i < count; i++) {
      const u = c.user[i]!;
      // Same literal, same key order as scanFile's, so both kinds of hit share a shape.
      const h: ScannedHit = {
        jail: c.jail[i]!,
        kind: strings[c.kind[i]!] as ScannedHit['kind'],
        id: strings[c.id[i]!]!,
        time: c.time[i]!,
        user: u === 0 ? undefined : strings[u - 1],
        file: c.file[i]!,
        line: c.line[i]!,
      };
      if (text !== undefined && text[i] !== 0) h.text = strings[text[i]! - 1];
      hits[i] = h;
    }
    return hits;
  }
  for (let i = 0; i < count; i++) {
    const h: Record<string, unknown> = {};
    for (const c of columns) {
      const s = c.state === undefined ? DEFINED : c.state[i]!;
      if (s === ABSENT) continue;
      if (s === UNDEFINED) h[c.key] = undefined;
      else if (c.kind === 'string') h[c.key] = strings[c.values[i]!];
      else h[c.key] = c.values[i];
    }
    hits[i] = h as unknown as ScannedHit;
  }
  return hits;
}
