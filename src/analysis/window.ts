// The report window (`--since`/`--until`, #8): keeps only what happened inside [since, until)
// of a replay that ran over more history, so bans at the window's start are computed from
// the failures before it but only in-window events are reported. Pure; applied to the
// ReplayOutcome before buildReport, which then needs no knowledge of windows.

import type { IdTally, JailResult } from '../jail/simulate.js';
import {
  FAILURE,
  OUTCOME_BANNED,
  OUTCOME_BLOCKED,
  OUTCOME_IGNORED,
  type HitStore,
} from '../pipeline/hit-store.js';
import type { ReplayOutcome } from '../pipeline/replay.js';
import type { BanEvent, EpochMs } from '../types.js';

/** A half-open time window; an undefined edge is open. */
export interface ReportWindow {
  since?: EpochMs | undefined;
  until?: EpochMs | undefined;
}

/** True when `time` lies in the window. */
export function inWindow(time: EpochMs, window: ReportWindow): boolean {
  return (window.since === undefined || time >= window.since) && (window.until === undefined || time < window.until);
}

/**
 * The outcome restricted to the window: hits (with their outcome column) inside it, bans
 * that started inside it (ends, failures and blocked counts as simulated), prolongations
 * inside it, per-id tallies recounted from the kept hits. Files and problems are kept whole:
 * they describe what was read. Returns `outcome` itself when the window is open on both sides.
 */
export function applyWindow(outcome: ReplayOutcome, window: ReportWindow): ReplayOutcome {
  if (window.since === undefined && window.until === undefined) return outcome;
  const all = outcome.hits;
  const since = window.since ?? -Infinity;
  const until = window.until ?? Infinity;
  const time = all.time;
  let kept = 0;
  for (let i = 0; i < all.length; i++) if (time[i]! >= since && time[i]! < until) kept++;
  const rows = new Uint32Array(kept);
  for (let i = 0, k = 0; i < all.length; i++) if (time[i]! >= since && time[i]! < until) rows[k++] = i;
  // The selection shares the string tables: id and user codes keep their meaning.
  const hits = all.select(rows);
  const windowBans = outcome.results.map((r) => r.bans.filter((b) => inWindow(b.start, window)));
  const tallies = recountTallies(hits, outcome.results, windowBans);
  const results: JailResult[] = outcome.results.map((r, j) => ({
    bans: windowBans[j]!,
    tallies: tallies[j]!,
    prolongations: r.prolongations.filter((p) => inWindow(p.time, window)),
  }));
  return { ...outcome, hits, results };
}

// Per-id tallies of each jail from the in-window hits, in one pass; `duringBan` uses every
// ban of the id, including one that started before the window and was still running in it.
// Each map keeps the insertion order of a per-jail walk: first kept hit, then window bans.
function recountTallies(hits: HitStore, results: readonly JailResult[], windowBans: readonly BanEvent[][]): Map<string, IdTally>[] {
  const idCount = hits.ids.size;
  const values = hits.ids.values;
  const jails = results.map((r) => {
    // Every ban of the jail by id code; a banned id always occurs in the hits' table.
    const bansByCode = new Array<BanEvent[] | undefined>(idCount);
    for (const b of r.bans) {
      const code = hits.ids.find(b.id);
      if (code < 0) continue;
      const list = bansByCode[code];
      if (list === undefined) bansByCode[code] = [b];
      else list.push(b);
    }
    return { bansByCode, byCode: new Array<IdTally | undefined>(idCount), tallies: new Map<string, IdTally>() };
  });
  const { time, jail, kind, id, outcome } = hits;
  for (let i = 0; i < hits.length; i++) {
    if (kind[i] !== FAILURE) continue;
    const state = jails[jail[i]!];
    if (state === undefined) continue;
    const code = id[i]!;
    let t = state.byCode[code];
    if (t === undefined) {
      t = { counted: 0, blocked: 0, ignored: 0, bans: 0, duringBan: 0 };
      state.byCode[code] = t;
      state.tallies.set(values[code]!, t);
    }
    const o = outcome[i]!;
    if (o === OUTCOME_IGNORED) t.ignored++;
    else if (o === OUTCOME_BLOCKED) t.blocked++;
    else t.counted++;
    if (o !== OUTCOME_IGNORED && o !== OUTCOME_BANNED) {
      const bans = state.bansByCode[code];
      const at = time[i]!;
      if (bans !== undefined && bans.some((b) => b.start <= at && (b.end === undefined || at < b.end))) t.duringBan++;
    }
  }
  return jails.map((state, j) => {
    for (const b of windowBans[j]!) {
      let t = state.tallies.get(b.id);
      if (t === undefined) state.tallies.set(b.id, (t = { counted: 0, blocked: 0, ignored: 0, bans: 0, duringBan: 0 }));
      t.bans++;
    }
    return state.tallies;
  });
}
