// Simulation phase of a replay: each jail's simulator fed with its own failures, in the
// merged log-time order. Jail state spans files, so this runs once over all hits, all jails
// in one pass: bantime.increment's ban memory is shared (overalljails), and a recidive jail
// is fed each new ban of the other jails as it happens (semantics §7.7, §7.8).
import { BanMemory } from '../jail/ban-time-increment.js';
import { createJailSimulator, type JailResult, type JailSimulator, type Outcome } from '../jail/simulate.js';
import type { CountingMode, Hit, WhileBannedMode } from '../types.js';
import type { PlannedJail } from './replay.js';

/** Outcome of every failure hit plus each jail's result. */
export interface SimulationResult {
  /** Parallel to the hits (undefined for successes). */
  outcomes: (Outcome | undefined)[];
  /** One result per jail, same order. */
  results: JailResult[];
}

/** Runs every jail over the time-ordered hits. */
export function simulateJails(
  hits: readonly Hit[],
  jails: readonly PlannedJail[],
  opts: { counting: CountingMode; whileBanned: WhileBannedMode },
): SimulationResult {
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
      ...(j.ignore !== undefined ? { ignore: j.ignore } : {}),
      ...(memory !== undefined ? { memory } : {}),
      ...(j.increment !== undefined ? { increment: j.increment } : {}),
      // One failure per ban of another jail, at the ban's start, with the banned id; a
      // recidive jail's own bans are not fed back (its filter skips its own log lines).
      ...(j.recidive === true
        ? {}
        : { onBan: (ban) => { for (const r of recidives) r.add(ban.start, ban.id); } }),
    }),
  );
  jails.forEach((j, i) => {
    if (j.recidive === true) recidives.push(sims[i]!);
  });
  // A recidive ban covers every port: in 'block' mode the other jails never see the attempts.
  const blockAcross = opts.whileBanned === 'block' && recidives.length > 0;
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.kind !== 'failure' || jails[h.jail]!.recidive === true) continue;
    if (blockAcross && absorbedBy(recidives, h)) {
      outcomes[i] = 'blocked';
      continue;
    }
    outcomes[i] = sims[h.jail]!.add(h.time, h.id);
  }
  return { outcomes, results: sims.map((s) => s.finish()) };
}

function absorbedBy(recidives: readonly JailSimulator[], h: Hit): boolean {
  for (const r of recidives) if (r.absorb(h.time, h.id)) return true;
  return false;
}
