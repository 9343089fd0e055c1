// A full garbage collection at the moments the CLI knows a phase's garbage is dead: after the
// scan (the decoded text, the per-file hit stores and their string tables), after GeoIP's
// look-ups (the databases) and after the report (the analyses' tallies). Left to itself, V8
// collects them only once the next phase has grown the heap further, and the peak RSS is what
// a user sees (#4: 10-30 MB each of a 250 MB audit, for ~15 ms each). V8 hands gc() out only
// behind --expose-gc; set now, the flag applies to contexts created after it, so a fresh vm
// context lends the function. Where that is not allowed, this does nothing. A small run is
// left alone: its garbage is a few MB, and a full collection costs ~10 ms however small the
// heap (three of them were 7 % of an audit of samples/).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Hits (failures and logins) from which a run's phases leave enough garbage to collect. */
export const COLLECT_FROM_HITS = 50_000;

let gc: (() => void) | null | undefined;

/** Runs a full garbage collection after a phase of a run with `hits` hits, if the run is large and the runtime allows one. */
export function collectGarbage(hits: number): void {
  if (hits < COLLECT_FROM_HITS) return;
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const f = runInNewContext('typeof gc === "function" ? gc : undefined') as unknown;
      gc = typeof f === 'function' ? (f as () => void) : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
