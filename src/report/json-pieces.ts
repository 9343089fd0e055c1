// JSON.stringify(value, null, 2) + escapeJsonText, produced in pieces: the top levels of
// objects and arrays are walked here, everything below them is stringified element by
// element and re-indented. Invariant: the joined pieces equal toSafeJson(value, 2).
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
  if (depth >= WALK_DEPTH || v === null || typeof v !== 'object') {
    const s = JSON.stringify(v, null, 2);
    return yield depth === 0 ? s : s.replaceAll('\n', '\n' + INDENT.repeat(depth));
  }
  const pad = INDENT.repeat(depth + 1);
  if (Array.isArray(v) || v instanceof LazyList) {
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
