// Renders the report as CSV (RFC 4180: comma, CRLF, header row) for spreadsheets (#8):
// `renderCsvIps` one row per address, `renderCsvBans` one row per would-be ban. Every text
// cell is quoted and defused against formula injection (forCsvCell) after control
// characters are stripped; numbers are written bare. Pure and deterministic.

import type { EpochMs, Report } from '../types.js';
import { allBans } from './report-digest.js';
import { forCsvCell, forTerminal } from './sanitize.js';

/** Options for the CSV renderers. */
export interface RenderCsvOptions {
  /** ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
}

const EOL = '\r\n';

/** Column names of `renderCsvIps`. */
export const CSV_IP_COLUMNS = [
  'ip',
  'country',
  'asn',
  'org',
  'failures',
  'blocked',
  'bans',
  'jails',
  'first_ban',
  'last_ban',
  'first',
  'last',
  'usernames',
] as const;

/** Column names of `renderCsvBans`. */
export const CSV_BAN_COLUMNS = ['jail', 'ip', 'country', 'asn', 'start', 'end', 'failures', 'blocked'] as const;

/** One row per address with failures (the report's order: busiest first). */
export function renderCsvIps(report: Report, options: RenderCsvOptions): string {
  const t = timeCell(options.formatTime);
  const rows = report.ips.map((ip) => [
    text(ip.ip),
    optText(ip.country),
    num(ip.asn),
    optText(ip.org),
    num(ip.failures),
    num(ip.blocked),
    num(ip.bans),
    text(ip.jails.join(' ')),
    t(ip.firstBan),
    t(ip.lastBan),
    t(ip.first),
    t(ip.last),
    // `;` rather than `,`: a username may hold a comma, and the cell stays readable.
    text(ip.usernames.join('; ')),
  ]);
  return table(CSV_IP_COLUMNS, rows);
}

/** One row per would-be ban, in start order; `end` is empty for a permanent ban. */
export function renderCsvBans(report: Report, options: RenderCsvOptions): string {
  const t = timeCell(options.formatTime);
  const byIp = new Map(report.ips.map((ip) => [ip.ip, ip]));
  const rows = allBans(report).map((b) => {
    const ip = byIp.get(b.id);
    return [text(b.jail), text(b.id), optText(ip?.country), num(ip?.asn), t(b.start), t(b.end), num(b.failures), num(b.blocked)];
  });
  return table(CSV_BAN_COLUMNS, rows);
}

function table(columns: readonly string[], rows: string[][]): string {
  return [columns.join(','), ...rows.map((r) => r.join(','))].join(EOL) + EOL;
}

/** A text cell: controls stripped (a CSV is often printed), quoted, formulas defused. */
function text(s: string): string {
  return forCsvCell(forTerminal(s));
}

function optText(s: string | undefined): string {
  return s === undefined ? '' : text(s);
}

function num(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '' : String(n);
}

function timeCell(formatTime: (ms: EpochMs) => string): (ms: EpochMs | undefined) => string {
  return (ms) => (ms === undefined ? '' : formatTime(ms));
}
