// Reader and checker for fail2ban's annotated test logs (`# failJSON:`, `# filterOptions:`,
// `# fileOptions:`, `# addFILE:`), following the rules of fail2ban's sample test suite.
// Evaluation of a line is injected, so the same walker checks our filters and fail2ban's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseId } from '../../src/filter/normalize-id.js';
import type { Zone } from '../../src/time/zone.js';

/** One annotated expectation, as written after `# failJSON:`. */
export type FailJson = Record<string, unknown> & { match?: boolean };

/** Filter options of one block (`{}` = the filter's defaults). */
export type FilterOptions = Record<string, string>;

/** One (line, option set) pair to check. */
export interface LineCase {
  file: string;
  lineNo: number;
  line: string;
  expect: FailJson;
  /** Options passed to the filter (keys starting with `test.` removed). */
  options: FilterOptions;
  /** The complete option set including `test.*` keys. */
  rawOptions: Record<string, unknown>;
}

/** What evaluating a line produced (one entry per matching failregex, nofail/pending removed). */
export interface LineResult {
  failures: { regex: number; id: string; time: number | undefined; fields: Record<string, unknown> }[];
  /** Indices of failregexes that matched (including nofail), for the coverage check. */
  regexesUsed: number[];
  /** True when a successregex matched (banreplay extension key `success`). */
  success: boolean;
}

const ANNOTATION = /^#+ ?(failJSON|(?:file|filter)Options|addFILE):(.+)$/;

/** Evaluates the restricted Python expressions used by `test.condition` and `constraint`. */
export function evalCondition(expr: string, name: string, opts: Record<string, unknown>): boolean {
  // Forms used in fail2ban's logs: name=='sshd', opts.get('mode') != 'aggressive', combined with and/or/not.
  const js = expr
    .replace(/\bopts\.get\(\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)/g, (_m, k: string, d: string | undefined) =>
      JSON.stringify(opts[k] ?? d ?? null),
    )
    .replace(/\bname\b/g, JSON.stringify(name))
    .replace(/\band\b/g, '&&')
    .replace(/\bor\b/g, '||')
    .replace(/\bnot\b/g, '!')
    .replace(/\bNone\b/g, 'null')
    .replace(/\bTrue\b/g, 'true')
    .replace(/\bFalse\b/g, 'false');
  if (/[^\s"'\w.!=&|()<>-]/.test(js.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) {
    throw new Error(`unsupported condition: ${expr}`);
  }
  return Boolean(new Function(`return (${js});`)());
}

/**
 * Walks an annotated log (and its addFILE companions) and yields every case to check, as
 * samplestestcase.py does: the option blocks in force carry over from one file to the next,
 * and the filters' default option set `{}` is used until a filterOptions line says otherwise.
 * `onOptions` is called once for every option set a filter is created for (fail2ban checks
 * the regex coverage of each, even when none of its lines apply).
 */
export function* readFailJsonCases(
  logPath: string,
  filterName: string,
  onOptions?: (options: FilterOptions, rawOptions: Record<string, unknown>) => void,
): Generator<LineCase> {
  const queue = [path.basename(logPath)];
  const dir = path.dirname(logPath);
  let commonOpts: Record<string, unknown> = {};
  let blocks: Record<string, unknown>[] = [];
  const declare = (rawOptions: Record<string, unknown>): void => onOptions?.(filterOptionsOf(rawOptions), rawOptions);
  for (let q = 0; q < queue.length; q++) {
    const file = path.join(dir, queue[q]!);
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    let ignoreBlock = false;
    let pending: FailJson | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.replace(/[\r\n]+$/, '');
      const lineNo = i + 1;
      if (pending === undefined) {
        const m = ANNOTATION.exec(line);
        if (m !== null) {
          const data = JSON.parse(m[2]!) as unknown;
          if (m[1] === 'fileOptions') {
            commonOpts = data as Record<string, unknown>;
            continue;
          }
          if (m[1] === 'filterOptions') {
            ignoreBlock = false;
            blocks = [];
            for (const d of Array.isArray(data) ? data : [data]) {
              const opts = { ...commonOpts, ...(d as Record<string, unknown>) };
              const cond = opts['test.condition'];
              if (typeof cond === 'string' && cond !== '') ignoreBlock = !evalCondition(cond, filterName, opts);
              if (!ignoreBlock) {
                blocks.push(opts);
                declare(opts);
              }
            }
            continue;
          }
          if (m[1] === 'addFILE') {
            queue.push(data as string);
            continue;
          }
          pending = data as FailJson;
          continue;
        }
        if (ignoreBlock || line.startsWith('#') || line.trim() === '') continue;
      }
      const expect: FailJson = pending ?? {};
      pending = undefined;
      if (ignoreBlock) continue;
      if (blocks.length === 0) {
        blocks = [{}];
        declare({});
      }
      for (const rawOptions of blocks) {
        const constraint = expect['constraint'];
        if (typeof constraint === 'string' && constraint !== '' && !evalCondition(constraint, filterName, rawOptions)) {
          continue;
        }
        yield { file, lineNo, line, expect, options: filterOptionsOf(rawOptions), rawOptions };
      }
    }
  }
}

/** The options passed to the filter: every key but the `test.*` ones. */
export function filterOptionsOf(rawOptions: Record<string, unknown>): FilterOptions {
  const options: FilterOptions = {};
  for (const [k, v] of Object.entries(rawOptions)) if (!k.startsWith('test.')) options[k] = String(v);
  return options;
}

/** Local wall-clock time of `ms` in `zone`, as failJSON writes it (`YYYY-MM-DDTHH:MM:SS`). */
export function localIso(ms: number, zone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const p = (t: string): string => f.find((x) => x.type === t)!.value;
  const frac = ms % 1000 === 0 ? '' : `.${String(Math.round((ms % 1000) * 1000)).padStart(6, '0')}`;
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}:${p('second')}${frac}`;
}

// datetime.strptime(t, "%Y-%m-%dT%H:%M:%S[.%f]"): one or two digits per field, 1-6 fraction digits.
const JSON_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?$/;

/** failJSON `time` as fail2ban's suite reads it: local time in `zone` (time.mktime), in ms. */
export function parseJsonTime(t: string, zone: Zone): number | undefined {
  const m = JSON_TIME.exec(t);
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i]);
  const frac = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0')) / 1000;
  return zone.localToUtc(n(1), n(2), n(3), n(4), n(5), n(6)) + frac;
}

// fail2ban compares the id (an IPAddr) with the expected text by IPAddr.__eq__: both
// parsed as addresses when the id is one, else as raw strings.
function sameHost(actual: unknown, expected: unknown, idIsActual: boolean): boolean {
  if (idIsActual && typeof actual === 'string' && typeof expected === 'string') {
    const a = parseId(actual);
    if (a.family !== undefined) {
      const e = parseId(expected);
      return e.family === a.family && e.text === a.text;
    }
  }
  return JSON.stringify(actual ?? null) === JSON.stringify(expected);
}

/** Checks one case against its evaluation; returns a reason when it fails. */
export function checkCase(c: LineCase, r: LineResult, zone: Zone): string | undefined {
  const shouldMatch = c.expect.match === true;
  if (c.expect['success'] === true && !r.success) return 'success line not recognised by successregex';
  if (r.failures.length === 0) return shouldMatch ? 'line not matched when it should have been' : undefined;
  if (!shouldMatch) return `line matched (regex ${r.failures[0]!.regex}) when it should not have`;
  if (r.failures.length > 1) return `multiple regexes matched: ${r.failures.map((f) => f.regex).join(', ')}`;
  const f = r.failures[0]!;
  for (const [k, v] of Object.entries(c.expect)) {
    if (k === 'time' || k === 'match' || k === 'desc' || k === 'constraint' || k === 'success') continue;
    let actual = f.fields[k];
    let fromId = false;
    if ((actual === undefined || actual === null) && k === 'host') {
      actual = f.id;
      fromId = true;
    }
    const a = Array.isArray(actual) || actual instanceof Set ? [...(actual as Iterable<unknown>)].sort() : actual;
    const e = Array.isArray(v) ? [...(v as unknown[])].sort() : v;
    if (!sameHost(a, e, fromId)) {
      return `${k}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a ?? null)}`;
    }
  }
  const t = c.expect['time'];
  if (typeof t === 'string') {
    if (f.time === undefined) return `time: expected ${t}, got none`;
    const want = parseJsonTime(t, zone);
    if (want === undefined) return `time: cannot read expected ${t}`;
    // Whole microseconds: both sides are seconds with at most six decimals.
    if (Math.abs(want - f.time) >= 0.0005) return `time: expected ${t}, got ${localIso(f.time, zone.name)}`;
  }
  return undefined;
}
