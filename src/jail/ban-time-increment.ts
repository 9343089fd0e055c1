// fail2ban's `bantime.increment` (semantics §7.7; server/jail.py setBanTimeExtra, observer.py
// failureFound/incrBanTime/banFound, database.py getBan/_purge_bips), driven by log time: the
// ban-time function, and BanMemory, the `bips` table of earlier bans that fades by dbpurgeage.
// Deterministic: `bantime.rndtime` is never applied. No I/O.

import type { BanTimeIncrementSpec, EpochMs } from '../types.js';
import { compileBanFormula, type CompiledFormula } from './ban-formula.js';

/** fail2ban's default `bantime.formula` (jail.py:255). */
export const DEFAULT_BAN_FORMULA = 'ban.Time * (1<<(ban.Count if ban.Count<20 else 20)) * banFactor';

/** How much longer than their own ban the memory of old bans survives the purge age (database.py `_outDatedFactor`). */
const OUTDATED_FACTOR = 3;

/** A compiled `bantime.increment` setup for one jail. */
export interface BanTimeIncrement {
  /** New ban time in seconds for base bantime `time` and `count` earlier bans (count > 0). */
  banTime(time: number, count: number): number;
  /** `bantime.overalljails`: earlier bans in every jail count. */
  overalljails: boolean;
  /** Seconds after which the memory of a ban fades (fail2ban's `dbpurgeage`). */
  purgeAge: number;
}

/**
 * Builds fail2ban's `evformula`: multipliers when given (`Time * factor * multipliers[min(Count,
 * len-1)]`), else `max(Time, formula)`; then `min(..., maxtime)`. Throws FormulaError for a
 * formula outside the supported subset or one that fails on the first few counts.
 */
export function compileBanTimeIncrement(spec: BanTimeIncrementSpec, purgeAge: number): BanTimeIncrement {
  const factor = spec.factor;
  let core: (time: number, count: number) => number;
  if (spec.multipliers.length > 0) {
    const m = spec.multipliers;
    core = (time, count) => time * factor * m[count < m.length ? count : m.length - 1]!;
  } else {
    const formula: CompiledFormula = compileBanFormula(spec.formula ?? DEFAULT_BAN_FORMULA);
    core = (time, count) => Math.max(time, formula({ time, count, factor }));
    // Evaluate once for typical inputs so that a formula that always fails is a config error.
    for (const count of [1, 2, 3]) core(600, count);
  }
  const maxtime = spec.maxtime;
  const banTime = maxtime === undefined ? core : (time: number, count: number) => Math.min(core(time, count), maxtime);
  return { banTime, overalljails: spec.overalljails, purgeAge };
}

/** What BanMemory knows about an address (a `bips` row, or the sum over jails). */
export interface BanRecord {
  /** Seconds (rounded, as the database stores it). */
  timeOfBan: number;
  /** Seconds; -1 = permanent. */
  banTime: number;
  banCount: number;
}

/**
 * fail2ban's `bips` table: one row per (address, jail), replaced at each new ban. A row is
 * purged once its ban is older than `purgeAge` and also ended more than `3 × bantime` before
 * that, as `_purge_bips` does; here the purge is evaluated at each lookup in log time
 * instead of hourly on the wall clock, so the replay does not depend on when a server started.
 */
export class BanMemory {
  private readonly rows = new Map<string, Map<string, BanRecord>>();

  /** The row of `id` in `jail` (`overall`: summed over jails, as getBan does), or undefined when none survives at `now`. */
  get(id: string, jail: string, now: EpochMs, purgeAge: number, overall: boolean): BanRecord | undefined {
    const byJail = this.rows.get(id);
    if (byJail === undefined) return undefined;
    const nowSec = Math.floor(now / 1000);
    if (!overall) {
      const row = byJail.get(jail);
      return row !== undefined && !purged(row, nowSec, purgeAge) ? row : undefined;
    }
    let found: BanRecord | undefined;
    for (const row of byJail.values()) {
      if (purged(row, nowSec, purgeAge)) continue;
      found =
        found === undefined
          ? { ...row }
          : {
              timeOfBan: Math.max(found.timeOfBan, row.timeOfBan),
              banTime: found.banTime + row.banTime,
              banCount: found.banCount + row.banCount,
            };
    }
    return found;
  }

  /** Records a ban (INSERT OR REPLACE of the (id, jail) row). */
  put(id: string, jail: string, record: BanRecord): void {
    let byJail = this.rows.get(id);
    if (byJail === undefined) {
      byJail = new Map();
      this.rows.set(id, byJail);
    }
    byJail.set(jail, record);
  }
}

function purged(row: BanRecord, nowSec: number, purgeAge: number): boolean {
  const limit = nowSec - purgeAge;
  return row.timeOfBan < limit && row.banTime !== -1 && row.timeOfBan + row.banTime * OUTDATED_FACTOR < limit;
}

