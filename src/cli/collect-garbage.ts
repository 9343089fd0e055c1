// A full garbage collection at the moments the CLI knows a phase's garbage is dead: after the
// scan (the decoded text, the per-file hit stores and their string tables), after GeoIP's
// look-ups (the databases) and after the report (the analyses' tallies). Left to itself, V8
// collects them only once the next phase has grown the heap further, and the peak RSS is what
// a user sees (#4: 10-30 MB each of a 250 MB audit, for ~15 ms each). V8 hands gc() out only
// behind --expose-gc; set now, the flag applies to contexts created after it, so a fresh vm
// context lends the function. Where that is not allowed, this does nothing.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Runs a full garbage collection, if the runtime allows one. */
export function collectGarbage(): void {
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
