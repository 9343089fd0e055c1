// Where a scanning thread keeps its files' finished hits until the merge (encoded, see
// row-codec.ts): carved out of a few large shared buffers instead of one allocation per file.
// glibc serves a request of 32 MiB or more with a mapping of its own and unmaps it when it is
// freed; the hits of many files, a MiB or more each, came from its heap between the reader's
// transient buffers, and that memory stayed with the process after the merge freed them (#4).
// Shared buffers, so that a worker's hits reach the main thread without a copy, and without a
// transfer that would detach the other files' hits in the same buffer.

/**
 * Bytes per slab: above glibc's largest mmap threshold (32 MiB on 64-bit), so each slab is a
 * mapping of its own. Only the pages written to count: a slab that is half used takes half.
 */
export const SLAB_BYTES = 40 * 1024 * 1024;

/** Bump allocation in slabs; a slab is freed once nothing of it is referenced. */
export class HitSlabs {
  #slab: SharedArrayBuffer | undefined;
  #used = 0;

  /** `length` zero bytes in a slab. */
  bytes(length: number): Uint8Array {
    let at = this.#used;
    if (this.#slab === undefined || at + length > this.#slab.byteLength) {
      this.#slab = new SharedArrayBuffer(Math.max(SLAB_BYTES, length));
      at = 0;
    }
    this.#used = at + length;
    return new Uint8Array(this.#slab, at, length);
  }
}
