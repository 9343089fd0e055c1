// Growing the typed-array columns that the scan, the simulator and the analyses keep: one
// copy-into-a-larger-array for all of them.

type Column = Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A copy of `a` with room for `n` values (n ≥ a.length); the new tail holds `fill`. */
export function grown<T extends Column>(a: T, n: number, fill = 0): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
