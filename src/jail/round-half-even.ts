// Python 3 `round()` for one argument: ties go to the even neighbour (round(2.5) == 2).
// fail2ban's adjustTime rescaling depends on it, and JS Math.round (ties up) would
// ban earlier on exact halves. Pure arithmetic, no allocation.

/** Rounds to the nearest integer, ties to even, as Python 3's built-in `round(x)`. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  // x − floor(x) is exact for doubles, so a tie is detected exactly.
  const frac = x - floor;
  if (frac < 0.5) return floor + 0; // + 0 turns -0 into 0, like Python's int result
  if (frac > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor + 0 : floor + 1;
}
