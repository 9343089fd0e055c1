// Simulation phase of a replay: each jail's simulator fed with its own failures, in the
// merged log-time order. Jail state spans files, so this runs once over all hits.
import { createJailSimulator, type JailResult, type Outcome } from '../jail/simulate.js';
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
  const sims = jails.map((j) =>
    createJailSimulator({
      name: j.spec.name,
      maxretry: j.spec.maxretry,
      findtime: j.spec.findtime,
      bantime: j.spec.bantime,
      counting: opts.counting,
      whileBanned: opts.whileBanned,
      ...(j.ignore !== undefined ? { ignore: j.ignore } : {}),
    }),
  );
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.kind !== 'failure') continue;
    outcomes[i] = sims[h.jail]!.add(h.time, h.id);
  }
  return { outcomes, results: sims.map((s) => s.finish()) };
}
