// Failures per jail over time, in equal buckets, for the HTML report's charts (#8). Pure;
// built from the (windowed) replay's hits, so its cost grows with the hits, not the lines.
// Invariant: at most MAX_BUCKETS buckets, each a "nice" length (1m, 5m, …, 1d, 7d).

import { FAILURE, OUTCOME_BLOCKED, OUTCOME_IGNORED, OUTCOME_PROLONGED, type HitStore } from '../pipeline/hit-store.js';
import type { EpochMs } from '../types.js';

/** Failures of each jail per bucket; `blocked` are the failures that arrived during a ban. */
export interface FailureSeries {
  /** Start of the first bucket (a multiple of `bucketMs` since the epoch). */
  start: EpochMs;
  bucketMs: number;
  /** Number of buckets; every array below has this length. */
  buckets: number;
  /** Same order as the report's jails. */
  jails: Array<{ failures: number[]; blocked: number[] }>;
}

/** Upper bound on buckets per chart. */
export const MAX_BUCKETS = 120;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NICE_BUCKETS = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

/** The smallest nice bucket length that covers [from, to] in at most MAX_BUCKETS buckets. */
export function chooseBucket(from: EpochMs, to: EpochMs): number {
  const span = Math.max(0, to - from);
  for (const b of NICE_BUCKETS) if (Math.floor(to / b) - Math.floor(from / b) + 1 <= MAX_BUCKETS) return b;
  return Math.ceil(span / (MAX_BUCKETS - 1) / DAY) * DAY;
}

/**
 * Buckets the failure hits of each of `jailCount` jails between `from` and `to`; undefined
 * when the period is unknown. Hits outside [from, to] are ignored.
 */
export function buildFailureSeries(
  input: { hits: HitStore },
  jailCount: number,
  from: EpochMs | undefined,
  to: EpochMs | undefined,
): FailureSeries | undefined {
  if (from === undefined || to === undefined || to < from) return undefined;
  const bucketMs = chooseBucket(from, to);
  const start = Math.floor(from / bucketMs) * bucketMs;
  const buckets = Math.floor(to / bucketMs) - Math.floor(from / bucketMs) + 1;
  const jails = Array.from({ length: jailCount }, () => ({
    failures: new Array<number>(buckets).fill(0),
    blocked: new Array<number>(buckets).fill(0),
  }));
  const { length, time, jail, kind, outcome } = input.hits;
  for (let i = 0; i < length; i++) {
    const t = time[i]!;
    if (kind[i] !== FAILURE || t < from || t > to) continue;
    const series = jails[jail[i]!];
    if (series === undefined) continue;
    const b = Math.floor((t - start) / bucketMs);
    if (b < 0 || b >= buckets) continue;
    const o = outcome[i]!;
    if (o === OUTCOME_IGNORED) continue;
    series.failures[b]!++;
    if (o === OUTCOME_BLOCKED || o === OUTCOME_PROLONGED) series.blocked[b]!++;
  }
  return { start, bucketMs, buckets, jails };
}
