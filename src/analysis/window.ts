// The report window (`--since`/`--until`, #8): keeps only what happened inside [since, until)
// of a replay that ran over more history, so bans at the window's start are computed from
// the failures before it but only in-window events are reported. Pure; applied to the
// ReplayOutcome before buildReport, which then needs no knowledge of windows.

import type { IdTally, JailResult, Outcome } from '../jail/simulate.js';
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
 * The outcome restricted to the window: hits (with their parallel outcomes) inside it, bans
 * that started inside it (ends, failures and blocked counts as simulated), prolongations
 * inside it, per-id tallies recounted from the kept hits. Files and problems are kept whole:
 * they describe what was read. Returns `outcome` itself when the window is open on both sides.
 */
export function applyWindow(outcome: ReplayOutcome, window: ReportWindow): ReplayOutcome {
  if (window.since === undefined && window.until === undefined) return outcome;
  const hits: ReplayOutcome['hits'] = [];
  const outcomes: (Outcome | undefined)[] = [];
  outcome.hits.forEach((h, i) => {
    if (!inWindow(h.time, window)) return;
    hits.push(h);
    outcomes.push(outcome.outcomes[i]);
  });
  const results: JailResult[] = outcome.results.map((r, j) => {
    const bans = r.bans.filter((b) => inWindow(b.start, window));
    return {
      bans,
      tallies: recountTallies(hits, outcomes, j, bans, r.bans),
      prolongations: r.prolongations.filter((p) => inWindow(p.time, window)),
    };
  });
  return { ...outcome, hits, outcomes, results };
}

// Per-id tallies of one jail from the in-window hits; `duringBan` uses every ban of the id,
// including one that started before the window and was still running in it.
function recountTallies(
  hits: ReplayOutcome['hits'],
  outcomes: readonly (Outcome | undefined)[],
  jail: number,
  windowBans: readonly BanEvent[],
  allBans: readonly BanEvent[],
): Map<string, IdTally> {
  const bansById = new Map<string, BanEvent[]>();
  for (const b of allBans) {
    const list = bansById.get(b.id);
    if (list === undefined) bansById.set(b.id, [b]);
    else list.push(b);
  }
  const tallies = new Map<string, IdTally>();
  const tally = (id: string): IdTally => {
    let t = tallies.get(id);
    if (t === undefined) tallies.set(id, (t = { counted: 0, blocked: 0, ignored: 0, bans: 0, duringBan: 0 }));
    return t;
  };
  hits.forEach((h, i) => {
    if (h.jail !== jail || h.kind !== 'failure') return;
    const o = outcomes[i];
    const t = tally(h.id);
    if (o === 'ignored') t.ignored++;
    else if (o === 'blocked') t.blocked++;
    else t.counted++;
    if (o !== 'ignored' && o !== 'banned' && (bansById.get(h.id) ?? []).some((b) => b.start <= h.time && (b.end === undefined || h.time < b.end))) {
      t.duringBan++;
    }
  });
  for (const b of windowBans) tally(b.id).bans++;
  return tallies;
}
