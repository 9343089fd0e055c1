// Simulation phase of a replay: each jail's simulator fed with its own failures, in the
// merged log-time order. Jail state spans files, so this runs once over all hits, all jails
// in one pass: bantime.increment's ban memory is shared (overalljails), and a recidive jail
// is fed each new ban of the other jails as it happens (semantics §7.7, §7.8).
import { BanMemory } from '../jail/ban-time-increment.js';
import { createJailSimulator, type JailResult, type JailSimulator } from '../jail/simulate.js';
import type { CountingMode, EpochMs, WhileBannedMode } from '../types.js';
import { FAILURE, OUTCOME_BLOCKED, outcomeCode, type HitStore } from './hit-store.js';
import type { PlannedJail } from './replay.js';

/**
 * Runs every jail over the time-ordered hits, writing each failure's outcome into the
 * store's `outcome` column; returns one result per jail, same order.
 */
export function simulateJails(
  hits: HitStore,
  jails: readonly PlannedJail[],
  opts: { counting: CountingMode; whileBanned: WhileBannedMode },
): JailResult[] {
  // fail2ban keeps one database for all jails; it only matters when some jail increments.
  const memory = jails.some((j) => j.increment !== undefined) ? new BanMemory() : undefined;
  const recidives: JailSimulator[] = [];
  const sims = jails.map((j) =>
    createJailSimulator({
      name: j.spec.name,
      maxretry: j.spec.maxretry,
      findtime: j.spec.findtime,
      bantime: j.spec.bantime,
      counting: opts.counting,
      whileBanned: opts.whileBanned,
      codes: hits.ids.values,
      ...(j.ignore !== undefined ? { ignore: j.ignore } : {}),
      ...(memory !== undefined ? { memory } : {}),
      ...(j.increment !== undefined ? { increment: j.increment } : {}),
      // One failure per ban of another jail, at the ban's start, with the banned id; a
      // recidive jail's own bans are not fed back (its filter skips its own log lines).
      ...(j.recidive === true
        ? {}
        : { onBan: (ban, code) => { for (const r of recidives) r.addCoded(ban.start, code); } }),
    }),
  );
  jails.forEach((j, i) => {
    if (j.recidive === true) recidives.push(sims[i]!);
  });
  // A recidive ban covers every port: in 'block' mode the other jails never see the attempts.
  const blockAcross = opts.whileBanned === 'block' && recidives.length > 0;
  const { kind, jail, time, id, outcome, length } = hits;
  const recidiveJail = jails.map((j) => j.recidive === true);
  for (let i = 0; i < length; i++) {
    const j = jail[i]!;
    if (kind[i] !== FAILURE || recidiveJail[j] === true) continue;
    const t = time[i]!;
    if (blockAcross && absorbedBy(recidives, t, id[i]!)) {
      outcome[i] = OUTCOME_BLOCKED;
      continue;
    }
    outcome[i] = outcomeCode(sims[j]!.addCoded(t, id[i]!));
  }
  return sims.map((s) => s.finish());
}

function absorbedBy(recidives: readonly JailSimulator[], time: EpochMs, code: number): boolean {
  for (const r of recidives) if (r.absorbCoded(time, code)) return true;
  return false;
}
