// One input file → hits (failures and successes) plus its FileStats.
// Per line: the literal pre-check of every jail's filter first; only a line that passes
// gets its date located (once per distinct datepattern) and its regexes run. Multi-line
// state (maxlines buffers, F-MLFID sessions) lives in one line processor per target and file.
import type { DateDetector } from '../time/date-detector.js';
import type { CompiledFilter } from '../filter/compile-filter.js';
import { ALL_LITERALS, buildLineGate, type LineGate } from '../filter/line-gate.js';
import { createLineProcessor } from '../filter/line-processor.js';
import { LineGrams } from '../filter/line-grams.js';
import { mayMatch } from '../filter/may-match.js';
import { PARTS_FAIL, PARTS_SUCCESS } from '../filter/match-line.js';
import { readLines } from '../lines/read-lines.js';
import type { EpochMs, FileStats, SourceFile } from '../types.js';
import { parseAddressTarget } from './address-target.js';
import { FAILURE, FileHits, SUCCESS, type ScanShared } from './hit-store.js';

/** A jail's compiled filter and the date detector its datepattern selects. */
export interface ScanTarget {
  jail: number;
  filter: CompiledFilter;
  /** Index into `ScanContext.detectors`. */
  detector: number;
  /**
   * Built-in success patterns for a jail whose filter has no successregex (#6): yields only
   * successes, and nothing on a line that already gave one. Listed after the jail targets.
   */
  successOnly?: boolean;
}

/** Everything a scan needs, compiled before the first byte is read. */
export interface ScanContext {
  targets: ScanTarget[];
  detectors: DateDetector[];
  /** Default-template detector used to find a file's time range. */
  probe: DateDetector;
  /** Reference time for year-less stamps when the file has no mtime (stdin); `--now` wins over mtime. */
  now: EpochMs | undefined;
  maxLineLength: number;
  stdin: NodeJS.ReadableStream | undefined;
  signal: AbortSignal | undefined;
  /** Keep the raw line on each hit (timeline needs it; audit does not). */
  keepText?: boolean;
  /** Keep the raw line only on hits whose id is inside this ADDRESS or CIDR (`timeline`, #6; see address-target.ts). */
  keepTextIn?: string | undefined;
  /** `--until` (#8): stop reading a file at its first dated candidate line later than this. */
  stopAfter?: EpochMs | undefined;
  /** Progress for the CLI (#8), every 16384 lines and at the end: lines so far and decoded characters read (Infinity: stopped early). */
  onProgress?: ((fileIndex: number, lines: number, chars: number) => void) | undefined;
}

/** Result of scanning one file. */
export interface ScanResult {
  /** The file's hits in line order (ids and usernames in its own tables), finished. */
  hits: FileHits;
  stats: FileStats;
}

// Lines between two progress reports of a file.
const PROGRESS_LINES = 16384;

// The line gate of each set of targets (all of a plan's, or a file's jails), built once per
// plan rather than per file: keyed by the plan's target list, then by the jails in the set.
const gates = new WeakMap<readonly ScanTarget[], Map<string, LineGate | undefined>>();

function gateFor(all: readonly ScanTarget[], targets: readonly ScanTarget[]): LineGate | undefined {
  let byJails = gates.get(all);
  if (byJails === undefined) gates.set(all, (byJails = new Map()));
  const key = targets.map((t) => t.jail).join(',');
  if (!byJails.has(key)) byJails.set(key, buildLineGate(targets.map((t) => t.filter)));
  return byJails.get(key);
}

const LF = 0x0a;

// Targets from which a line's bigram filter costs less than the literal scans it spares: one
// 72 MB file, 3 shipped jails (3 targets) 340 -> 350 ms with it; Debian's, 4 targets even, 6
// targets (5 jails) 370-412 -> 340 ms, 19 targets (17 jails) 1147 -> 630 ms (#4).
const GRAMS_FROM_TARGETS = 5;

// The targets without the success-only ones that repeat an earlier one's filter and detector
// (every jail without a successregex has one, all alike). Such a repeat never gives a hit:
// where the first matches, the line already has its success and the repeat skips it (#6);
// where it does not, the repeat, checking the same text the same way, does not either. 17
// stock mail jails: 17 success targets -> 1, each a literal check on every candidate line (#4).
function firstSuccessTargets(targets: ScanTarget[]): ScanTarget[] {
  const kept: ScanTarget[] = [];
  for (const t of targets) {
    if (t.successOnly === true && kept.some((k) => k.successOnly === true && k.filter === t.filter && k.detector === t.detector)) continue;
    kept.push(t);
  }
  return kept.length === targets.length ? targets : kept;
}

// The failregex buffer of a line whose date spans [start, end) (empty: no date to cut): the
// rest plus "\n". With the date first (nearly always) and `raw` holding the "\n", that is a
// slice of the chunk.
function cutDate(line: string, raw: string, eol: boolean, start: number, end: number): string {
  if (!eol) return line.slice(0, start) + line.slice(end) + '\n';
  return start === 0 ? raw.slice(end) : line.slice(0, start) + raw.slice(end);
}

// Lines probed at the start of a file to find its first timestamp.
const FIRST_TIME_PROBE_LINES = 200;
// A jump back by more than this inside one file suggests a wrong year reference.
const BACKWARD_JUMP_MS = 30 * 86_400_000;

/**
 * Scans one file; never rejects: read problems end up in `stats.warnings` and `error`. Ids and
 * usernames are interned into the tables of `shared` when given (the thread's, shared by its
 * files), and the finished hits kept in its slabs.
 */
export async function scanFile(
  file: SourceFile,
  fileIndex: number,
  ctx: ScanContext,
  shared?: ScanShared,
): Promise<ScanResult & { error: Error | undefined }> {
  const ref = ctx.now ?? file.mtimeMs ?? 0;
  const hits = new FileHits(fileIndex, shared);
  const stats: FileStats = {
    path: file.path,
    lines: 0,
    noTime: 0,
    overlong: 0,
    first: undefined,
    last: undefined,
    gzip: false,
    warnings: [],
  };
  const { detectors, probe } = ctx;
  const only = file.jails;
  const targets = firstSuccessTargets(only === undefined ? ctx.targets : ctx.targets.filter((t) => only.includes(t.jail)));
  // Server mode (first failregex wins). Sessions do not cross file boundaries: each file
  // is scanned on its own (possibly in a worker).
  const processors = targets.map((t) => createLineProcessor(t.filter, { mode: 'first' }));
  // With many targets, each line's bigram filter spares most literal scans (line-grams.ts).
  const grams = targets.length >= GRAMS_FROM_TARGETS ? new LineGrams() : undefined;
  const gate = gateFor(ctx.targets, targets);
  // Per target: the gate literals of which a line must hold one for its prefregex and
  // failregexes to match, and one for a successregex. A line with neither is not even
  // pre-checked, and only the part its literals leave possible is run (line-gate.ts).
  const failBits = Int32Array.from(targets, (t) => gate?.filterBits?.(t.filter, 'fail') ?? ALL_LITERALS);
  const successBits = Int32Array.from(targets, (t) => gate?.filterBits?.(t.filter, 'success') ?? ALL_LITERALS);
  const nDetectors = detectors.length;
  // Per-line caches, indexed by detector; `seen` holds the line number they belong to.
  const seen = new Int32Array(nDetectors).fill(-1);
  // The line's time for each detector (NaN: none); typed, so a candidate line allocates no date object.
  const dates = new Float64Array(nDetectors);
  // The line's failregex buffer for each detector: its text with the date cut out, plus "\n".
  const texts: string[] = new Array<string>(nDetectors).fill('');
  let lastTime: EpochMs | undefined;
  let maxTime: EpochMs | undefined;
  let backwardJumps = 0;
  let firstBackward: number | undefined;
  // Captured ids and usernames can be slices of the reader's chunk: the store's string
  // tables keep one detached copy per distinct value, so hits never pin a chunk in memory.
  let probing = true;
  // Line number of the last line that produced a success hit (success-only targets skip it).
  let successLine = -1;
  // --until (#8): files are time-ordered, so past it nothing of this file matters any more.
  const { stopAfter, onProgress } = ctx;
  const stopper = stopAfter === undefined ? undefined : new AbortController();
  let chars = 0;
  let reported = 0;

  const { keepText } = ctx;
  const keepIn = ctx.keepTextIn === undefined ? undefined : parseAddressTarget(ctx.keepTextIn);
  const addHit = (jail: number, kind: number, id: string, user: string | undefined, time: EpochMs, line: string, lineNo: number): void => {
    hits.push(jail, kind, id, user, time, lineNo, keepText === true || keepIn?.matches(id) === true ? line : undefined);
  };

  // The reader stops at the line during which the stopper fires (--until): nothing after it arrives.
  // `raw` ends in its "\n" when the chunk had one right there (readLines' `newline`): the
  // failregex buffer is then a slice of it, not a copy with "\n" appended (#4).
  const onLine = (raw: string, lineNo: number, literals: number): void => {
    const eol = raw.charCodeAt(raw.length - 1) === LF;
    const line = eol ? raw.slice(0, -1) : raw;
    if (probing) {
      if (lineNo > FIRST_TIME_PROBE_LINES) probing = false;
      else {
        const m = probe.match(line, ref);
        if (m?.time !== undefined) {
          stats.first = m.time;
          probing = false;
        }
      }
    }
    let candidateWithoutTime = false;
    grams?.fill(line);
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!;
      if (target.successOnly === true && successLine === lineNo) continue; // counted once (#6)
      const parts = ((literals & failBits[i]!) === 0 ? 0 : PARTS_FAIL) | ((literals & successBits[i]!) === 0 ? 0 : PARTS_SUCCESS);
      if (parts === 0 || !mayMatch(target.filter, line, grams, parts)) continue;
      const d = target.detector;
      if (seen[d] !== lineNo) {
        seen[d] = lineNo;
        const detector = detectors[d]!;
        const m = detector.none ? undefined : detector.matchTransient(line, ref);
        if (m !== undefined && m.time !== undefined) {
          const time = m.time;
          dates[d] = time;
          texts[d] = cutDate(line, raw, eol, m.start, m.end);
          if (maxTime !== undefined && time < maxTime - BACKWARD_JUMP_MS) {
            backwardJumps++;
            firstBackward ??= lineNo;
          }
          if (maxTime === undefined || time > maxTime) maxTime = time;
          lastTime = time;
          if (stopAfter !== undefined && time > stopAfter) return stopper?.abort();
        } else if ((detector.none || m !== undefined) && lastTime !== undefined) {
          // {NONE}, or a stamp that is no valid date (Feb 29 of an inferred non-leap
          // year): fail2ban gives the line the last known date (semantics §4.1).
          dates[d] = lastTime;
          texts[d] = cutDate(line, raw, eol, m?.start ?? 0, m?.end ?? 0);
        } else {
          dates[d] = NaN;
        }
      }
      const time = dates[d]!;
      if (Number.isNaN(time)) {
        candidateWithoutTime = true;
        // A maxlines buffer holds every line read, dated or not (as fail2ban's does).
        if (target.filter.maxlines > 1) processors[i]!.process(line, undefined);
        continue;
      }
      const r = processors[i]!.processBuffer(texts[d]!, time, parts);
      if (r === undefined) continue;
      for (const f of r.failures) {
        if (f.id !== undefined) addHit(target.jail, FAILURE, f.id, f.user, time, line, lineNo);
      }
      if (r.success !== undefined) {
        addHit(target.jail, SUCCESS, r.success.id, r.success.user, time, line, lineNo);
        successLine = lineNo;
      }
    }
    if (candidateWithoutTime) stats.noTime++;
  };

  const result = await readLines(file, onLine, {
    stdin: ctx.stdin,
    maxLineLength: ctx.maxLineLength,
    signal: stopper === undefined ? ctx.signal : ctx.signal === undefined ? stopper.signal : AbortSignal.any([ctx.signal, stopper.signal]),
    // Lines without any literal some target needs never reach onLine (the first ones
    // always do: they date the file). Undefined for maxlines buffers, which see every line.
    gate,
    newline: true,
    head: FIRST_TIME_PROBE_LINES,
    onChunk: onProgress === undefined ? undefined : (lines, c) => {
      chars = c;
      // Every PROGRESS_LINES lines, not every chunk: from a worker each report is a message.
      if (lines - reported < PROGRESS_LINES) return;
      reported = lines;
      onProgress(fileIndex, lines, c);
    },
  });
  // Stopping past --until is not a read error.
  const stoppedEarly = stopper?.signal.aborted === true && ctx.signal?.aborted !== true;
  onProgress?.(fileIndex, result.lines, stoppedEarly ? Infinity : chars); // the file's final count (#8)
  stats.lines = result.lines;
  stats.overlong = result.overlong;
  stats.gzip = result.gzip;
  // The file's last line dates its end; after a stop past --until, the line that stopped it.
  const end = result.lastLine === '' ? undefined : probe.match(result.lastLine, ref);
  stats.last = end?.time ?? maxTime ?? lastTime;
  if (stats.first === undefined) stats.first = hits.firstTime;
  if (stats.last !== undefined && stats.first !== undefined && stats.last < stats.first) {
    stats.last = maxTime ?? stats.first;
  }
  if (backwardJumps > 0) {
    stats.warnings.push(
      `times jump back by more than 30 days at line ${firstBackward} (${backwardJumps} line(s)); ` +
        'the year reference (file mtime) is probably wrong: use --now',
    );
  }
  // Over-long and binary lines, each naming the first line concerned (#5).
  stats.warnings.push(...result.notes);
  hits.finish();
  return { hits, stats, error: stoppedEarly ? undefined : result.error };
}
