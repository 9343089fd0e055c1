// The plain-text part of the mail report (#8): a compact digest laid out for a terminal mail
// client, every line at most 78 columns — summary, collateral, possible compromises, the
// busiest would-be bans, top usernames, countries and networks, what slipped below the radar.
// Log-derived strings are stripped of control characters and cut by display width. Pure.

import type { EpochMs, Report } from '../types.js';
import { count, plural } from './count-text.js';
import { makeTimeDisplay } from './display-time.js';
import { formatDuration } from './format-duration.js';
import { bannedIps, reportPeriod, topAsns, topCountries } from './report-digest.js';
import { forTerminal, forTerminalCell as clean } from './sanitize.js';
import { drawRows, fitColumns } from './text-table.js';
import { displayWidth } from './text-width.js';

/** Options for `renderMailText`. */
export interface RenderMailTextOptions {
  formatTime: (ms: EpochMs) => string;
  /** Rows of the username, country and network lists (default 15). */
  top?: number;
  /** Rows of the bans list (default 25). */
  maxBans?: number;
  /** First line(s): the subject, repeated as a heading. */
  heading?: string;
}

/** Widest line written. */
export const MAIL_TEXT_WIDTH = 78;

interface Col {
  header: string;
  right?: boolean;
  /** Dropped (last first) when the table is too wide. */
  optional?: boolean;
}

/** Renders the digest, ending with a newline; no line is wider than 78 columns. */
export function renderMailText(report: Report, options: RenderMailTextOptions): string {
  const top = Math.max(0, Math.floor(options.top ?? 15));
  const { from, to } = reportPeriod(report);
  const shown: EpochMs[] = [];
  if (from !== undefined) shown.push(from);
  if (to !== undefined) shown.push(to);
  for (const ip of report.ips) if (ip.firstBan !== undefined) shown.push(ip.firstBan);
  const time = makeTimeDisplay(shown, options.formatTime);
  const t = (ms: EpochMs): string => minutes(time.show(ms));
  const out: string[] = [];
  if (options.heading !== undefined) out.push(...wrapLine(forTerminal(options.heading), MAIL_TEXT_WIDTH), '');

  // Summary
  const s = report.stats;
  const row = (label: string, text: string): void => {
    out.push(...wrapLine(`${label.padEnd(11)}${text}`, MAIL_TEXT_WIDTH, 11));
  };
  row('Period', from === undefined || to === undefined ? 'no dated events' : `${t(from)} to ${t(to)}${time.note === undefined ? '' : ` (${time.note})`}`);
  if (report.window !== undefined) row('Window', 'only events inside it are counted; earlier logs were replayed for state');
  row('Read', `${count(s.lines)} lines from ${plural(s.files, 'file')}`);
  const perJail = report.jails.filter((j) => j.failures > 0).map((j) => `${clean(j.name, 24)} ${count(j.failures)}`).join(', ');
  row('Failures', `${count(s.failures)}${perJail === '' ? '' : ` (${perJail})`}`);
  row('Bans', `${plural(s.banEvents, 'ban')} of ${plural(s.bannedIps, 'address', 'addresses')}; ${plural(s.blocked, 'attempt')} blocked while banned`);
  if (s.successes > 0) row('Logins', `${count(s.successes)} successful`);
  const jailSettings = report.jails.map((j) => `${clean(j.name, 24)} ${j.maxretry}/${formatDuration(j.findtime)}/${formatDuration(j.bantime)}`).join(', ');
  if (jailSettings !== '') row('Jails', `${jailSettings} (maxretry/findtime/bantime)`);
  for (const f of report.files) for (const w of f.warnings) row('Warning', `${clean(f.path, 40)}: ${clean(w, 120)}`);

  const collateral = report.collateral ?? [];
  if (collateral.length > 0) {
    section(out, `COLLATERAL: ${plural(collateral.length, 'banned address', 'banned addresses')} also logged in`);
    out.push(
      ...table(
        [{ header: 'Address' }, { header: 'CC' }, { header: 'Logins', right: true }, { header: 'Logged in as' }, { header: 'Last login', optional: true }],
        collateral.slice(0, top).map((c) => [clean(c.ip, 45), c.country ?? '-', count(c.logins), clean(c.users.slice(0, 3).join(', '), 30), t(c.lastSuccess)]),
      ),
    );
  }

  const compromises = report.compromises ?? [];
  if (compromises.length > 0) {
    section(out, `POSSIBLE COMPROMISES: ${plural(compromises.length, 'login')} from suspicious addresses`);
    out.push(
      ...table(
        [{ header: 'Account' }, { header: 'Address' }, { header: 'CC' }, { header: 'First login', optional: true }],
        compromises.slice(0, top).map((c) => [clean(c.user, 28), clean(c.ip, 45), c.country ?? '-', t(c.time)]),
      ),
    );
  }

  const banned = bannedIps(report);
  const maxBans = Math.max(0, Math.floor(options.maxBans ?? 25));
  section(out, banned.length === 0 ? 'WOULD-BE BANS: none' : `WOULD-BE BANS: ${banned.length > maxBans ? `the busiest ${maxBans} of ` : ''}${plural(banned.length, 'address', 'addresses')}`);
  if (banned.length > 0) {
    out.push(
      ...table(
        [
          { header: 'Address' },
          { header: 'CC' },
          { header: 'Bans', right: true },
          { header: 'Fails', right: true },
          { header: 'Blocked', right: true },
          { header: 'First ban', optional: true },
        ],
        banned.slice(0, maxBans).map((ip) => [
          clean(ip.ip, 45),
          ip.country ?? '-',
          count(ip.bans),
          count(ip.failures),
          count(ip.blocked),
          ip.firstBan === undefined ? '-' : t(ip.firstBan),
        ]),
      ),
    );
  }

  const users = report.usernames.slice(0, top);
  if (users.length > 0) {
    section(out, `TOP USERNAMES: ${users.length} of ${count(report.usernames.length)}`);
    out.push(...table([{ header: 'Username' }, { header: 'Attempts', right: true }, { header: 'Addresses', right: true }], users.map((u) => [clean(u.name, 40), count(u.attempts), count(u.ips)])));
  }

  const countries = report.geoip === undefined ? [] : topCountries(report, top);
  if (countries.length > 0) {
    section(out, 'TOP COUNTRIES');
    out.push(...table([{ header: 'CC' }, { header: 'Attempts', right: true }, { header: 'Addresses', right: true }, { header: 'Banned', right: true }], countries.map((c) => [clean(c.key, 8), count(c.attempts), count(c.addresses), count(c.banned)])));
  }
  const asns = topAsns(report, top);
  if (asns.length > 0) {
    section(out, 'TOP NETWORKS');
    out.push(
      ...table(
        [{ header: 'ASN' }, { header: 'Organisation' }, { header: 'Attempts', right: true }, { header: 'Addresses', right: true }],
        asns.map((a) => [a.key, clean(a.label ?? '-', 30), count(a.attempts), count(a.addresses)]),
      ),
    );
  }

  const radar = report.belowRadar;
  if (radar !== undefined && radar.failures > 0) {
    section(out, `BELOW THE RADAR: ${count(radar.failures)} failures from ${plural(radar.addresses, 'never-banned address', 'never-banned addresses')}`);
    const groups = [...radar.networks, ...radar.asns, ...radar.spraying].slice(0, top);
    if (groups.length > 0) {
      out.push(
        ...table(
          [{ header: 'Group' }, { header: 'Addresses', right: true }, { header: 'Attempts', right: true }, { header: 'Group jail', optional: true }],
          groups.map((g) => [
            clean(g.kind === 'username' ? `user ${g.key}` : g.key, 40),
            count(g.addresses),
            count(g.attempts),
            g.caught.bans > 0 ? `${g.caught.bans} ban(s)` : 'no ban',
          ]),
        ),
      );
    }
  }
  out.push('', '-- ', 'banreplay: what fail2ban would have done, replayed from the logs alone.');
  return out.flatMap((l) => wrapLine(l, MAIL_TEXT_WIDTH)).join('\n') + '\n';
}

/**
 * Splits one line into pieces of at most `width` columns, at a space when there is one;
 * continuation lines are indented by `hang` columns (default: the line's indent + 2).
 */
export function wrapLine(line: string, width: number, hang?: number): string[] {
  if (displayWidth(line) <= width) return [line];
  const out: string[] = [];
  const indent = /^ */.exec(line)?.[0].length ?? 0;
  const pad = ' '.repeat(Math.min(hang ?? indent + 2, Math.floor(width / 3)));
  let rest = line;
  while (displayWidth(rest) > width) {
    let cols = 0;
    let cut = 0;
    let lastSpace = -1;
    for (const ch of rest) {
      const w = displayWidth(ch);
      if (cols + w > width) break;
      cols += w;
      cut += ch.length;
      if (ch === ' ' && cut > pad.length + 1) lastSpace = cut;
    }
    const at = lastSpace > width / 2 ? lastSpace : Math.max(cut, 1);
    out.push(rest.slice(0, at).trimEnd());
    rest = pad + rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

function section(out: string[], title: string): void {
  out.push('', title);
}

// Columns padded by display width; optional columns dropped from the right until it fits.
function table(cols: readonly Col[], rows: readonly string[][]): string[] {
  const columns = cols.map((c) => ({ header: c.header, align: c.right === true ? ('right' as const) : ('left' as const), optional: c.optional }));
  const { keep, widths, headers } = fitColumns(columns, rows, MAIL_TEXT_WIDTH);
  const pick = (cells: readonly string[]): string[] => keep.map((i) => cells[i] ?? '');
  return drawRows([headers, ...rows.map(pick)], { widths, aligns: keep.map((i) => columns[i]!.align) }).split('\n');
}


function minutes(s: string): string {
  return s.replace(/(\d{2}:\d{2}):\d{2}/, '$1');
}

