// A file's hits as bytes, as its scan collects them: ~8 a hit where columns took 23, held
// until the merge, when every file's hits are held at once (#4). Rows are read back in order
// only (HitStore.merge, HitStore.adopt), so each is a few variable-length numbers, mostly
// differences from the row before. Exact: times that are no whole number of milliseconds are
// stored as they are.
//
// A row: a head byte (kind in bit 7; time in bits 5-6: 0 the previous row's, 1 a difference
// that follows, 2 the 8 bytes of the number that follow; jail in bits 0-4, 31: a number that
// follows), then the line's difference from the previous row's, the id code and the user code.
import type { HitColumns } from './hit-store.js';

/** The columns rows are decoded into: a HitStore's but `file` (one per file) and `outcome` (the simulation's). */
export type RowColumns = Omit<HitColumns, 'file' | 'outcome'>;

const TIME_SAME = 0;
const TIME_STEP = 1;
const TIME_RAW = 2;
const JAIL_INLINE = 31;
// Differences of whole milliseconds up to this size are stored as numbers (2 × it is safe).
const MAX_STEP = 2 ** 51;

const raw = new Float64Array(1);
const rawBytes = new Uint8Array(raw.buffer);

// The most bytes one row can take: head, a time of 8, a jail of 3, a line step of 5, two codes of 5.
const MAX_ROW_BYTES = 1 + 8 + 3 + 5 + 5 + 5;

/** Rows appended one by one as bytes, in a buffer grown by doubling. */
export class RowEncoder {
  #bytes = new Uint8Array(4096);
  #used = 0;
  #time = 0;
  #line = 0;

  /** Bytes written so far. */
  get size(): number {
    return this.#used;
  }

  /** Appends a row (kind 0 or 1; codes and line below 2^32, jail below 2^16). */
  write(jail: number, kind: number, id: number, user: number, time: number, line: number): void {
    if (this.#used + MAX_ROW_BYTES > this.#bytes.length) {
      const bigger = new Uint8Array(this.#bytes.length * 2);
      bigger.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = bigger;
    }
    const out = this.#bytes;
    let at = this.#used;
    const mode = timeMode(time, this.#time);
    out[at++] = (kind << 7) | (mode << 5) | (jail < JAIL_INLINE ? jail : JAIL_INLINE);
    if (mode === TIME_STEP) at = writeVarint(out, at, zigzag(time - this.#time));
    else if (mode === TIME_RAW) {
      raw[0] = time;
      out.set(rawBytes, at);
      at += 8;
    }
    if (jail >= JAIL_INLINE) at = writeVarint(out, at, jail);
    at = writeVarint(out, at, zigzag(line - this.#line));
    at = writeVarint(out, at, id);
    at = writeVarint(out, at, user);
    this.#used = at;
    this.#time = time;
    this.#line = line;
  }

  /** Copies the bytes written into `out` (`size` long). */
  copyTo(out: Uint8Array): void {
    out.set(this.#bytes.subarray(0, this.#used));
  }
}

/** Reads `n` rows from `bytes` into the columns of `into`, from row `base` on. */
export function decodeRows(bytes: Uint8Array, n: number, into: RowColumns, base: number): void {
  const { time: times, jail: jails, kind, id, user, line: lines } = into;
  const r = new ByteReader(bytes);
  let time = 0;
  let line = 0;
  for (let i = base; i < base + n; i++) {
    const head = r.byte();
    const mode = (head >> 5) & 3;
    if (mode === TIME_STEP) time += unzigzag(r.varint());
    else if (mode === TIME_RAW) time = r.float64();
    const jail = head & 0x1f;
    jails[i] = jail === JAIL_INLINE ? r.varint() : jail;
    line += unzigzag(r.varint());
    id[i] = r.varint();
    user[i] = r.varint();
    times[i] = time;
    kind[i] = head >> 7;
    lines[i] = line;
  }
  if (r.at !== bytes.length) throw new Error(`row codec: read ${r.at} bytes of ${bytes.length}`);
}

// Reading bytes in order.
class ByteReader {
  at = 0;

  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    return this.bytes[this.at++]!;
  }

  // A variable-length number: 7 bits a byte, low first, the high bit set on all but the last.
  varint(): number {
    const bytes = this.bytes;
    let b = bytes[this.at++]!;
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let scale = 0x80;
    do {
      b = bytes[this.at++]!;
      v += (b & 0x7f) * scale;
      scale *= 0x80;
    } while (b >= 0x80);
    return v;
  }

  float64(): number {
    rawBytes.set(this.bytes.subarray(this.at, this.at + 8));
    this.at += 8;
    return raw[0]!;
  }
}

// How time t is stored after `prev`: a difference only between whole numbers (exact), and
// never for -0, which the difference would turn into 0.
function timeMode(t: number, prev: number): number {
  if (Object.is(t, prev)) return TIME_SAME;
  const whole = Number.isSafeInteger(t) && Number.isSafeInteger(prev) && !Object.is(t, -0) && !Object.is(prev, -0);
  return whole && Math.abs(t - prev) < MAX_STEP ? TIME_STEP : TIME_RAW;
}

function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

function writeVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[at++] = v;
  return at;
}
