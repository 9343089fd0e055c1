// Compact display of log times for tables. The CLI's formatTime gives ISO 8601 with an offset;
// when every shown time shares an offset the offset moves to a note, and when they also share
// a year the date reads like syslog (`Jan 02 03:04:05`). Pure and deterministic: no locale.

import type { EpochMs } from '../types.js';
import { forTerminal } from './sanitize.js';

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** How a set of times is shown: a formatter plus a note saying what was factored out. */
export interface TimeDisplay {
  /** Text for one time (any time; not only those given to `makeTimeDisplay`). */
  show(ms: EpochMs): string;
  /** E.g. `UTC+01:00, year 2024`; undefined when times are shown in full. */
  note: string | undefined;
}

// A time as the caller formats it, read back, and its text once shown.
interface Seen {
  raw: string;
  parts: Parts | undefined;
  shown: string | undefined;
}

interface Parts {
  year: string;
  month: string;
  day: string;
  clock: string;
  offset: string;
}

/** Chooses the most compact unambiguous form for `times` as formatted by `formatTime`. */
export function makeTimeDisplay(times: readonly EpochMs[], formatTime: (ms: EpochMs) => string): TimeDisplay {
  // Each distinct time is formatted, parsed and shown once: a table shows thousands of times,
  // most of them twice (the set chosen here, then each cell), and many alike.
  const seen = new Map<EpochMs, Seen>();
  const read = (ms: EpochMs): Seen => {
    let known = seen.get(ms);
    if (known === undefined) {
      const raw = formatTime(ms);
      known = { raw, parts: parseIso(raw), shown: undefined };
      seen.set(ms, known);
    }
    return known;
  };
  const parsed: Parts[] = [];
  for (const ms of times) {
    const p = read(ms).parts;
    if (p === undefined) {
      // Not the ISO shape we know: show exactly what the caller formats.
      return { show: (t) => forTerminal(read(t).raw), note: undefined };
    }
    parsed.push(p);
  }
  const first = parsed[0];
  const sameOffset = first !== undefined && parsed.every((p) => p.offset === first.offset);
  const sameYear = first !== undefined && parsed.every((p) => p.year === first.year);
  const show = (ms: EpochMs): string => {
    const known = read(ms);
    if (known.shown !== undefined) return known.shown;
    const p = known.parts;
    if (p === undefined) return (known.shown = forTerminal(known.raw));
    const date = sameYear && p.year === first?.year ? `${MONTHS[Number(p.month) - 1] ?? p.month} ${p.day}` : `${p.year}-${p.month}-${p.day}`;
    const offset = sameOffset && p.offset === first?.offset ? '' : p.offset;
    return (known.shown = `${date} ${p.clock}${offset}`);
  };
  let note: string | undefined;
  if (first !== undefined) {
    const zone = sameOffset ? (first.offset === '+00:00' ? 'UTC' : `UTC${first.offset}`) : 'UTC offset shown per time';
    note = sameYear ? `${zone}, year ${first.year}` : zone;
  }
  return { show, note };
}

function parseIso(s: string): Parts | undefined {
  const m = ISO_TIME.exec(s);
  if (m === null) return undefined;
  const [, year = '', month = '', day = '', hh = '', mm = '', ss = '', offset = ''] = m;
  // Z, +0100 and +01:00 are the same kind of thing: normalise so they compare equal.
  const normal = offset === 'Z' ? '+00:00' : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  return { year, month, day, clock: `${hh}:${mm}:${ss}`, offset: normal };
}
