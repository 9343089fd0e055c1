// `--since` / `--until`: ISO 8601, `@epoch`, relative durations (`24h`, `7d`, `1d12h`) and the
// words `now`, `today`, `yesterday`, `last-week`, resolved here, in src/cli, against the run's
// reference time (`--now`, else the clock, read by the caller) and passed down as absolute
// times. Pure: the reference is an argument. Invariant: the window is half-open [since, until).

import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../errors.js';
import { civilFromMs, DAY_MS, daysFromCivil } from '../time/civil.js';
import { parseTimeArg } from '../time/parse-time-arg.js';
import { civilInZone, type Zone } from '../time/zone.js';
import type { EpochMs, JailSpec, SourceFile } from '../types.js';
import { UsageError } from '../errors.js';

/** Absolute report window; an undefined edge is open. */
export interface TimeWindow {
  since: EpochMs | undefined;
  until: EpochMs | undefined;
}

/** Which edge of a period a value names: `--since` takes its start, `--until` its end. */
export type WindowEdge = 'start' | 'end';

// 24h, 7d, 1d12h, 90m, 2w (fail2ban's time units); a leading `-` is allowed ("24h ago").
const RELATIVE = /^-?\s*(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Epoch ms of one `--since`/`--until` value. Periods (`today`, `yesterday`, `last-week`, a
 * date without a time) give their start for `start` and the start of the next period for
 * `end`, so `--since yesterday --until yesterday` is the whole of yesterday. Weeks start on
 * Monday (ISO 8601); days are calendar days in `zone`.
 */
export function parseWindowBound(text: string, edge: WindowEdge, reference: EpochMs, zone: Zone, option: string): EpochMs {
  const value = text.trim().toLowerCase();
  if (value === 'now') return reference;
  const today = dayOf(reference, zone);
  const period = (start: number, days: number): EpochMs =>
    edge === 'start' ? midnight(start, zone) : midnight(start + days, zone);
  if (value === 'today') return period(today, 1);
  if (value === 'yesterday') return period(today - 1, 1);
  if (value === 'last-week' || value === 'lastweek' || value === 'last_week') {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
    const monday = today - ((((today + 3) % 7) + 7) % 7);
    return period(monday - 7, 7);
  }
  const date = DATE_ONLY.exec(value);
  if (date !== null) {
    parseTimeArg(value, zone, option); // rejects 2026-02-30
    return period(daysFromCivil(Number(date[1]), Number(date[2]), Number(date[3])), 1);
  }
  if (RELATIVE.test(value)) {
    let seconds: number;
    try {
      seconds = parseDuration(value.replace(/^-\s*/, ''));
    } catch {
      throw badValue(text, option);
    }
    if (!Number.isFinite(seconds) || seconds < 0) throw badValue(text, option);
    return reference - Math.round(seconds * 1000);
  }
  try {
    return parseTimeArg(text, zone, option);
  } catch {
    throw badValue(text, option);
  }
}

/** Resolves both options; throws a UsageError when the window is empty. */
export function resolveTimeWindow(
  args: { since: string | undefined; until: string | undefined },
  reference: EpochMs,
  zone: Zone,
): TimeWindow {
  const since = args.since === undefined ? undefined : parseWindowBound(args.since, 'start', reference, zone, '--since');
  const until = args.until === undefined ? undefined : parseWindowBound(args.until, 'end', reference, zone, '--until');
  if (since !== undefined && until !== undefined && since >= until) {
    throw new UsageError(`--since ${args.since ?? ''} is not before --until ${args.until ?? ''}: the window is empty`);
  }
  return { since, until };
}

/** What the lookback needs to know of a planned jail (resolve-config's PlannedJail). */
export interface LookbackJail {
  spec: Pick<JailSpec, 'findtime' | 'bantime' | 'banTimeIncrement'>;
  /** Compiled bantime.increment: its memory of earlier bans lasts `purgeAge` seconds. */
  increment?: { purgeAge: number } | undefined;
  recidive?: boolean | undefined;
}

/**
 * How much log before `--since` the replay needs so that the state at the window's start is
 * right: a failure counts for `findtime` and its ban lasts `bantime`; with bantime.increment
 * the memory of earlier bans lasts `dbpurgeage` plus up to 3 × their (capped) length as
 * fail2ban's purge keeps them; a recidive jail adds its own window on top of the jails
 * feeding it. Infinity when a ban can last for ever (`bantime -1`, increment without maxtime).
 */
export function historyLookbackMs(jails: readonly LookbackJail[]): number {
  let plain = 0;
  let recidive = 0;
  for (const j of jails) {
    const { findtime, bantime } = j.spec;
    if (bantime < 0) return Infinity;
    let seconds = findtime + bantime;
    const inc = j.spec.banTimeIncrement;
    if (inc !== undefined && j.increment !== undefined) {
      if (inc.maxtime === undefined || inc.maxtime < 0) return Infinity;
      const longest = Math.max(bantime, inc.maxtime);
      seconds = Math.max(seconds, findtime + Math.max(0, j.increment.purgeAge) + 4 * longest);
    }
    if (j.recidive === true) recidive = Math.max(recidive, seconds);
    else plain = Math.max(plain, seconds);
  }
  return (plain + recidive) * 1000;
}

/**
 * Slack on file modification times when deciding that a rotated file ends before the needed
 * history: an mtime is the file's last write, give or take clock and zone mistakes.
 */
export const MTIME_SLACK_MS = DAY_MS;

/**
 * The files worth reading for a window starting at `since`: a file last written before
 * `since - lookback - MTIME_SLACK_MS` cannot hold a failure or ban that matters. Files
 * without an mtime (stdin) are always read.
 */
export function filesForWindow<F extends Pick<SourceFile, 'mtimeMs'>>(
  files: readonly F[],
  since: EpochMs | undefined,
  lookbackMs: number,
): { read: F[]; skipped: F[] } {
  if (since === undefined || !Number.isFinite(lookbackMs)) return { read: [...files], skipped: [] };
  const cutoff = since - lookbackMs - MTIME_SLACK_MS;
  const read: F[] = [];
  const skipped: F[] = [];
  for (const f of files) (f.mtimeMs !== undefined && f.mtimeMs < cutoff ? skipped : read).push(f);
  return { read, skipped };
}

/** Hits a little out of order (several hosts, syslog buffering) must not stop a file early. */
export const UNTIL_SLACK_MS = 5 * 60_000;

function dayOf(ms: EpochMs, zone: Zone): number {
  const c = civilInZone(ms, zone);
  return daysFromCivil(c.year, c.month, c.day);
}

function midnight(day: number, zone: Zone): EpochMs {
  const c = civilFromMs(day * DAY_MS);
  return zone.localToUtc(c.year, c.month, c.day, 0, 0, 0);
}

function badValue(text: string, option: string): ConfigError {
  return new ConfigError(
    `invalid time '${text}': expected an ISO 8601 date or date-time (2026-01-31, 2026-01-31T12:00:00+01:00), ` +
      '@<epoch seconds>, a duration ago (24h, 7d, 1d12h) or one of now, today, yesterday, last-week',
    { key: option },
  );
}
