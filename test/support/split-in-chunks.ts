// Feeds bytes to a LineSplitter in the given chunk sizes and collects what it delivers.
// Shared by the line-time fuzz target and the regression tests its findings became, so a
// finding replays through exactly the code that found it.
import { LineSplitter } from '../../src/lines/line-splitter.js';

/** Lines (with their numbers) and the splitter's counters after feeding `bytes` in `cuts`-sized chunks. */
export function splitInChunks(bytes: Buffer, max: number, cuts: number[]): { lines: Array<[number, string]>; total: number; overlong: number; binary: number } {
  const lines: Array<[number, string]> = [];
  const s = new LineSplitter((line, n) => lines.push([n, line]), max);
  let at = 0;
  for (const c of cuts) {
    s.write(bytes.subarray(at, Math.min(bytes.length, at + c)));
    at += c;
  }
  if (at < bytes.length) s.write(bytes.subarray(at));
  s.end();
  return { lines, total: s.lines, overlong: s.overlong, binary: s.binary };
}
