// Renders `banreplay timeline` as terminal text (a header per address, then one row per event
// with its log line underneath) or as one JSON document. Pure; log text goes through the same
// terminal sanitising as the audit table, and JSON escapes terminal-active characters.
import type { ChalkInstance } from 'chalk';
import type { EpochMs, TimelineAddress, TimelineEvent, TimelineReport } from '../types.js';
import { makeTimeDisplay } from './display-time.js';
import { count, plural } from './count-text.js';
import { drawTable, title, type Column, type Ctx } from './render-table.js';
import { INDENT } from './text-table.js';
import { fitEnd } from './text-width.js';
import { forTerminalCell as clean, toSafeJson } from './sanitize.js';

/** Options of renderTimelineTable. */
export interface RenderTimelineOptions {
  chalk: ChalkInstance;
  formatTime: (ms: EpochMs) => string;
  /** Target line width (default 100). */
  width?: number;
}

const NO_VALUE = '-';
const MAX_NAME = 48;
const MAX_ID = 45;

const EVENT_TEXT: Record<TimelineEvent['kind'], string> = {
  failure: 'failure',
  blocked: 'blocked',
  success: 'login',
  ban: 'BAN',
  unban: 'unban',
};

/** The timeline as terminal text ending with a newline. */
export function renderTimelineTable(t: TimelineReport, options: RenderTimelineOptions): string {
  const times: EpochMs[] = t.events.map((e) => e.time);
  for (const a of t.addresses) times.push(a.first, a.last);
  const ctx: Ctx = {
    c: options.chalk,
    width: Math.max(40, options.width ?? 100),
    top: 0,
    time: makeTimeDisplay(times, options.formatTime),
  };
  const { c } = ctx;
  const out: string[] = [title(ctx, `Timeline of ${clean(t.target, MAX_ID + 4)}`)];
  if (ctx.time.note !== undefined) out.push(`${INDENT}Times in ${ctx.time.note}`);
  out.push(`${INDENT}${plural(t.files.length, 'file')} read`);
  if (t.events.length === 0) {
    out.push(`${INDENT}No failure, login or ban of ${clean(t.target, MAX_ID + 4)} in these logs.`);
    return out.join('\n') + '\n';
  }
  out.push('');
  if (t.addresses.length === 1) out.push(addressLine(t.addresses[0]!, ctx));
  else out.push(addressTable(t.addresses, ctx));

  const many = t.addresses.length > 1;
  const columns: Column[] = [{ header: 'Time', align: 'left' }];
  if (many) columns.push({ header: 'IP', align: 'left' });
  columns.push(
    { header: 'Event', align: 'left' },
    { header: 'Jails', align: 'left', min: 6 },
    { header: 'Service', align: 'left', min: 8 },
    { header: 'User', align: 'left', min: 8 },
    { header: 'Where', align: 'left', min: 10 },
  );
  const rows = t.events.map((e) => {
    const row = [ctx.time.show(e.time)];
    if (many) row.push(clean(e.ip, MAX_ID));
    const kind = EVENT_TEXT[e.kind];
    row.push(
      e.kind === 'ban' ? c.red.bold(kind) : e.kind === 'success' ? c.green(kind) : e.kind === 'blocked' ? c.yellow(kind) : kind,
      e.jails.map((j) => clean(j, MAX_NAME)).join(', '),
      e.service === undefined ? NO_VALUE : clean(e.service, MAX_NAME),
      e.user === undefined ? NO_VALUE : e.user === '' ? '(empty)' : clean(e.user, MAX_NAME),
      where(e),
    );
    return row;
  });
  const table = drawTable(columns, rows, ctx).split('\n');
  // Row k of the table is line k + 1 (after the header); each log line goes right under its row.
  const body = [table[0]!];
  t.events.forEach((e, k) => {
    body.push(table[k + 1] ?? '');
    if (e.kind === 'ban') {
      const until = e.end === undefined ? 'permanent ban' : `banned until ${ctx.time.show(e.end)}`;
      body.push(`${INDENT}${INDENT}${until}: ${plural(e.failures ?? 0, 'failure')} triggered it; ${plural(e.blocked ?? 0, 'attempt')} blocked during it`);
    } else if (e.text !== undefined) {
      const room = Math.max(20, ctx.width - INDENT.length * 2);
      const text = clean(e.text, room * 2);
      body.push(`${INDENT}${INDENT}${c.dim(fitEnd(text, room))}`);
    }
  });
  out.push('', ...body);
  return out.join('\n') + '\n';
}

/** The timeline as one JSON document (2-space indent) ending with a newline. */
export function renderTimelineJson(t: TimelineReport, options: { formatTime: (ms: EpochMs) => string }): string {
  const time = (ms: EpochMs | undefined): string | null => (ms === undefined ? null : options.formatTime(ms));
  const doc = {
    schema: 1,
    kind: 'timeline',
    target: t.target,
    span: { first: time(t.span.first), last: time(t.span.last) },
    files: t.files.map((f) => ({ path: f.path, gzip: f.gzip, lines: f.lines, first: time(f.first), last: time(f.last) })),
    addresses: t.addresses.map((a) => ({
      ip: a.ip,
      country: a.country ?? null,
      asn: a.asn ?? null,
      org: a.org ?? null,
      failures: a.failures,
      blocked: a.blocked,
      successes: a.successes,
      bans: a.bans,
      first: options.formatTime(a.first),
      last: options.formatTime(a.last),
    })),
    events: t.events.map((e) => ({
      time: options.formatTime(e.time),
      kind: e.kind,
      ip: e.ip,
      jails: [...e.jails],
      service: e.service ?? null,
      user: e.user ?? null,
      file: e.file ?? null,
      line: e.line ?? null,
      text: e.text ?? null,
      failures: e.failures ?? null,
      end: time(e.end),
      blocked: e.blocked ?? null,
    })),
    geoip:
      t.geoip === undefined
        ? null
        : {
            database: t.geoip.database,
            buildDate: t.geoip.buildDate ?? null,
            asn: t.geoip.asn === undefined ? null : { database: t.geoip.asn.database, buildDate: t.geoip.asn.buildDate ?? null },
          },
  };
  return toSafeJson(doc, 2) + '\n';
}


function addressLine(a: TimelineAddress, ctx: Ctx): string {
  const parts = [ctx.c.bold(clean(a.ip, MAX_ID))];
  if (a.country !== undefined) parts.push(clean(a.country, 8));
  if (a.asn !== undefined) parts.push(`AS${a.asn}${a.org === undefined ? '' : ` ${clean(a.org, MAX_NAME)}`}`);
  const tallies =
    `${plural(a.failures, 'failure')}, ${count(a.blocked)} blocked, ${plural(a.successes, 'login')}, ${plural(a.bans, 'ban')}; ` +
    `${ctx.time.show(a.first)} → ${ctx.time.show(a.last)}`;
  return `${INDENT}${parts.join('  ')}\n${INDENT}${INDENT}${tallies}`;
}

/** One row per address of a network, most events first. */
function addressTable(addresses: readonly TimelineAddress[], ctx: Ctx): string {
  const columns: Column[] = [
    { header: 'IP', align: 'left' },
    { header: 'Country', short: 'CC', align: 'left' },
    { header: 'ASN', align: 'left', min: 8 },
    { header: 'Failures', short: 'Fails', align: 'right' },
    { header: 'Blocked', align: 'right' },
    { header: 'Logins', align: 'right' },
    { header: 'Bans', align: 'right' },
    { header: 'First', align: 'left' },
    { header: 'Last', align: 'left' },
  ];
  const rows = addresses.map((a) => [
    clean(a.ip, MAX_ID),
    a.country === undefined ? NO_VALUE : clean(a.country, 8),
    a.asn === undefined ? NO_VALUE : `AS${a.asn}${a.org === undefined ? '' : ` ${clean(a.org, MAX_NAME)}`}`,
    count(a.failures),
    count(a.blocked),
    count(a.successes),
    count(a.bans),
    ctx.time.show(a.first),
    ctx.time.show(a.last),
  ]);
  return `${INDENT}${ctx.c.bold(plural(addresses.length, 'address', 'addresses'))}\n${drawTable(columns, rows, ctx)}`;
}

function where(e: TimelineEvent): string {
  if (e.file === undefined) return NO_VALUE;
  const base = e.file.slice(e.file.lastIndexOf('/') + 1);
  return `${clean(base, 80)}:${e.line ?? 0}`;
}

