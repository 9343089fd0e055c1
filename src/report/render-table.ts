// Renders a Report as terminal text: collateral bans (first, when any), summary, jails, would-be
// bans, possible compromises, usernames and accounts, below the radar. Log-derived strings go
// through forTerminalCell before layout; colour comes only from the CLI's chalk instance
// (level 0 = no escape codes). Pure and deterministic: explicit sort orders, no locale, no clock.

import type { ChalkInstance } from 'chalk';
import type {
  CompromiseReason,
  EpochMs,
  Report,
  ReportAccount,
  ReportGroupVerdict,
  ReportIp,
  ReportJail,
  ReportRadarGroup,
  ReportUsername,
} from '../types.js';
import { makeTimeDisplay } from './display-time.js';
import { count, plural } from './count-text.js';
import type { TimeDisplay } from './display-time.js';
import { formatDuration } from './format-duration.js';
import { forTerminalCell as clean } from './sanitize.js';
import { drawRows, fitColumns, INDENT, type TableColumn } from './text-table.js';
import { displayWidth, fitStart } from './text-width.js';
import { compareText } from '../compare-text.js';

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
const NO_VALUE = '-';

/** A column of drawTable (shared with render-timeline.ts). */
export interface Column extends TableColumn {
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
  const collateral = report.collateral ?? [];
  const sections = [
    // Locked-out users are the most urgent finding: first, and only when there is one.
    ...(collateral.length > 0 ? [renderCollateral(report, ctx)] : []),
    renderSummary(report, ctx),
    renderBans(report, ctx),
    ...(report.compromises !== undefined ? [renderCompromises(report, ctx)] : []),
    renderUsernames(report, ctx),
    // Nothing to group without usernames; "Top attempted usernames" already says so.
    ...(report.accounts !== undefined && report.accounts.length > 0 ? [renderAccounts(report.accounts, ctx)] : []),
    ...(report.belowRadar !== undefined ? [renderBelowRadar(report, ctx)] : []),
  ];
  return sections.join('\n\n') + '\n';
}

/** What the layout helpers need (shared with render-timeline.ts). */
export interface Ctx {
  c: ChalkInstance;
  width: number;
  top: number;
  time: TimeDisplay;
}

// ---- sections -------------------------------------------------------------------------------

/** The "Time span" summary text: first → last (length), shared with render-tune.ts. */
export function spanText(span: { first: EpochMs | undefined; last: EpochMs | undefined }, show: (ms: EpochMs) => string): string {
  const { first, last } = span;
  if (first === undefined || last === undefined) return 'no timestamped line matched';
  const length = formatDuration(Math.max(0, Math.floor((last - first) / 1000)));
  return `${show(first)} → ${show(last)} (${length})`;
}

function renderSummary(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const s = report.stats;
  const out: string[] = [title(ctx, 'Summary')];
  const row = (label: string, text: string): void => {
    out.push(`${INDENT}${c.bold(label.padEnd(11))}${text}`);
  };

  row('Time span', spanText(report.span, ctx.time.show));
  // --since/--until (#8): the counts below cover only the window; the span is what was read.
  const win = report.window;
  if (win !== undefined) {
    const edge = (ms: EpochMs | undefined, open: string): string => (ms === undefined ? open : ctx.time.show(ms));
    row('Window', `${edge(win.since, 'start of logs')} → ${edge(win.until, 'end of logs')} (events reported; earlier lines replayed for state)`);
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
  const db = (d: { database: string; buildDate: string | undefined }): string =>
    `${clean(d.database, MAX_PATH)}${d.buildDate === undefined ? '' : `, built ${clean(d.buildDate, 32)}`}`;
  row('GeoIP', geo === undefined ? 'none' : db(geo));
  if (geo?.asn !== undefined) row('ASN', db(geo.asn));

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

function renderCollateral(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const rows = report.collateral ?? [];
  const head = title(ctx, 'Collateral: bans that would have locked out your users');
  const lines: string[] = [head];
  const refused = rows.reduce((n, r) => n + r.loginsDuringBan, 0);
  lines.push(
    prose(
      `${plural(rows.length, 'banned address', 'banned addresses')} also logged in successfully` +
        (refused > 0 ? `; ${plural(refused, 'login')} fell inside a ban and would have been refused` : ''),
      ctx,
    ),
  );
  // One sentence for the most affected address says what the table means.
  const top = rows[0];
  if (top !== undefined) {
    const who = top.users.length === 0 ? 'a user' : clean(top.users[0]!, MAX_NAME);
    lines.push(
      `${INDENT}${c.yellow('!')}` +
        prose(
          `the ${clean(top.jails.join(', '), MAX_NAME)} ban of ${clean(top.ip, MAX_ID)} at ` +
            `${ctx.time.show(top.firstBan)} would have locked out ${who} (last login ${ctx.time.show(top.lastSuccess)})`,
          ctx,
          INDENT + '  ',
        ).slice(INDENT.length + 1),
    );
  }
  const showCountry = report.geoip !== undefined;
  const columns: Column[] = [{ header: 'IP', align: 'left' }];
  if (showCountry) columns.push({ header: 'Country', short: 'CC', align: 'left' });
  columns.push(
    { header: 'Users', align: 'left', min: 24 },
    { header: 'Logins', align: 'right' },
    { header: 'Last login', align: 'left' },
    { header: 'Jails', align: 'left', min: 6 },
    { header: 'First ban', align: 'left' },
    { header: 'Failures', short: 'Fails', align: 'right' },
    { header: 'Refused', align: 'right' },
  );
  const body = rows.map((r) => {
    const row = [clean(r.ip, MAX_ID)];
    if (showCountry) row.push(r.country === undefined ? NO_VALUE : clean(r.country, 8));
    row.push(
      r.users.length === 0 ? NO_VALUE : listOf(r.users, 3),
      count(r.logins),
      ctx.time.show(r.lastSuccess),
      r.jails.map((j) => clean(j, MAX_NAME)).join(', '),
      ctx.time.show(r.firstBan),
      count(r.failures),
      count(r.loginsDuringBan),
    );
    return row;
  });
  lines.push(drawTable(columns, body, ctx));
  return lines.join('\n');
}

const REASON_TEXT: Record<CompromiseReason, string> = {
  'failed-other-accounts': 'other accounts',
  'failed-this-account': 'this account',
  'after-burst': 'burst',
};

function renderCompromises(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const rows = report.compromises ?? [];
  const head = title(ctx, 'Possible compromise');
  if (rows.length === 0 && report.stats.successes === 0) {
    return `${head}\n${INDENT}No successful login was seen in these logs, so none can be judged.`;
  }
  if (rows.length === 0) return `${head}\n${INDENT}${c.green('No successful login followed failures from the same address or a burst on the account.')}`;
  const intro = prose(
    `${plural(rows.length, 'successful login')} after failures. Why: the address had failed as other accounts ` +
      `or as this account before (and had not logged in as it before failing), or a burst of failures on the account ` +
      `from other addresses came shortly before`,
    ctx,
  );
  const showCountry = report.geoip !== undefined;
  const columns: Column[] = [
    { header: 'Account', align: 'left', min: 10 },
    { header: 'IP', align: 'left' },
  ];
  if (showCountry) columns.push({ header: 'Country', short: 'CC', align: 'left' });
  columns.push(
    { header: 'Login', align: 'left' },
    { header: 'Logins', align: 'right' },
    { header: 'Why', align: 'left', min: 12 },
    { header: 'Failures before', short: 'Fails', align: 'right' },
    { header: 'Banned', align: 'left' },
  );
  const body = rows.map((r) => {
    const row = [clean(r.user, MAX_NAME), clean(r.ip, MAX_ID)];
    if (showCountry) row.push(r.country === undefined ? NO_VALUE : clean(r.country, 8));
    const why = r.reasons.map((x) =>
      x === 'after-burst' ? `${REASON_TEXT[x]} (${count(r.burstFailures)} from ${plural(r.burstIps, 'IP')})` : REASON_TEXT[x],
    );
    row.push(
      ctx.time.show(r.time),
      count(r.logins),
      why.join(', '),
      count(r.priorFailures),
      r.duringBan ? 'in a ban' : r.banned ? 'yes' : 'no',
    );
    return row;
  });
  return `${head}\n${intro}\n${drawTable(columns, body, ctx)}`;
}

function renderAccounts(accounts: readonly ReportAccount[], ctx: Ctx): string {
  const head = title(ctx, 'Accounts under attack');
  if (accounts.length === 0) return `${head}\n${INDENT}No usernames were captured.`;
  const existing = accounts.filter((a) => a.exists);
  const unknown = accounts.filter((a) => !a.exists);
  const out: string[] = [
    head,
    prose(
      `Usernames compared without case and grouped by the part before @; ` +
        `${plural(existing.length, 'existing account')} (seen logging in), ${plural(unknown.length, 'name')} that never logged in`,
      ctx,
    ),
  ];
  const columns = (first: string): Column[] => [
    { header: first, align: 'left', min: 10 },
    { header: 'Names', align: 'left', min: 10 },
    { header: 'Attempts', align: 'right' },
    { header: 'IPs', align: 'right' },
    { header: 'Countries', short: 'CC', align: 'left', min: 6 },
    { header: 'First seen', align: 'left' },
    { header: 'Last seen', align: 'left' },
  ];
  const row = (a: ReportAccount): string[] => [
    clean(a.key, MAX_NAME),
    // The names behind the group, each marked when it is the one that logs in.
    a.names.length === 1 && a.names[0]!.name === a.key && !a.names[0]!.exists
      ? NO_VALUE
      : listOf(a.names.map((n) => (n.exists && a.names.length > 1 ? `${n.name}*` : n.name)), 3),
    count(a.attempts),
    count(a.ips),
    a.countries.length === 0 ? NO_VALUE : listOf(a.countries, 4),
    ctx.time.show(a.first),
    ctx.time.show(a.last),
  ];
  if (existing.length > 0) {
    out.push('', `${INDENT}${ctx.c.bold('Existing accounts')} (logged in successfully; * = the name that logs in)`);
    out.push(drawTable(columns('Account'), existing.map(row), ctx));
  }
  if (unknown.length > 0) {
    const shown = unknown.slice(0, ctx.top);
    out.push('', `${INDENT}${ctx.c.bold('Never logged in')} (${count(shown.length)} of ${count(unknown.length)}, most attempts first)`);
    if (shown.length > 0) out.push(drawTable(columns('Name'), shown.map(row), ctx));
  }
  return out.join('\n');
}

function renderBelowRadar(report: Report, ctx: Ctx): string {
  const { c } = ctx;
  const br = report.belowRadar!;
  const head = title(ctx, 'Below the radar');
  if (br.failures === 0) return `${head}\n${INDENT}${c.green('Every address with failures was banned at least once.')}`;
  const out: string[] = [
    head,
    prose(
      `${plural(br.failures, 'failure')} from ${plural(br.addresses, 'address', 'addresses')} that were never banned; ` +
        `"Group jail" = what a jail counting the whole group with the same thresholds would have done`,
      ctx,
    ),
  ];
  const groupTable = (label: string, groups: readonly ReportRadarGroup[], what: string): void => {
    out.push('');
    if (groups.length === 0) {
      out.push(`${INDENT}${c.bold(label)}: none with several addresses`);
      return;
    }
    const shown = groups.slice(0, ctx.top);
    out.push(`${INDENT}${c.bold(label)} (${count(shown.length)} of ${count(groups.length)})`);
    const columns: Column[] = [{ header: what, align: 'left', min: 12 }];
    const isAsn = groups[0]!.kind === 'asn';
    const isUser = groups[0]!.kind === 'username';
    if (!isUser) columns.push({ header: isAsn ? 'Organisation' : 'AS', align: 'left', min: 6 });
    columns.push(
      { header: 'Countries', short: 'CC', align: 'left', min: 4 },
      { header: 'IPs', align: 'right' },
      { header: 'Attempts', align: 'right' },
      { header: 'Max/IP', align: 'right' },
    );
    if (!isUser) columns.push({ header: 'Usernames', align: 'left', min: 10 });
    columns.push(
      { header: 'First', align: 'left' },
      { header: 'Last', align: 'left' },
      { header: 'Group jail', align: 'left', min: 10 },
    );
    // Dates only: these tables summarise weeks, and the columns are many.
    const day = (ms: EpochMs): string => {
      const shown = ctx.time.show(ms);
      const cut = shown.lastIndexOf(' ');
      return cut > 0 ? shown.slice(0, cut) : shown;
    };
    const body = shown.map((g) => {
      const row = [clean(g.key, MAX_NAME)];
      if (!isUser) row.push(isAsn ? (g.org === undefined ? NO_VALUE : clean(g.org, MAX_NAME)) : g.asn === undefined ? NO_VALUE : `AS${g.asn}`);
      row.push(g.countries.length === 0 ? NO_VALUE : listOf(g.countries, 3), count(g.addresses), count(g.attempts), count(g.maxPerAddress));
      if (!isUser) row.push(g.usernames.length === 0 ? NO_VALUE : listOf(g.usernames, 1, g.distinctUsernames));
      row.push(day(g.first), day(g.last), verdict(g.caught));
      return row;
    });
    out.push(drawTable(columns, body, ctx));
  };
  groupTable('Networks (/24, /64)', br.networks, 'Network');
  groupTable('Autonomous systems', br.asns, 'ASN');
  groupTable('Password spraying (one username, many addresses)', br.spraying, 'Username');
  return out.join('\n');
}

/** Text wrapped at word boundaries to the table width, each line indented. */
function prose(text: string, ctx: Ctx, indent = INDENT): string {
  const room = Math.max(20, ctx.width - indent.length);
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > room) {
      out.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(indent + line);
  return out.join('\n');
}

/** `2 bans, 14 blocked` or `-` for a group-keyed jail. */
function verdict(v: ReportGroupVerdict): string {
  if (v.bans === 0) return NO_VALUE;
  return `${plural(v.bans, 'ban')}, ${count(v.blocked)} blocked`;
}

/** Up to `max` cleaned items joined by commas, then `+N` for the rest (of `total` when given). */
function listOf(items: readonly string[], max: number, total = items.length): string {
  const shown = items.slice(0, max).map((x) => (x === '' ? '(empty)' : clean(x, MAX_NAME)));
  const rest = total - shown.length;
  return rest > 0 ? `${shown.join(', ')} +${count(rest)}` : shown.join(', ');
}

// ---- layout ---------------------------------------------------------------------------------

/** Lays out cells (already sanitised, colour-free except deliberate styling) to fit ctx.width. */
export function drawTable(columns: readonly Column[], rows: readonly string[][], ctx: Ctx): string {
  const { keep, widths, headers } = fitColumns(columns, rows, ctx.width);
  const body = rows.map((row) =>
    // Paths lose their start, not their file name; other cells are cut at their end with '…'.
    keep.map((c, k) => (columns[c]?.keepEnd === true ? fitStart(row[c] ?? '', widths[k] ?? 0) : (row[c] ?? ''))),
  );
  const shape = { widths, aligns: keep.map((c) => columns[c]!.align) };
  return drawRows([headers.map((h) => ctx.c.bold(h)), ...body], shape);
}

// ---- helpers --------------------------------------------------------------------------------

/** A section title. */
export function title(ctx: Ctx, text: string): string {
  return ctx.c.bold.underline(text);
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
  for (const x of report.collateral ?? []) {
    add(x.lastSuccess);
    add(x.firstBan);
  }
  for (const x of report.compromises ?? []) add(x.time);
  const accounts = report.accounts ?? [];
  for (const a of [...accounts.filter((x) => x.exists), ...accounts.filter((x) => !x.exists).slice(0, top)]) {
    add(a.first);
    add(a.last);
  }
  const br = report.belowRadar;
  for (const g of br === undefined ? [] : [...br.networks.slice(0, top), ...br.asns.slice(0, top), ...br.spraying.slice(0, top)]) {
    add(g.first);
    add(g.last);
  }
  return times;
}
