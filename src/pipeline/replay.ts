// The replay: scan every file, order files by content, merge hits in log time and
// run each jail's simulation over its own failures. Jail state spans files, so the
// simulation runs once, on the merged list, after all scanning.
import { createJailSimulator, type JailResult, type Outcome } from '../jail/simulate.js';
import type { CountingMode, FileStats, JailSpec, SourceFile, WhileBannedMode } from '../types.js';
import { scanFile, type ScanContext, type ScannedHit } from './scan-file.js';

/** A jail ready to run: its spec plus what the scan and the simulation need. */
export interface PlannedJail {
  spec: JailSpec;
  ignore: ((id: string) => boolean) | undefined;
}

/** Inputs of a replay, all resolved before the first byte is read. */
export interface ReplayPlan {
  files: SourceFile[];
  jails: PlannedJail[];
  scan: Omit<ScanContext, 'stdin' | 'signal'>;
  counting: CountingMode;
  whileBanned: WhileBannedMode;
}

/** What happened, in replay order. */
export interface ReplayOutcome {
  /** Files in replay order (oldest content first). */
  files: FileStats[];
  /** All hits in log-time order. */
  hits: ScannedHit[];
  /** Jail outcome of each failure hit, parallel to `hits` (undefined for successes). */
  outcomes: (Outcome | undefined)[];
  /** One result per planned jail, same order. */
  results: JailResult[];
  /** Files that could not be read completely. */
  problems: Error[];
}

/** Runs the whole replay. Never rejects for a bad input file; those land in `problems`. */
export async function replay(
  plan: ReplayPlan,
  io: { stdin?: NodeJS.ReadableStream; signal?: AbortSignal; onFile?: (path: string) => void } = {},
): Promise<ReplayOutcome> {
  const ctx: ScanContext = { ...plan.scan, stdin: io.stdin, signal: io.signal };
  const scanned: Awaited<ReturnType<typeof scanFile>>[] = [];
  const problems: Error[] = [];
  for (let i = 0; i < plan.files.length; i++) {
    const file = plan.files[i]!;
    io.onFile?.(file.path);
    const r = await scanFile(file, i, ctx);
    if (r.error !== undefined) problems.push(r.error);
    scanned.push(r);
    if (io.signal?.aborted === true) break;
  }

  // Replay order: by first timestamp; files without one keep their discovery order at the end.
  const order = scanned.map((_, i) => i);
  order.sort((a, b) => {
    const fa = scanned[a]!.stats.first;
    const fb = scanned[b]!.stats.first;
    if (fa === undefined || fb === undefined) {
      if (fa === fb) return a - b;
      return fa === undefined ? 1 : -1;
    }
    return fa - fb || a - b;
  });
  const rank = new Int32Array(scanned.length);
  order.forEach((fileIndex, position) => (rank[fileIndex] = position));

  const hits: ScannedHit[] = [];
  for (const r of scanned) for (const h of r.hits) hits.push(h);
  // Overlapping files (two hosts, copytruncate) interleave here by log time; ties keep
  // replay order, then line order, so the result is deterministic.
  hits.sort((a, b) => a.time - b.time || rank[a.file]! - rank[b.file]! || a.line - b.line || a.jail - b.jail);

  const sims = plan.jails.map((j) =>
    createJailSimulator({
      name: j.spec.name,
      maxretry: j.spec.maxretry,
      findtime: j.spec.findtime,
      bantime: j.spec.bantime,
      counting: plan.counting,
      whileBanned: plan.whileBanned,
      ...(j.ignore !== undefined ? { ignore: j.ignore } : {}),
    }),
  );
  const outcomes: (Outcome | undefined)[] = new Array<Outcome | undefined>(hits.length);
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.kind !== 'failure') continue;
    outcomes[i] = sims[h.jail]!.add(h.time, h.id);
  }
  return {
    files: order.map((i) => scanned[i]!.stats),
    hits,
    outcomes,
    results: sims.map((s) => s.finish()),
    problems,
  };
}
