// JSON.stringify(value, null, 2) + escapeJsonText, produced in pieces: the top levels of
// objects and arrays, and every container down to a LazyList, are walked here; arrays below
// them are stringified a block of elements at a time, LazyLists mapped as they are streamed.
// Invariant: the joined pieces equal toSafeJson(value, 2).
import { escapeJsonText } from './sanitize.js';
import { PIECE_CHARS } from './text-output.js';

// Containers this deep or deeper are stringified whole (one element of `ips` is small).
const WALK_DEPTH = 2;
const INDENT = '  ';

/**
 * An array whose elements are mapped only when streamed, one at a time (JSON.stringify
 * still sees the whole array, through toJSON).
 */
export class LazyList<T, U> implements Iterable<U> {
  constructor(
    readonly items: readonly T[],
    readonly map: (item: T) => U,
  ) {}

  *[Symbol.iterator](): Iterator<U> {
    for (const item of this.items) yield this.map(item);
  }

  toJSON(): U[] {
    return this.items.map((item) => this.map(item));
  }
}

/** The pretty-printed (2-space) safe JSON of `value`, in pieces of about PIECE_CHARS. */
export function* safeJsonPieces(value: unknown): Generator<string> {
  let buf = '';
  const v = toJsonValue(value);
  if (!printable(v)) return;
  for (const part of walk(v, 0)) {
    buf += part;
    if (buf.length >= PIECE_CHARS) {
      yield escapeJsonText(buf);
      buf = '';
    }
  }
  if (buf !== '') yield escapeJsonText(buf);
}

// JSON.stringify's text for `v` (already through toJsonValue and printable) at nesting
// `depth`: its lines indented by depth levels.
function* walk(v: unknown, depth: number): Generator<string> {
  // A LazyList is streamed wherever it is: its mapped elements never exist all at once.
  if (v instanceof LazyList) return yield* inBlocks(v as Iterable<unknown>, depth);
  if (v === null || typeof v !== 'object' || (depth >= WALK_DEPTH && !holdsLazy(v))) {
    const s = JSON.stringify(v, null, 2);
    return yield depth === 0 ? s : s.replaceAll('\n', '\n' + INDENT.repeat(depth));
  }
  const pad = INDENT.repeat(depth + 1);
  if (Array.isArray(v)) {
    if (depth + 1 >= WALK_DEPTH && !v.some(holdsLazy)) return yield* inBlocks(v as Iterable<unknown>, depth);
    let first = true;
    for (const element of v as Iterable<unknown>) {
      yield (first ? '[\n' : ',\n') + pad;
      first = false;
      const item = toJsonValue(element);
      if (printable(item)) yield* walk(item, depth + 1);
      else yield 'null'; // an array keeps the slot
    }
    return yield first ? '[]' : '\n' + INDENT.repeat(depth) + ']';
  }
  let first = true;
  for (const key of Object.keys(v)) {
    const member = toJsonValue((v as Record<string, unknown>)[key]);
    if (!printable(member)) continue; // an object drops the key
    yield (first ? '{\n' : ',\n') + pad + JSON.stringify(key) + ': ';
    first = false;
    yield* walk(member, depth + 1);
  }
  yield first ? '{}' : '\n' + INDENT.repeat(depth) + '}';
}

// The elements of an array at `depth`, stringified a block at a time: each block inside
// `depth` wrapping arrays, so that JSON.stringify indents the elements itself and only the
// wrapper's brackets are cut off (no per-element call and re-indenting copy, #4).
// JSON.stringify treats array elements exactly as walk does (toJSON, boxes, null slots).
function* inBlocks(items: Iterable<unknown>, depth: number): Generator<string> {
  let open = '';
  let close = '';
  for (let k = 0; k <= depth; k++) {
    open += INDENT.repeat(k) + '[\n';
    close = '\n' + INDENT.repeat(k) + ']' + close;
  }
  // Elements per block: from one, doubled up to MAX_BLOCK while a block's text stays under a
  // quarter piece, halved when it is over half a piece: a piece holds a few blocks at most.
  let size = 1;
  let block: unknown[] = [];
  let first = true;
  const flush = (): string => {
    const text = JSON.stringify(nest(block, depth), null, 2);
    if (text.length > PIECE_CHARS / 2) size = Math.max(1, size >> 1);
    else if (text.length < PIECE_CHARS / 4 && size < MAX_BLOCK) size <<= 1;
    block = [];
    const body = text.slice(open.length, text.length - close.length);
    const out = (first ? '[\n' : ',\n') + body;
    first = false;
    return out;
  };
  for (const item of items) {
    block.push(item);
    if (block.length >= size) yield flush();
  }
  if (block.length > 0) yield flush();
  yield first ? '[]' : '\n' + INDENT.repeat(depth) + ']';
}

const MAX_BLOCK = 32;

function nest(block: unknown[], depth: number): unknown {
  let v: unknown = block;
  for (let k = 0; k < depth; k++) v = [v];
  return v;
}

// Whether walk must open `v` rather than stringify it whole: it is a LazyList, or an object
// with one among its own members (a jail and its bans).
function holdsLazy(v: unknown): boolean {
  if (v instanceof LazyList) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  for (const key of Object.keys(v)) if ((v as Record<string, unknown>)[key] instanceof LazyList) return true;
  return false;
}

function printable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

// What JSON.stringify serialises in place of `value` (toJSON, boxed primitives).
function toJsonValue(value: unknown): unknown {
  if (value instanceof LazyList) return value; // walked lazily, not through toJSON
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return value;
}
