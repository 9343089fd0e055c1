// The time span a replay covers: from the earliest first timestamp to the latest last one of
// its files (files without a timestamp do not count). Shared by audit, tune and timeline.
import type { EpochMs, FileStats } from '../types.js';

/** Earliest `first` and latest `last` over the files; undefined when none has one. */
export function filesSpan(files: readonly FileStats[]): { first: EpochMs | undefined; last: EpochMs | undefined } {
  let first: EpochMs | undefined;
  let last: EpochMs | undefined;
  for (const f of files) {
    if (f.first !== undefined && (first === undefined || f.first < first)) first = f.first;
    if (f.last !== undefined && (last === undefined || f.last > last)) last = f.last;
  }
  return { first, last };
}
