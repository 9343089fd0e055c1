// Scanning phase of a replay: every file through scanFile, files put in replay order
// by content (first timestamp), hits merged into one log-time-ordered list. Overlapping
// files (two hosts, copytruncate) interleave here. With a recipe and several threads,
// large sets are scanned in parallel (main thread + workers, one file each at a time);
// the result is identical to an inline run, whoever scanned which file.
import type { FileStats, SourceFile } from '../types.js';
import { scanPlanFingerprint } from './plan-fingerprint.js';
import { FileHits, HitStore, newScanShared } from './hit-store.js';
import { scanFile, type ScanContext } from './scan-file.js';
import { ScanWorker, type FileScan, type ParallelOptions, type ProgressSink } from './worker-pool.js';

/** A scan plan as resolved before reading: the context plus what workers need. */
export type ScanPlan = Omit<ScanContext, 'stdin' | 'signal'> & ParallelOptions;

/** All files scanned and merged. */
export interface ScanAllResult {
  /** Files in replay order (oldest content first). */
  files: FileStats[];
  /** All hits in log-time order; ties keep replay order, then line order, then jail order. */
  hits: HitStore;
  /** Files that could not be read completely. */
  problems: Error[];
  /** Worker threads started and files they scanned (0, 0 for an inline run). */
  parallel: { workers: number; files: number };
}

/**
 * Below this much decoded text (estimated) a worker's start-up (≈ 0.1 s: modules, config,
 * compilation) costs more than it saves.
 */
export const MIN_PARALLEL_BYTES = 32 * 1024 * 1024;

// Rough decoded size of a file for scheduling: mail logs gzip about 5:1.
const GZIP_RATIO = 5;

// Keys of a ScanContext that are compiled (rebuilt from the recipe) or per-thread.
const NOT_COPIED = new Set([
  'targets', 'detectors', 'probe', 'stdin', 'signal', 'recipe', 'threads', 'minParallelBytes', 'mainThread', 'onProgress',
]);

/** Scans every file; never rejects for a bad input file (those land in `problems`). */
export async function scanAll(
  files: SourceFile[],
  ctx: ScanContext & ParallelOptions,
  io: { onFile?: (path: string) => void } = {},
): Promise<ScanAllResult> {
  const results = new Array<FileScan | undefined>(files.length);
  // What the main thread's files share (string tables, slabs); each worker has its own.
  const shared = newScanShared();
  const workers = startWorkers(files, ctx);
  let inWorkers = 0;
  try {
    if (workers.length === 0) {
      for (let i = 0; i < files.length; i++) {
        const file = files[i]!;
        io.onFile?.(file.path);
        results[i] = await scanFile(file, i, ctx, shared);
        if (ctx.signal?.aborted === true) break;
      }
    } else {
      // Largest first (LPT), so that no thread is left with one big file at the end; stdin
      // can only be read by the main thread.
      const order = files.map((_, i) => i).filter((i) => files[i]!.path !== '-');
      order.sort((a, b) => estimate(files[b]!) - estimate(files[a]!) || a - b);
      const mainOnly = files.map((_, i) => i).filter((i) => files[i]!.path === '-');
      let aborted = false;
      const onAbort = (): void => {
        aborted = true;
        for (const w of workers) w.abort();
      };
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      const take = (mainThread: boolean): number | undefined => {
        if (aborted || ctx.signal?.aborted === true) return undefined;
        return (mainThread ? mainOnly.shift() : undefined) ?? order.shift();
      };
      const inline = async (i: number): Promise<void> => {
        io.onFile?.(files[i]!.path);
        results[i] = await scanFile(files[i]!, i, ctx, shared);
      };
      const mainLane = async (): Promise<void> => {
        if (ctx.mainThread === false) {
          for (let i = mainOnly.shift(); i !== undefined && !aborted; i = mainOnly.shift()) await inline(i);
          return;
        }
        for (let i = take(true); i !== undefined; i = take(true)) await inline(i);
      };
      const workerLane = async (w: ScanWorker): Promise<void> => {
        if (!(await w.ready())) return;
        for (let i = take(false); i !== undefined; i = take(false)) {
          io.onFile?.(files[i]!.path);
          const r = await w.scan(files[i]!, i);
          if (r === undefined) {
            // The worker failed: this file, and the rest of its share, go inline.
            results[i] = await scanFile(files[i]!, i, ctx, shared);
            return;
          }
          results[i] = r;
          inWorkers++;
        }
      };
      // When the main thread has run out of files, a worker still starting up has nothing
      // left to do: end it rather than wait for it.
      const mainDone = mainLane().then(() => {
        if (order.length === 0) for (const w of workers) if (!w.busy) void w.close();
      });
      try {
        await Promise.all([mainDone, ...workers.map(workerLane)]);
        // Whatever failed workers left behind.
        for (let i = take(true); i !== undefined; i = take(true)) await inline(i);
      } finally {
        ctx.signal?.removeEventListener('abort', onAbort);
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }

  const scanned: { index: number; r: FileScan }[] = [];
  results.forEach((r, index) => {
    if (r !== undefined) scanned.push({ index, r });
  });
  const problems: Error[] = [];
  for (const { r } of scanned) if (r.error !== undefined) problems.push(r.error);

  // Replay order: by first timestamp; files without one keep their discovery order at the end.
  scanned.sort((a, b) => {
    const fa = a.r.stats.first;
    const fb = b.r.stats.first;
    if (fa === undefined || fb === undefined) {
      if (fa === fb) return a.index - b.index;
      return fa === undefined ? 1 : -1;
    }
    return fa - fb || a.index - b.index;
  });
  const rank = new Int32Array(files.length);
  scanned.forEach(({ index }, position) => (rank[index] = position));

  // Concatenated in replay order, the hits are nearly sorted already: the (stable) merge
  // sort below then does little more than check runs. The key is total, so the result
  // does not depend on the concatenation order.
  // One file: its tables are the result's (no second interning).
  const hits = scanned.length === 1 ? HitStore.adopt(scanned[0]!.r.hits) : HitStore.merge(scanned.map((s) => s.r.hits));
  for (const s of scanned) s.r.hits = RELEASED; // read out: nothing of them is needed any more
  sortByTime(hits, rank);
  return { files: scanned.map(({ r }) => r.stats), hits, problems, parallel: { workers: workers.length, files: inWorkers } };
}

// What a file's scan holds once its hits are read out: one shared empty set (released, so a
// push would throw).
const RELEASED = new FileHits(-1);
RELEASED.release();

// Sorts rows by (time, file rank, line, jail), in place. Rows of one file come in line order,
// files in replay order, so the common case is already sorted and costs one comparison per row.
function sortByTime(all: HitStore, rank: Int32Array): void {
  const { time, file, line, jail, length } = all;
  const before = (a: number, b: number): number =>
    time[a]! - time[b]! || rank[file[a]!]! - rank[file[b]!]! || line[a]! - line[b]! || jail[a]! - jail[b]!;
  let sorted = true;
  for (let i = 1; i < length && sorted; i++) if (before(i - 1, i) > 0) sorted = false;
  if (sorted) return;
  const order = new Array<number>(length);
  for (let i = 0; i < length; i++) order[i] = i;
  order.sort(before);
  all.reorder(order);
}

function estimate(file: SourceFile): number {
  const size = file.size ?? 0;
  return /\.gz$/i.test(file.path) ? size * GZIP_RATIO : size;
}

// Starts the workers when a parallel scan pays: a recipe, ≥ 2 threads, ≥ 2 files that a
// worker can read, and enough text. Returns [] for an inline run.
function startWorkers(files: readonly SourceFile[], ctx: ScanContext & ParallelOptions): ScanWorker[] {
  const threads = ctx.threads ?? 1;
  if (ctx.recipe === undefined || threads < 2) return [];
  const eligible = files.filter((f) => f.path !== '-');
  if (eligible.length < 2) return [];
  if (eligible.reduce((n, f) => n + estimate(f), 0) < (ctx.minParallelBytes ?? MIN_PARALLEL_BYTES)) return [];
  const plain = plainFields(ctx);
  if (plain === undefined) return [];
  const progress = typeof (ctx as ProgressSink).onProgress === 'function';
  const init = {
    recipe: ctx.recipe,
    plain,
    progress,
    fingerprint: scanPlanFingerprint(ctx),
  };
  // The main thread scans too (by default): then one worker fewer than files.
  const n = Math.min(threads - 1, ctx.mainThread === false ? eligible.length : eligible.length - 1);
  const workers: ScanWorker[] = [];
  try {
    for (let i = 0; i < n; i++) workers.push(new ScanWorker(init, ctx as ProgressSink));
  } catch {
    // No thread (resource limits) or an input that cannot be cloned: scan inline.
    for (const w of workers) void w.close();
    return [];
  }
  return workers;
}

// The context's data fields, for the worker to copy; undefined when one of them is
// something a worker cannot reproduce (a callback other than onProgress).
function plainFields(ctx: ScanContext & ParallelOptions): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ctx)) {
    if (NOT_COPIED.has(key)) continue;
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    try {
      out[key] = structuredClone(value);
    } catch {
      return undefined;
    }
  }
  return out;
}
