// The one pass over a replay's rows that feeds every report analysis (#4): each supplies an
// accumulator and is handed the first row of each line in its own sense. Invariant: the rows
// are line-adjacent (hit-index.ts), so that is a flag reset when the line changes, no Set.
// One loop, one JIT warm-up: a one-shot loop over a million rows pays tens of ms before it.
import { FAILURE, SUCCESS, type HitStore } from '../pipeline/hit-store.js';
import { PairCounts } from './pair-counts.js';

/**
 * Failed usernames by address, shared by three analyses (one hash update per failure line
 * instead of three). `counts` holds, per (id code, username code), the lines whose first
 * failure row with a username is that pair: what countUsernames counts. The per-address
 * usernames of buildReport count a line only when its first failure row has the username, and
 * groupAccounts only when its first row with a username is a failure; the rare lines where
 * those differ are in `notFirstFailure` and `afterSuccess`, to subtract.
 */
export class FailedNames {
  readonly counts: PairCounts;
  readonly notFirstFailure: PairCounts;
  readonly afterSuccess: PairCounts;

  constructor(idCount: number) {
    this.counts = new PairCounts(idCount, 2 * idCount);
    this.notFirstFailure = new PairCounts(idCount, 16);
    this.afterSuccess = new PairCounts(idCount, 16);
  }

  /** The lines of (id, user) counted for buildReport's per-address usernames. */
  firstFailures(id: number, user: number, lines: number): number {
    return this.notFirstFailure.pairs === 0 ? lines : lines - this.notFirstFailure.count(id, user);
  }

  /** The lines of (id, user) counted for groupAccounts. */
  firstNamed(id: number, user: number, lines: number): number {
    return this.afterSuccess.pairs === 0 ? lines : lines - this.afterSuccess.count(id, user);
  }
}

/**
 * The accumulators of one pass, one slot per analysis (each call site sees one class, so it
 * stays monomorphic). Every slot is optional.
 */
export interface RowSinks {
  /** Every failure row; `head`: it is the first failure row of its line. */
  tally?: { failure(i: number, line: number, head: boolean): void };
  /** Every failure row (the analysis filters and deduplicates by itself). */
  radar?: { failure(i: number, line: number): void };
  /** The first failure row with a username (see isUsername) of each line. */
  usernames?: { failedName(i: number): void };
  /** The first row with a username of each line, failure or success. */
  accounts?: { name(i: number): void };
  /** The first success row of each line. */
  successes?: { success(i: number): void };
  /** The first row of each line. */
  compromises?: { line(i: number): void };
  /** Filled by the pass itself. */
  failedNames?: FailedNames;
}

/**
 * Runs the rows (line-adjacent, in log-time order) through the sinks. Sinks that see several
 * rows of a line also get the line's serial number (0, 1, ... in row order): "same line as an
 * address's or a group's last one" is then one comparison, with no look-up of an old row.
 */
export function scanRows(rows: HitStore, isName: Uint8Array, sinks: RowSinks): void {
  const { kind, user, file, line, length } = rows;
  const { tally, radar, usernames, accounts, successes, compromises, failedNames } = sinks;
  const id = rows.id;
  let prevFile = -1;
  let prevLine = -1;
  let serial = -1;
  // Whether the current line already had a row of each kind.
  let failed = false;
  let succeeded = false;
  let named = false;
  let failedNamed = false;
  // ...and whether the first failure row was unnamed, the first named row a success.
  let failedUnnamed = false;
  let namedSuccess = false;
  for (let i = 0; i < length; i++) {
    const f = file[i]!;
    const l = line[i]!;
    const newLine = f !== prevFile || l !== prevLine;
    if (newLine) {
      prevFile = f;
      prevLine = l;
      serial++;
      failed = succeeded = named = failedNamed = failedUnnamed = namedSuccess = false;
      if (compromises !== undefined) compromises.line(i);
    }
    const u = user[i]!;
    const isNamed = isName[u] === 1;
    if (kind[i] === FAILURE) {
      if (tally !== undefined) tally.failure(i, serial, !failed);
      if (!failed && !isNamed) failedUnnamed = true;
      failed = true;
      if (radar !== undefined) radar.failure(i, serial);
      if (isNamed && !failedNamed) {
        failedNamed = true;
        if (usernames !== undefined) usernames.failedName(i);
        if (failedNames !== undefined) {
          failedNames.counts.add(id[i]!, u);
          if (failedUnnamed) failedNames.notFirstFailure.add(id[i]!, u);
          if (namedSuccess) failedNames.afterSuccess.add(id[i]!, u);
        }
      }
    } else if (!succeeded) {
      succeeded = true;
      if (successes !== undefined) successes.success(i);
    }
    if (isNamed && !named) {
      named = true;
      if (kind[i] === SUCCESS) namedSuccess = true;
      if (accounts !== undefined) accounts.name(i);
    }
  }
}
