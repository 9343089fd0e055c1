// Renders a Report as human-readable terminal text: summary, jails, would-be bans, usernames.
// Every log-derived string goes through forTerminal + truncate before layout; colour comes only
// from the chalk instance the CLI passes (level 0 = no escape codes at all). Pure and
// deterministic: explicit sort orders, no locale, no clock.

import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { EpochMs, Report, ReportIp, ReportJail, ReportUsername } from '../types.js';
import { makeTimeDisplay } from './display-time.js';
import type { TimeDisplay } from './display-time.js';
import { formatDuration } from './format-duration.js';
import { forTerminal, truncate } from './sanitize.js';
import { displayWidth, fitStart } from './text-width.js';

/** Options for `renderTable`. */
export interface RenderTableOptions {
  /** `new Chalk({ level })`, decided by the CLI; level 0 means plain text. */
  chalk: ChalkInstance;
  /** Formats a log time as ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
  /** Target line width in columns (default 100); flexible columns shrink to fit. */
  width?: number;
  /** How many usernames to list (default 15). */
  top?: number;
}

/** Default target width. */
export const DEFAULT_WIDTH = 100;
/** Default number of usernames listed. */
export const DEFAULT_TOP = 15;

// Hard caps before layout, so a 10 kB username costs nothing downstream.
const MAX_NAME = 48;
const MAX_ID = 45; // longest textual IPv6 (IPv4-mapped) address
const MAX_PATH = 200;
const MAX_WARNING = 160;
const INDENT = '  ';
const GAP = '  ';
const NO_VALUE = '-';

type Align = 'left' | 'right';

interface Column {
  header: string;
  /** Shorter header used when the table does not fit (`Country` → `CC`). */
  short?: string;
  align: Align;
  /** Narrowest width this column may shrink to; undefined = never shrinks. */
  min?: number;
  /** Cut from the start instead of the end when shrinking (paths). */
  keepEnd?: boolean;
}

/** Renders the report as terminal text ending with a newline. */
export function renderTable(report: Report, options: RenderTableOptions): string {
  const top = Math.max(0, Math.floor(options.top ?? DEFAULT_TOP));
  const ctx: Ctx = {
    c: options.chalk,
    width: Math.max(40, options.width ?? DEFAULT_WIDTH),
    top,
    time: makeTimeDisplay(collectShownTimes(report, top), options.formatTime),
  };
  const sections = [renderSummary(report, ctx), renderBans(report, ctx), renderUsernames(report, ctx)];
  return sections.join('\n\n') + '\n';
}

interface Ctx {
  c: ChalkInstance;
  width: number;
  top: number;
  time: TimeDisplay;
}

// ---- sections -------------------------------------------------------------------------------

function renderSummary(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const s = report.stats;
  const out: string[] = [title(ctx, 'Summary')];
  const row = (label: string, text: string): void => {
    out.push(`${INDENT}${c.bold(label.padEnd(11))}${text}`);
  };

  const { first, last } = report.span;
  if (first !== undefined && last !== undefined) {
    const length = formatDuration(Math.max(0, Math.floor((last - first) / 1000)));
    row('Time span', `${ctx.time.show(first)} → ${ctx.time.show(last)} (${length})`);
  } else {
    row('Time span', 'no timestamped line matched');
  }
  if (ctx.time.note !== undefined) row('Times', `in ${ctx.time.note}`);
  row(
    'Lines',
    `${count(s.lines)} read from ${plural(s.files, 'file')}; ${count(s.noTime)} without a time; ` +
      `${count(s.overlong)} over-long (skipped)`,
  );
  const perJail = report.jails.map((j) => `${clean(j.name, MAX_NAME)} ${count(j.failures)}`).join(', ');
  row('Failures', `${count(s.failures)}${perJail === '' ? '' : ` (${perJail})`}; ${plural(s.successes, 'successful login')}`);
  row('Bans', `${plural(s.banEvents, 'ban')} of ${plural(s.bannedIps, 'address', 'addresses')}; ${plural(s.blocked, 'attempt')} blocked while banned`);
  const geo = report.geoip;
  row('GeoIP', geo === undefined ? 'none' : `${clean(geo.database, MAX_PATH)}${geo.buildDate === undefined ? '' : `, built ${clean(geo.buildDate, 32)}`}`);

  if (report.files.length > 0) out.push('', renderFiles(report, ctx));
  if (report.jails.length > 0) out.push('', renderJails(report.jails, ctx));
  return out.join('\n');
}

function renderFiles(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const paths = report.files.map((f) => clean(f.path, MAX_PATH));
  const dir = commonDirectory(paths);
  const names = dir === undefined ? paths : paths.map((p) => p.slice(dir.length + 1));
  const heading = dir === undefined ? 'Files, in replay order' : `Files in ${dir}, in replay order`;
  const columns: Column[] = [
    { header: 'File', align: 'left', min: 12, keepEnd: true },
    { header: 'Gzip', align: 'left' },
    { header: 'Lines', align: 'right' },
    { header: 'No time', align: 'right' },
    { header: 'Over-long', short: 'Long', align: 'right' },
    { header: 'First', align: 'left' },
    { header: 'Last', align: 'left' },
  ];
  const rows = report.files.map((f, i) => [
    names[i] ?? '',
    f.gzip ? 'yes' : NO_VALUE,
    count(f.lines),
    count(f.noTime),
    count(f.overlong),
    f.first === undefined ? NO_VALUE : ctx.time.show(f.first),
    f.last === undefined ? NO_VALUE : ctx.time.show(f.last),
  ]);
  const lines = [`${INDENT}${c.bold(heading)}`, drawTable(columns, rows, ctx)];
  report.files.forEach((f, i) => {
    for (const w of f.warnings) lines.push(`${INDENT}${c.yellow('!')} ${names[i] ?? ''}: ${clean(w, MAX_WARNING)}`);
  });
  return lines.join('\n');
}

function renderJails(jails: readonly ReportJail[], ctx: Ctx): string {
  const columns: Column[] = [
    { header: 'Jail', align: 'left', min: 8 },
    { header: 'Filter', align: 'left', min: 8 },
    { header: 'maxretry', short: 'retry', align: 'right' },
    { header: 'findtime', align: 'right' },
    { header: 'bantime', align: 'right' },
    { header: 'Failures', short: 'Fails', align: 'right' },
    { header: 'Addresses', short: 'IPs', align: 'right' },
    { header: 'Bans', align: 'right' },
  ];
  const rows = jails.map((j) => [
    clean(j.name, MAX_NAME),
    clean(j.filter, MAX_NAME),
    String(j.maxretry),
    formatDuration(j.findtime),
    formatDuration(j.bantime),
    count(j.failures),
    count(j.ids),
    count(j.bans.length),
  ]);
  return `${INDENT}${ctx.c.bold('Jails')}\n${drawTable(columns, rows, ctx)}`;
}

function renderBans(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const banned = report.ips.filter((ip) => ip.bans > 0).sort(compareBanned);
  const head = title(ctx, 'Would-be bans');
  if (banned.length === 0) return `${head}\n${INDENT}${c.green('No address would have been banned.')}`;

  // Columns that would repeat the same value on every row carry no information: leave them out.
  const showCountry = report.geoip !== undefined;
  const jailLists = new Set(banned.map((ip) => ip.jails.join('\n')));
  const showJails = jailLists.size > 1;
  const onlyJails = showJails ? '' : `; all in ${(banned[0]?.jails ?? []).map((j) => clean(j, MAX_NAME)).join(', ')}`;
  // Totals of the rows below, so the line always agrees with the table.
  const bans = banned.reduce((n, ip) => n + ip.bans, 0);
  const blocked = banned.reduce((n, ip) => n + ip.blocked, 0);
  const intro =
    `${INDENT}${plural(banned.length, 'address', 'addresses')}, ${plural(bans, 'ban')}, ` +
    `${plural(blocked, 'attempt')} blocked${onlyJails}; busiest first`;
  const columns: Column[] = [{ header: 'IP', align: 'left' }];
  if (showCountry) columns.push({ header: 'Country', short: 'CC', align: 'left' });
  if (showJails) columns.push({ header: 'Jails', align: 'left', min: 6 });
  columns.push(
    { header: 'Bans', align: 'right' },
    { header: 'First ban', align: 'left' },
    { header: 'Last ban', align: 'left' },
    { header: 'Failures', short: 'Fails', align: 'right' },
    { header: 'Blocked', align: 'right' },
  );
  const rows = banned.map((ip) => {
    const row = [clean(ip.ip, MAX_ID)];
    if (showCountry) row.push(ip.country === undefined ? NO_VALUE : clean(ip.country, 8));
    if (showJails) row.push(ip.jails.map((j) => clean(j, MAX_NAME)).join(', '));
    row.push(
      count(ip.bans),
      ip.firstBan === undefined ? NO_VALUE : ctx.time.show(ip.firstBan),
      ip.lastBan === undefined ? NO_VALUE : ctx.time.show(ip.lastBan),
      count(ip.failures),
      count(ip.blocked),
    );
    return row;
  });
  return `${head}\n${intro}\n${drawTable(columns, rows, ctx)}`;
}

function renderUsernames(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const all = [...report.usernames].sort(compareUsernames);
  const shown = all.slice(0, ctx.top);
  const head = title(ctx, 'Top attempted usernames');
  if (all.length === 0) return `${head}\n${INDENT}No usernames were captured.`;
  const intro = `${INDENT}${count(shown.length)} of ${plural(all.length, 'distinct username')}, most attempts first`;
  if (shown.length === 0) return `${head}\n${intro}`;
  const columns: Column[] = [
    { header: 'Username', align: 'left', min: 12 },
    { header: 'Attempts', align: 'right' },
    { header: 'IPs', align: 'right' },
    { header: 'First seen', align: 'left' },
    { header: 'Last seen', align: 'left' },
  ];
  const rows = shown.map((u) => [
    // An empty username is a real attempt (empty SASL login), so make it visible.
    u.name === '' ? c.dim('(empty)') : clean(u.name, MAX_NAME),
    count(u.attempts),
    count(u.ips),
    ctx.time.show(u.first),
    ctx.time.show(u.last),
  ]);
  return `${head}\n${intro}\n${drawTable(columns, rows, ctx)}`;
}

// ---- layout ---------------------------------------------------------------------------------

// Borderless: columns separated by GAP, rows indented by INDENT, no rules.
const PLAIN_CHARS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: INDENT,
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: GAP,
};

/** Lays out cells (already sanitised, colour-free except deliberate styling) to fit ctx.width. */
function drawTable(columns: readonly Column[], rows: readonly string[][], ctx: Ctx): string {
  const { widths, headers } = fitWidths(columns, rows, ctx.width);
  const table = new Table({
    head: headers.map((h) => ctx.c.bold(h)),
    colWidths: widths,
    colAligns: columns.map((col) => col.align),
    chars: PLAIN_CHARS,
    // cli-table3 colours headers and borders through @colors/colors, which detects the terminal
    // by itself; all colour must come from our chalk instance instead.
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
    wordWrap: false,
  });
  for (const row of rows) {
    table.push(
      row.map((cell, i) => {
        const col = columns[i];
        const w = widths[i] ?? 0;
        // Paths lose their start, not their file name; other cells are cut by cli-table3 with '…'.
        return col?.keepEnd === true && displayWidth(cell) > w ? fitStart(cell, w) : cell;
      }),
    );
  }
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/**
 * Natural column widths; when the table is too wide, short headers first, then the flexible
 * columns shrink (widest first) down to their minimum. May still exceed `width` (long IPv6).
 */
function fitWidths(
  columns: readonly Column[],
  rows: readonly string[][],
  width: number,
): { widths: number[]; headers: string[] } {
  const content = columns.map((_, i) => rows.reduce((w, row) => Math.max(w, displayWidth(stripStyle(row[i] ?? ''))), 0));
  const measure = (heads: readonly string[]): number[] => content.map((w, i) => Math.max(w, displayWidth(heads[i] ?? '')));
  const total = (ws: readonly number[]): number => INDENT.length + ws.reduce((a, b) => a + b, 0) + GAP.length * (ws.length - 1);
  let headers = columns.map((col) => col.header);
  let widths = measure(headers);
  if (total(widths) > width) {
    headers = columns.map((col) => col.short ?? col.header);
    widths = measure(headers);
  }
  let excess = total(widths) - width;
  while (excess > 0) {
    let pick = -1;
    columns.forEach((col, i) => {
      const w = widths[i] ?? 0;
      if (col.min !== undefined && w > col.min && (pick < 0 || w > (widths[pick] ?? 0))) pick = i;
    });
    if (pick < 0) break; // nothing left to shrink: the table is wider than asked
    widths[pick] = (widths[pick] ?? 0) - 1;
    excess--;
  }
  return { widths, headers };
}

// ---- helpers --------------------------------------------------------------------------------

function title(ctx: Ctx, text: string): string {
  return ctx.c.bold.underline(text);
}

/** Log-derived text made safe and short; tabs become spaces so they cannot break alignment. */
function clean(s: string, max: number): string {
  // Truncate first (bounded work on 10 kB input), then sanitise, then truncate what is visible.
  return truncate(forTerminal(truncate(s, max * 4)).replaceAll('\t', ' '), max);
}

// ANSI SGR sequences produced by our own chalk styling (log text never contains ESC by now).
// The `g` regexes in this file are only used with String#replace, which resets lastIndex.
const SGR = /\u001b\[[0-9;]*m/g;
function stripStyle(s: string): string {
  return s.replace(SGR, '');
}

/** Integer with thousands separators, locale-independent. */
function count(n: number): string {
  const digits = String(Math.trunc(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function commonDirectory(paths: readonly string[]): string | undefined {
  if (paths.length < 2) return undefined;
  let dir: string | undefined;
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    if (slash <= 0) return undefined;
    const d = p.slice(0, slash);
    if (dir === undefined) dir = d;
    else if (d !== dir) return undefined;
  }
  return dir;
}

function compareBanned(a: ReportIp, b: ReportIp): number {
  return (
    b.failures + b.blocked - (a.failures + a.blocked) ||
    b.bans - a.bans ||
    (a.firstBan ?? 0) - (b.firstBan ?? 0) ||
    compareText(a.ip, b.ip)
  );
}

function compareUsernames(a: ReportUsername, b: ReportUsername): number {
  return b.attempts - a.attempts || b.ips - a.ips || a.first - b.first || compareText(a.name, b.name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every time the table will show, so the compact form is decided once for all of them. */
function collectShownTimes(report: Report, top: number): EpochMs[] {
  const times: EpochMs[] = [];
  const add = (t: EpochMs | undefined): void => {
    if (t !== undefined) times.push(t);
  };
  add(report.span.first);
  add(report.span.last);
  for (const f of report.files) {
    add(f.first);
    add(f.last);
  }
  for (const ip of report.ips) {
    if (ip.bans > 0) {
      add(ip.firstBan);
      add(ip.lastBan);
    }
  }
  for (const u of [...report.usernames].sort(compareUsernames).slice(0, top)) {
    add(u.first);
    add(u.last);
  }
  return times;
}
