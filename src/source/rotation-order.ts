// Recognises logrotate names (`x.N`, `x.N.gz`, `x-YYYYMMDD[.gz]`, `x-YYYY-MM-DD[.gz]`)
// and orders them oldest first: largest N first, then dates ascending, the live file last.
// Pure string work: no filesystem access. Only an exact stem plus a rotation suffix is a
// sibling (`maillog.bak` and `maillog-old` are not).
import { basename, dirname } from 'node:path';
import { compareText } from '../compare-text.js';

/** How a file relates to its live log: the live file itself, `.N`, or a dateext stamp. */
export type RotationKind = 'live' | 'numeric' | 'date';

/** A parsed rotation suffix; `index` is N for numeric, epoch ms of the stamp for date. */
export interface Rotation {
  kind: RotationKind;
  index: number;
}

// Numeric rotation: `.0` … `.999999`, optionally gzipped. Six digits is beyond any
// `rotate` count in use and keeps `x.20261101` (eight digits) out of this form.
const NUMERIC = /^\.(\d{1,6})(?:\.gz)?$/;
// dateext: `-20261101`, `-2026-11-01`, `-2026110113` (hourly), `-20261101-1793577600`
// (`dateformat -%Y%m%d-%s`); `.` is accepted as separator too. The backreference keeps
// the two date separators consistent (no `2026-1101`).
const DATE = /^[-.](\d{4})(-?)(\d{2})\2(\d{2})(?:(\d{2})|-(\d{9,11}))?(?:\.gz)?$/;
// Same grammar for splitting an arbitrary name into stem + suffix; the lazy stem makes
// the suffix as long as possible (`mail.log.2.gz` → `mail.log`).
const SPLIT = /^(.+?)((?:\.\d{1,6}|[-.]\d{4}(-?)\d{2}\3\d{2}(?:\d{2}|-\d{9,11})?)(?:\.gz)?)$/;

/** Parses `basename` as a rotation of `stem`, or returns undefined when it is not one. */
export function parseRotation(basename: string, stem: string): Rotation | undefined {
  if (basename === stem) return { kind: 'live', index: 0 };
  if (stem.length === 0 || !basename.startsWith(stem)) return undefined;
  const suffix = basename.slice(stem.length);
  const date = DATE.exec(suffix);
  if (date !== null) {
    const stamp = dateIndex(date);
    if (stamp !== undefined) return { kind: 'date', index: stamp };
  }
  const numeric = NUMERIC.exec(suffix);
  if (numeric !== null) return { kind: 'numeric', index: Number(numeric[1]) };
  return undefined;
}

function dateIndex(m: RegExpExecArray): number | undefined {
  const year = Number(m[1]);
  const month = Number(m[3]);
  const day = Number(m[4]);
  const hour = m[5] === undefined ? 0 : Number(m[5]);
  // Reject digit runs that are not calendar dates (`x-12345678` is not dateext).
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23) return undefined;
  // `%s` is the rotation instant itself: finer than the day, so prefer it.
  if (m[6] !== undefined) return Number(m[6]) * 1000;
  return Date.UTC(year, month - 1, day, hour);
}

/** Splits a file name into its stem and rotation (`maillog.2.gz` → `maillog`, numeric 2). */
export function splitRotation(name: string): { stem: string; rotation: Rotation } {
  const m = SPLIT.exec(name);
  if (m !== null && m[1] !== undefined) {
    const rotation = parseRotation(name, m[1]);
    if (rotation !== undefined) return { stem: m[1], rotation };
  }
  return { stem: name, rotation: { kind: 'live', index: 0 } };
}

// Numeric before dateext: a setup that moved from one scheme to the other most often
// went from logrotate's default (numeric) to dateext, so numeric leftovers are older.
const KIND_RANK: Readonly<Record<RotationKind, number>> = { numeric: 0, date: 1, live: 2 };

/** Orders rotations oldest first: `.10` before `.2`, dates ascending, live last. */
export function compareRotation(a: Rotation, b: Rotation): number {
  const rank = KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (rank !== 0) return rank;
  if (a.kind === 'numeric') return b.index - a.index;
  return a.index - b.index;
}

/** Sorts paths by directory, then stem, then rotation oldest first (a stable tiebreak order). */
export function sortByRotation(paths: readonly string[]): string[] {
  const keyed = paths.map((path) => {
    const name = basename(path);
    const { stem, rotation } = splitRotation(name);
    return { path, dir: dirname(path), stem, rotation, name };
  });
  keyed.sort(
    (a, b) =>
      compareText(a.dir, b.dir) ||
      compareText(a.stem, b.stem) ||
      compareRotation(a.rotation, b.rotation) ||
      compareText(a.name, b.name),
  );
  return keyed.map((k) => k.path);
}

