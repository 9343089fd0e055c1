// The replay: scan every file (scan-all.ts), then run the jails over the merged,
// log-time-ordered hits (simulate-jails.ts). Everything it needs is resolved before
// the first byte is read.
import type { BanTimeIncrement } from '../jail/ban-time-increment.js';
import type { JailResult } from '../jail/simulate.js';
import type { CountingMode, FileStats, JailSpec, SourceFile, WhileBannedMode } from '../types.js';
import { scanAll } from './scan-all.js';
import type { HitStore } from './hit-store.js';
import type { ScanContext } from './scan-file.js';
import { simulateJails } from './simulate-jails.js';

/** A jail ready to run: its spec plus what the simulation needs. */
export interface PlannedJail {
  spec: JailSpec;
  ignore: ((id: string) => boolean) | undefined;
  /** Compiled `bantime.increment`, when the jail has it on. */
  increment?: BanTimeIncrement;
  /** A recidive jail: fed the other jails' bans instead of log lines. */
  recidive?: boolean;
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
  /** All hits in log-time order; the simulation fills their `outcome` column. */
  hits: HitStore;
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
  const scanned = await scanAll(plan.files, { ...plan.scan, stdin: io.stdin, signal: io.signal }, io);
  const results = simulateJails(scanned.hits, plan.jails, plan);
  return { files: scanned.files, hits: scanned.hits, results, problems: scanned.problems };
}
