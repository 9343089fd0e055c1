// Where a scanning thread keeps its files' finished hit columns until the merge: carved out of
// a few large shared buffers instead of one allocation per column. glibc serves a request of
// 32 MiB or more with a mapping of its own and unmaps it when it is freed; the columns of many
// files, a few MiB each, came from its heap between the reader's transient buffers, and their
// memory stayed with the process after the merge freed them (#4). Shared buffers, so that a
// worker's columns reach the main thread without a copy, and without a transfer that would
// detach the other columns of the same buffer.

type Column = Float64Array | Uint32Array | Uint16Array | Uint8Array;
type ColumnType<T extends Column> = { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number };

/**
 * Bytes per slab: above glibc's largest mmap threshold (32 MiB on 64-bit), so each slab is a
 * mapping of its own. Only the pages written to count: a slab that is half used takes half.
 */
export const SLAB_BYTES = 40 * 1024 * 1024;

/** Bump allocation of columns in slabs; a slab is freed once no column of it is referenced. */
export class ColumnSlabs {
  #slab: SharedArrayBuffer | undefined;
  #used = 0;

  /** A copy of the first `length` values of `from` in a slab. */
  copy<T extends Column>(from: T, length: number): T {
    const type = from.constructor as ColumnType<T>;
    const bytes = length * type.BYTES_PER_ELEMENT;
    // Every column starts on an 8-byte boundary, as a Float64Array must.
    let at = (this.#used + 7) & ~7;
    if (this.#slab === undefined || at + bytes > this.#slab.byteLength) {
      this.#slab = new SharedArrayBuffer(Math.max(SLAB_BYTES, bytes));
      at = 0;
    }
    this.#used = at + bytes;
    const to = new type(this.#slab, at, length);
    to.set(from.subarray(0, length));
    return to;
  }
}
