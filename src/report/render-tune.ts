// Renders a TuneReport: terminal table (with a compact chart of blocked share vs users hit
// and the recommended jail.local snippet), JSON and CSV. Pure and deterministic; every
// string from a log (addresses/ids, usernames, paths) goes through sanitize.ts for its
// target, colour only from the chalk instance the CLI passes.

import type { ChalkInstance } from 'chalk';
import type { TuneBanFigures, TuneJail, TuneReport, TuneRow, TuneSetting } from '../analysis/tune.js';
import type { EpochMs } from '../types.js';
import { makeTimeDisplay } from './display-time.js';
import { formatDuration } from './format-duration.js';
import { jsonFileStats } from './render-json.js';
import { count, plural } from './count-text.js';
import { spanText } from './render-table.js';
import { forCsvCell, forTerminal, forTerminalCell as clean, toSafeJson } from './sanitize.js';
import { drawRows, fitColumns, INDENT, type TableColumn } from './text-table.js';
import { fitEnd } from './text-width.js';

/** Options for `renderTuneTable`. */
export interface RenderTuneTableOptions {
  /** `new Chalk({ level })`, decided by the CLI; level 0 means plain text. */
  chalk: ChalkInstance;
  /** Formats a log time as ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
  /** Target line width (default 100); only the "longest unbanned" column gives way. */
  width?: number;
}

/** Options for the JSON and CSV renderers. */
export interface RenderTuneDataOptions {
  formatTime: (ms: EpochMs) => string;
}

const NO_VALUE = '-';
const MAX_NAME = 48;
const MAX_ID = 45; // longest textual IPv6 (IPv4-mapped) address
const MAX_USERS_LISTED = 10;
const MIN_UNBANNED_WIDTH = 30; // `255.255.255.255: 1,000 in 2w1d`
const CHART_WIDTH = 41;
const CHART_HEIGHT = 8;
const CHART_STEP = 8;
const TWO_UNITS = /^\d+(?:\.\d+)?[wdhms](?:\d+(?:\.\d+)?[wdhms])?/;

/** The ready-to-paste jail.local section that applies `setting` to jail `name`. */
export function jailLocalSnippet(name: string, setting: TuneSetting): string {
  const lines = [
    `[${name}]`,
    `maxretry = ${setting.maxretry}`,
    `findtime = ${snippetDuration(setting.findtime)}`,
    `bantime  = ${snippetDuration(setting.bantime)}`,
  ];
  if (setting.increment) lines.push('bantime.increment = true');
  return lines.join('\n') + '\n';
}

// fail2ban reads `10m`, `1h`, `1d12h` (juxtaposed terms add up); only -1 is permanent.
function snippetDuration(seconds: number): string {
  return seconds === -1 ? '-1' : formatDuration(seconds);
}

// ---- table ----------------------------------------------------------------------------------

/** Renders the report as terminal text ending with a newline. */
export function renderTuneTable(report: TuneReport, options: RenderTuneTableOptions): string {
  const times: EpochMs[] = [];
  if (report.span.first !== undefined) times.push(report.span.first);
  if (report.span.last !== undefined) times.push(report.span.last);
  const ctx: Ctx = {
    c: options.chalk,
    width: Math.max(60, options.width ?? 100),
    time: makeTimeDisplay(times, options.formatTime),
    window: report.counting === 'window',
  };
  const sections = [renderSummary(report, ctx), ...report.jails.map((j) => renderJail(j, ctx))];
  return sections.join('\n\n') + '\n';
}

interface Ctx {
  c: ChalkInstance;
  width: number;
  time: ReturnType<typeof makeTimeDisplay>;
  window: boolean;
}

function renderSummary(report: TuneReport, ctx: Ctx): string {
  const { c } = ctx;
  const out = [c.bold.underline('Tuning')];
  const row = (label: string, text: string): void => {
    out.push(`${INDENT}${c.bold(label.padEnd(11))}${text}`);
  };
  row('Time span', spanText(report.span, ctx.time.show));
  if (ctx.time.note !== undefined) row('Times', `in ${ctx.time.note}`);
  const lines = report.files.reduce((n, f) => n + f.lines, 0);
  const noTime = report.files.reduce((n, f) => n + f.noTime, 0);
  row('Lines', `${count(lines)} read from ${plural(report.files.length, 'file')}; ${count(noTime)} without a time`);
  const g = report.grid;
  const points = g.maxretry.length * g.findtime.length * g.bantime.length * g.increment.length;
  row(
    'Grid',
    `maxretry ${g.maxretry.join(', ')} × findtime ${g.findtime.map(formatDuration).join(', ')} × ` +
      `bantime ${g.bantime.map(bantimeText).join(', ')}` +
      (g.increment.length > 1 ? ' × increment off, on' : '') +
      ` = ${plural(points, 'setting')} per jail`,
  );
  row(
    'Counting',
    (report.counting === 'window'
      ? 'exact sliding window (fail2ban\'s rescaled count alongside, in the f2b columns)'
      : 'fail2ban\'s rescaled count') +
      (report.whileBanned === 'block' ? '; failures during a ban are blocked' : '; failures during a ban are counted'),
  );
  row('Logins', `${plural(report.successes, 'successful login')} (the source of "users hit")`);
  return out.join('\n');
}

function renderJail(jail: TuneJail, ctx: Ctx): string {
  const { c } = ctx;
  const name = clean(jail.name, MAX_NAME);
  const cur = jail.current;
  const out = [
    `${c.bold.underline(`Jail ${name}`)}  ${clean(jail.filter, MAX_NAME)}; configured: maxretry ${cur.maxretry}, ` +
      `findtime ${formatDuration(cur.findtime)}, bantime ${bantimeText(cur.bantime)}` +
      (cur.increment ? ', bantime.increment on' : '') +
      (jail.rows.some((r) => r.current) ? '' : ' (not in the grid)'),
    `${INDENT}${plural(jail.failures, 'failure')} from ${plural(jail.addresses, 'address', 'addresses')}` +
      (jail.ignored > 0 ? ` (${plural(jail.ignored, 'failure')} from ignoreip addresses not counted)` : ''),
  ];
  if (jail.rows.length === 0) return out.join('\n');
  out.push(renderGrid(jail, ctx));
  const legend = ['R recommended', '* Pareto front (most blocked for its users hit)', 'c configured now'];
  if (ctx.window) legend.push('! fail2ban\'s count differs');
  out.push(`${INDENT}${c.dim(`Marks: ${legend.join(', ')}. Share = blocked / failures.`)}`);
  out.push('', renderChart(jail, ctx));
  out.push('', renderRecommendation(jail, ctx));
  return out.join('\n');
}

function renderGrid(jail: TuneJail, ctx: Ctx): string {
  const { c } = ctx;
  const columns: TableColumn[] = [
    { header: 'Mark', align: 'left' },
    { header: 'maxretry', align: 'right' },
    { header: 'findtime', align: 'right' },
    { header: 'bantime', align: 'right' },
  ];
  const hasIncrement = jail.rows.some((r) => r.setting.increment);
  if (hasIncrement) columns.push({ header: 'incr', align: 'left' });
  columns.push(
    { header: 'Banned', align: 'right' },
    { header: 'Bans', align: 'right' },
    { header: 'Blocked', align: 'right' },
    { header: 'Share', align: 'right' },
  );
  if (ctx.window) columns.push({ header: 'f2b Bans', align: 'right' }, { header: 'f2b Blocked', align: 'right' });
  columns.push(
    { header: 'Never banned', align: 'right' },
    { header: 'Users hit', align: 'right' },
    // Only this free-text column gives way when the terminal is narrow, never below an IPv4
    // address with its count and span: the table may then overflow.
    { header: 'Longest unbanned', align: 'left', min: MIN_UNBANNED_WIDTH },
  );
  const rows = jail.rows.map((r) => {
    const s = r.setting;
    const cells = [
      marks(r),
      String(s.maxretry),
      formatDuration(s.findtime),
      bantimeText(s.bantime),
    ];
    if (hasIncrement) cells.push(s.increment ? 'on' : 'off');
    cells.push(count(r.addressesBanned), count(r.banEvents), count(r.blocked), percent(r.blockedShare));
    if (ctx.window) cells.push(count(r.fail2ban?.banEvents ?? 0), count(r.fail2ban?.blocked ?? 0));
    cells.push(count(r.neverBanned), count(r.usersHit.length), unbannedText(r));
    return cells;
  });
  const { widths } = fitColumns(columns, rows, ctx.width);
  const lastWidth = widths[widths.length - 1] ?? 0;
  const body = jail.rows.map((r, i) => {
    // Cut before the row is coloured, so that its '…' takes the row's colour (drawRows would
    // cut the coloured text and leave the ellipsis plain).
    const cells = (rows[i] ?? []).map((cell, k) => (k === columns.length - 1 ? fitEnd(cell, lastWidth) : cell));
    return r.recommended ? cells.map((cell) => c.green.bold(cell)) : r.pareto ? cells.map((cell) => c.bold(cell)) : cells;
  });
  return drawRows([columns.map((col) => c.bold(col.header)), ...body], { widths, aligns: columns.map((col) => col.align) });
}


function marks(r: TuneRow): string {
  let m = '';
  if (r.recommended) m += 'R';
  if (r.pareto) m += '*';
  if (r.current) m += 'c';
  if (r.fail2ban !== undefined && differs(r, r.fail2ban)) m += '!';
  return m;
}

function differs(a: TuneBanFigures, b: TuneBanFigures): boolean {
  return a.addressesBanned !== b.addressesBanned || a.banEvents !== b.banEvents || a.blocked !== b.blocked;
}

function unbannedText(r: TuneRow): string {
  const u = r.longestUnbanned;
  if (u === undefined) return NO_VALUE;
  const span = roughDuration(Math.max(0, Math.floor((u.last - u.first) / 1000)));
  return `${clean(u.id, MAX_ID)}: ${count(u.failures)} in ${span}`;
}

/** The two largest units of a duration (`2w1d6h50m5s` → `2w1d`): enough to compare attacks. */
function roughDuration(seconds: number): string {
  const full = formatDuration(seconds);
  return TWO_UNITS.exec(full)?.[0] ?? full;
}

/**
 * A scatter plot: blocked share (up) against users hit (right). Several settings often land
 * on one cell; the most telling mark wins (R over * over o).
 */
function renderChart(jail: TuneJail, ctx: Ctx): string {
  const { c } = ctx;
  const maxUsers = jail.rows.reduce((m, r) => Math.max(m, r.usersHit.length), 0);
  // Up to CHART_STEP columns per user so a handful of users still spreads across the chart.
  const width = maxUsers === 0 ? 1 : Math.min(CHART_WIDTH, maxUsers * CHART_STEP + 1);
  const grid: string[][] = Array.from({ length: CHART_HEIGHT }, () => new Array<string>(width).fill(' '));
  const rank = (m: string): number => (m === 'R' ? 3 : m === '*' ? 2 : m === 'o' ? 1 : 0);
  for (const r of jail.rows) {
    const x = maxUsers === 0 ? 0 : Math.round((r.usersHit.length / maxUsers) * (width - 1));
    const y = CHART_HEIGHT - 1 - Math.round(Math.min(1, Math.max(0, r.blockedShare)) * (CHART_HEIGHT - 1));
    const mark = r.recommended ? 'R' : r.pareto ? '*' : 'o';
    const line = grid[y]!;
    if (rank(mark) > rank(line[x]!)) line[x] = mark;
  }
  const out = [`${INDENT}${c.bold('Blocked share vs users hit')}  ${c.dim('(R recommended, * Pareto front, o other settings)')}`];
  grid.forEach((line, i) => {
    const label = i === 0 ? '100%' : i === CHART_HEIGHT - 1 ? '0%' : '';
    const body = line.map((m) => (m === 'R' ? c.green.bold(m) : m === '*' ? c.bold(m) : m)).join('');
    out.push(`${INDENT}${label.padStart(4)} |${body}`.trimEnd());
  });
  out.push(`${INDENT}     +${'-'.repeat(width)}`);
  const axis = maxUsers === 0 ? '0 users hit by any setting' : `0${String(maxUsers).padStart(width - 1)}  users hit`;
  out.push(`${INDENT}      ${axis}`);
  return out.join('\n');
}

function renderRecommendation(jail: TuneJail, ctx: Ctx): string {
  const { c } = ctx;
  const r = jail.recommended;
  if (r === undefined) return `${INDENT}No setting to recommend.`;
  const s = r.setting;
  const what =
    `maxretry ${s.maxretry}, findtime ${formatDuration(s.findtime)}, bantime ${bantimeText(s.bantime)}` +
    (s.increment ? ', bantime.increment on' : '');
  const users = r.usersHit.length === 0 ? 'hits no user' : `hits ${plural(r.usersHit.length, 'user')}`;
  const out = [
    `${INDENT}${c.bold('Recommended:')} ${c.green.bold(what)}${r.current ? ' (as configured now)' : ''}`,
    `${INDENT}blocks ${count(r.blocked)} of ${plural(jail.failures - jail.ignored, 'failure')} (${percent(r.blockedShare)}), ` +
      `bans ${plural(r.addressesBanned, 'address', 'addresses')}, ${users}`,
  ];
  if (r.blocked === 0) {
    const none = jail.rows.every((x) => x.blocked === 0);
    out.push(
      `${INDENT}${c.yellow('!')} ` +
        (none
          ? 'no setting in the grid would have blocked a single attempt; try other values'
          : 'every setting that blocks attempts also hits users; weigh the rows above'),
    );
  }
  if (r.usersHit.length > 0) {
    const shown = r.usersHit.slice(0, MAX_USERS_LISTED).map((u) => (u === '' ? '(empty)' : clean(u, MAX_NAME)));
    const more = r.usersHit.length > shown.length ? `, and ${count(r.usersHit.length - shown.length)} more` : '';
    out.push(`${INDENT}users hit: ${shown.join(', ')}${more}`);
  }
  out.push(`${INDENT}${c.dim('jail.local:')}`);
  for (const line of jailLocalSnippet(forTerminal(jail.name), s).trimEnd().split('\n')) out.push(`${INDENT}${INDENT}${line}`);
  return out.join('\n');
}

// ---- JSON -----------------------------------------------------------------------------------


/** Renders the report as pretty-printed JSON (2-space indent) ending with a newline. */
export function renderTuneJson(report: TuneReport, options: RenderTuneDataOptions): string {
  return toSafeJson(toTuneJson(report, options.formatTime), 2) + '\n';
}

/** The tune JSON document as a plain value, in the documented key order (README). */
export function toTuneJson(report: TuneReport, formatTime: (ms: EpochMs) => string) {
  const time = (ms: EpochMs | undefined): string | null => (ms === undefined ? null : formatTime(ms));
  const figures = (f: TuneBanFigures) => ({ addressesBanned: f.addressesBanned, banEvents: f.banEvents, blocked: f.blocked });
  return {
    schema: 1,
    command: 'tune',
    counting: report.counting,
    whileBanned: report.whileBanned,
    grid: {
      maxretry: [...report.grid.maxretry],
      findtime: [...report.grid.findtime],
      bantime: [...report.grid.bantime],
      increment: [...report.grid.increment],
    },
    span: { first: time(report.span.first), last: time(report.span.last) },
    files: report.files.map((f) => jsonFileStats(f, time)),
    successes: report.successes,
    jails: report.jails.map((j) => ({
      name: j.name,
      filter: j.filter,
      current: { ...j.current },
      failures: j.failures,
      ignored: j.ignored,
      addresses: j.addresses,
      recommended:
        j.recommended === undefined
          ? null
          : { ...j.recommended.setting, snippet: jailLocalSnippet(j.name, j.recommended.setting) },
      settings: j.rows.map((r) => ({
        ...r.setting,
        ...figures(r),
        blockedShare: share(r.blockedShare),
        neverBanned: r.neverBanned,
        usersHit: r.usersHit.length,
        users: [...r.usersHit],
        collateralIps: [...r.collateralIds],
        longestUnbanned:
          r.longestUnbanned === undefined
            ? null
            : {
                ip: r.longestUnbanned.id,
                failures: r.longestUnbanned.failures,
                first: formatTime(r.longestUnbanned.first),
                last: formatTime(r.longestUnbanned.last),
                seconds: Math.floor((r.longestUnbanned.last - r.longestUnbanned.first) / 1000),
              },
        pareto: r.pareto,
        recommended: r.recommended,
        current: r.current,
        fail2ban: r.fail2ban === undefined ? null : figures(r.fail2ban),
      })),
    })),
  };
}

// ---- CSV ------------------------------------------------------------------------------------

const CSV_COLUMNS = [
  'jail', 'maxretry', 'findtime', 'bantime', 'increment', 'counting',
  'addresses_banned', 'ban_events', 'blocked', 'blocked_share', 'never_banned',
  'users_hit', 'users', 'collateral_ips',
  'longest_unbanned_ip', 'longest_unbanned_failures', 'longest_unbanned_first', 'longest_unbanned_last', 'longest_unbanned_seconds',
  'pareto', 'recommended', 'current',
  'f2b_addresses_banned', 'f2b_ban_events', 'f2b_blocked',
] as const;

/**
 * One header line, then one line per (jail, setting) in the table's order; times in seconds,
 * lists space-separated; every text cell quoted and defused by forCsvCell. Lines end in LF.
 */
export function renderTuneCsv(report: TuneReport, options: RenderTuneDataOptions): string {
  const lines = [CSV_COLUMNS.join(',')];
  const text = (s: string): string => forCsvCell(s);
  const bool = (b: boolean): string => (b ? 'true' : 'false');
  for (const j of report.jails) {
    for (const r of j.rows) {
      const s = r.setting;
      const u = r.longestUnbanned;
      const f = r.fail2ban;
      lines.push(
        [
          text(j.name),
          String(s.maxretry),
          String(s.findtime),
          String(s.bantime),
          bool(s.increment),
          report.counting,
          String(r.addressesBanned),
          String(r.banEvents),
          String(r.blocked),
          String(share(r.blockedShare)),
          String(r.neverBanned),
          String(r.usersHit.length),
          text(r.usersHit.join(' ')),
          text(r.collateralIds.join(' ')),
          u === undefined ? '' : text(u.id),
          u === undefined ? '' : String(u.failures),
          u === undefined ? '' : text(options.formatTime(u.first)),
          u === undefined ? '' : text(options.formatTime(u.last)),
          u === undefined ? '' : String(Math.floor((u.last - u.first) / 1000)),
          bool(r.pareto),
          bool(r.recommended),
          bool(r.current),
          f === undefined ? '' : String(f.addressesBanned),
          f === undefined ? '' : String(f.banEvents),
          f === undefined ? '' : String(f.blocked),
        ].join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

// ---- helpers --------------------------------------------------------------------------------

function bantimeText(seconds: number): string {
  return seconds === -1 ? 'permanent' : formatDuration(seconds);
}

/** A share rounded to 4 decimals, so JSON and CSV stay stable and short. */
function share(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function percent(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}
