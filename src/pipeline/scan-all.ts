// Scanning phase of a replay: every file through scanFile, files put in replay order
// by content (first timestamp), hits merged into one log-time-ordered list. Overlapping
// files (two hosts, copytruncate) interleave here.
import type { FileStats, SourceFile } from '../types.js';
import { scanFile, type ScanContext, type ScannedHit } from './scan-file.js';

/** All files scanned and merged. */
export interface ScanAllResult {
  /** Files in replay order (oldest content first). */
  files: FileStats[];
  /** All hits in log-time order; ties keep replay order, then line order. */
  hits: ScannedHit[];
  /** Files that could not be read completely. */
  problems: Error[];
}

/** Scans every file; never rejects for a bad input file (those land in `problems`). */
export async function scanAll(
  files: SourceFile[],
  ctx: ScanContext,
  io: { onFile?: (path: string) => void } = {},
): Promise<ScanAllResult> {
  const scanned: Awaited<ReturnType<typeof scanFile>>[] = [];
  const problems: Error[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    io.onFile?.(file.path);
    const r = await scanFile(file, i, ctx);
    if (r.error !== undefined) problems.push(r.error);
    scanned.push(r);
    if (ctx.signal?.aborted === true) break;
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
  hits.sort((a, b) => a.time - b.time || rank[a.file]! - rank[b.file]! || a.line - b.line || a.jail - b.jail);
  return { files: order.map((i) => scanned[i]!.stats), hits, problems };
}
