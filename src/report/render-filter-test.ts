// Renders a test-filter run: text laid out like fail2ban-regex's report, one JSON document,
// or NDJSON (one failure per line). Pure functions of the report; every string from a log or
// a config file goes through forTerminal (text) or JSON escaping (json, ndjson).

import type { ChalkInstance } from 'chalk';
import type { FilterTestReport, KeptLine, RegexIdHit } from '../analysis/filter-test.js';
import type { EpochMs } from '../types.js';
import { forTerminal, toSafeJson, truncate } from './sanitize.js';

/** Options of the text renderer. */
export interface RenderFilterTestTextOptions {
  chalk: ChalkInstance;
  formatTime: (ms: EpochMs) => string;
  /** fail2ban-regex's `-v`: zero-hit regexes, the ids under each regex, every date template. */
  verbose: boolean;
  /** Which line lists to print: `all` (--print-all-*), `some` (up to LIST_LIMIT), `none` (--print-no-*). */
  lists: { matched: 'all' | 'none'; missed: ListMode; ignored: ListMode };
}

/** How a line list is printed. */
export type ListMode = 'all' | 'some' | 'none';

/** fail2ban-regex prints a line list only when it is shorter than this (its default maxlines). */
export const LIST_LIMIT = 20;

/** The fail2ban-regex style text report. */
export function renderFilterTestText(report: FilterTestReport, opts: RenderFilterTestTextOptions): string {
  const { chalk } = opts;
  const r = report.result;
  const out: string[] = [];
  const t = forTerminal;

  out.push('', chalk.bold('Running tests'), '=============', '');
  const src = report.source;
  if (src.kind === 'name') {
    const where = src.basedir === undefined ? 'banreplay\'s filters/' : t(src.basedir);
    out.push(`Use   failregex filter file : ${t(report.filterName)}, basedir: ${where}`);
  }
  else if (src.kind === 'file') out.push(`Use   failregex file : ${t(src.path)}`);
  else out.push(`Use   failregex line : ${t(truncate(src.regex, 53))}`);
  if (src.kind !== 'regex' && Object.keys(src.params).length > 0) {
    out.push(`Use   filter options : ${t(JSON.stringify(src.params))}`);
  }
  if (report.ignoreArg !== undefined) out.push(`Use ignoreregex line : ${t(truncate(report.ignoreArg, 53))}`);
  if (report.datepattern !== undefined) {
    const lines = report.datepattern.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    lines.forEach((l, i) => out.push((i === 0 ? 'Use      datepattern : ' : '                       ') + t(l)));
  }
  out.push(`Use        time zone : ${t(report.zone)}`);
  for (const f of report.files) {
    out.push(`Use         log file : ${t(f.path)}${f.gzip ? ' (gzip)' : ''}`);
  }
  out.push('', chalk.bold('Results'), '=======');

  if (report.prefregex !== undefined) {
    out.push('', `Prefregex: ${r.prefregex} total`);
    out.push(...list([t(report.prefregex)]));
  }
  const regexSection = (title: string, regexes: string[], hits: number[], ids?: RegexIdHit[][]): void => {
    const total = hits.reduce((a, b) => a + b, 0);
    const rows: string[] = [];
    regexes.forEach((re, i) => {
      const n = hits[i] ?? 0;
      if (n > 0 || opts.verbose) rows.push(`${String(i + 1).padStart(2)}) [${n}] ${t(re)}`);
      if (opts.verbose && ids !== undefined) {
        for (const h of ids[i] ?? []) {
          const when = h.time === undefined ? 'no time' : opts.formatTime(h.time);
          rows.push(`    ${h.id === undefined ? '(pending)' : t(h.id)}  ${when}${h.multiple ? ' (multiple regex matched)' : ''}`);
        }
      }
    });
    out.push('', `${title}: ${total} total`);
    out.push(...list(rows, ' #) [# of hits] regular expression'));
  };
  regexSection('Failregex', report.failregex, r.failregex, opts.verbose ? r.ids : undefined);
  regexSection('Ignoreregex', report.ignoreregex, r.ignoreregex);
  if (report.successregex.length > 0) regexSection('Successregex', report.successregex, r.successregex);

  out.push('', 'Date template hits:');
  const templates: string[] = [];
  report.templates.forEach((name, i) => {
    const n = r.templates[i] ?? 0;
    if (n > 0 || opts.verbose) templates.push(`[${n}] ${t(name)}`);
  });
  out.push(...list(templates, '[# of hits] date format'));

  out.push('', chalk.bold(`Lines: ${r.tested} lines, ${r.ignored} ignored, ${r.matched} matched, ${r.missed} missed`));
  const notes: string[] = [];
  if (r.skipped > 0) notes.push(`${r.skipped} empty or # line(s) skipped`);
  if (r.noTime > 0) notes.push(`${r.noTime} matched line(s) without a time`);
  const overlong = report.files.reduce((a, f) => a + f.overlong, 0);
  if (overlong > 0) notes.push(`${overlong} over-long line(s) not read`);
  if (notes.length > 0) out.push(`[${notes.join(', ')}]`);
  if (report.successregex.length > 0) {
    out.push('[successregex lines are a banreplay extension: they count as missed, as in fail2ban-regex]');
  }
  out.push('');

  const lines = (kind: 'matched' | 'ignored' | 'missed', mode: ListMode, count: number, kept: KeptLine[]): void => {
    if (mode === 'none' || count === 0) return;
    const header = `${kind[0]!.toUpperCase()}${kind.slice(1)} line(s):`;
    if (mode === 'all' || count < LIST_LIMIT) {
      out.push(...list(kept.map((k) => t(k.text.trimEnd())), header));
    } else {
      out.push(`${header} too many to print.  Use --print-all-${kind} to print all ${count} lines`);
    }
  };
  lines('matched', opts.lists.matched, r.matched, r.matchedLines);
  lines('ignored', opts.lists.ignored, r.ignored, r.ignoredLines);
  lines('missed', opts.lists.missed, r.missed, r.missedLines);
  return out.join('\n') + '\n';
}

// fail2ban-regex's pprint_list: an optional `|- header`, `|  ` before each row, a closing `` `- ``.
function list(rows: string[], header?: string): string[] {
  if (rows.length === 0) return [];
  return [...(header === undefined ? [] : [`|- ${header}`]), ...rows.map((row) => `|  ${row}`), '`-'];
}

/** Options of the JSON and NDJSON renderers. */
export interface RenderFilterTestJsonOptions {
  formatTime: (ms: EpochMs) => string;
  /** Include the kept line lists (--print-all-*); null otherwise. */
  lists: { matched: boolean; missed: boolean; ignored: boolean };
}


function stringify(value: unknown, indent?: number): string {
  return toSafeJson(value, indent);
}

/** The NDJSON record of one failure: line, ip, time, user first, as the issue specifies. */
function failureRecord(report: FilterTestReport, i: number, formatTime: (ms: EpochMs) => string): object {
  const f = report.result.failures[i]!;
  return {
    line: f.line,
    ip: f.ip ?? f.id,
    time: f.time === undefined ? null : formatTime(f.time),
    user: f.user ?? null,
    id: f.id,
    file: report.files[f.file]?.path ?? null,
    regexes: f.regexes.map((n) => n + 1),
  };
}

/** One JSON object per failure, one per line, in input order. */
export function renderFilterTestNdjson(report: FilterTestReport, opts: Pick<RenderFilterTestJsonOptions, 'formatTime'>): string {
  let out = '';
  for (let i = 0; i < report.result.failures.length; i++) out += stringify(failureRecord(report, i, opts.formatTime)) + '\n';
  return out;
}

/** The whole run as one JSON document (indented by two spaces, newline-terminated). */
export function renderFilterTestJson(report: FilterTestReport, opts: RenderFilterTestJsonOptions): string {
  const r = report.result;
  const src = report.source;
  const regexes = (list: string[], hits: number[]): object[] => list.map((regex, i) => ({ regex, hits: hits[i] ?? 0 }));
  const kept = (on: boolean, lines: KeptLine[]): object[] | null =>
    on ? lines.map((k) => ({ file: report.files[k.file]?.path ?? null, line: k.line, text: k.text })) : null;
  const doc = {
    schema: 1,
    filter: {
      kind: src.kind,
      name: report.filterName,
      file: report.filterFile ?? null,
      params: src.kind === 'regex' ? {} : src.params,
      multiline: report.multiline,
    },
    datepattern: report.datepattern ?? null,
    zone: report.zone,
    files: report.files.map((f) => ({ path: f.path, gzip: f.gzip, lines: f.lines, overlong: f.overlong })),
    lines: {
      tested: r.tested,
      matched: r.matched,
      missed: r.missed,
      ignored: r.ignored,
      skipped: r.skipped,
      noTime: r.noTime,
    },
    prefregex: report.prefregex === undefined ? null : { regex: report.prefregex, hits: r.prefregex },
    failregex: regexes(report.failregex, r.failregex),
    ignoreregex: regexes(report.ignoreregex, r.ignoreregex),
    successregex: regexes(report.successregex, r.successregex),
    dateTemplates: report.templates
      .map((name, i) => ({ name, hits: r.templates[i] ?? 0 }))
      .filter((x) => x.hits > 0),
    failures: r.failures.map((_, i) => failureRecord(report, i, opts.formatTime)),
    matchedLines: kept(opts.lists.matched, r.matchedLines),
    missedLines: kept(opts.lists.missed, r.missedLines),
    ignoredLines: kept(opts.lists.ignored, r.ignoredLines),
  };
  return stringify(doc, 2) + '\n';
}
