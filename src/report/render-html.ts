// Renders the report as one self-contained HTML file (#8): inline CSS, server-drawn SVG
// charts and a small script that only adds sorting and filtering, so every number is there
// without JavaScript (mail clients strip scripts). A Content-Security-Policy with hashes of
// the inline style and script forbids every network request. Every string from a log goes
// through forTerminal + forHtml; the script reads cells with textContent, never innerHTML.

import { createHash } from 'node:crypto';
import type { EpochMs, Report, ReportBelowRadar, ReportIp, ReportRadarGroup } from '../types.js';
import { count, plural } from './count-text.js';
import { makeTimeDisplay, type TimeDisplay } from './display-time.js';
import type { FailureSeries } from './failure-series.js';
import { formatDuration } from './format-duration.js';
import { bannedIps, reportPeriod, topAsns, topCountries, type GroupRow } from './report-digest.js';
import { forHtml, forTerminal, truncate } from './sanitize.js';

/** Options for `renderHtml`. */
export interface RenderHtmlOptions {
  /** ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
  /** Failures per jail over time; no charts without it. */
  series?: FailureSeries | undefined;
  /** Host the logs came from, for the title. */
  host?: string | undefined;
  /** Rows in the top-username, country and ASN tables (default 15). */
  top?: number;
  /** Most rows of the bans table (default: all); the rest is counted in a note. */
  maxRows?: number;
  /** Include the sorting/filtering script (default true; false for mail). */
  script?: boolean;
  /** banreplay's version, for the footer. */
  version?: string | undefined;
}

const MAX_NAME = 64;
const MAX_TEXT = 200;

// Jail colours for the charts (colour-blind-safe palette, Okabe–Ito).
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

const CSS = `
:root{color-scheme:light dark;--fg:#1d232a;--muted:#5b6570;--bg:#fff;--card:#f5f7f9;--line:#d9dee3;--ban:#d62728;--accent:#0072b2}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8ec;--muted:#9aa5b1;--bg:#15191d;--card:#1f252b;--line:#333c45;--accent:#56b4e9}}
*{box-sizing:border-box}
body{margin:0;padding:1.5rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1.25rem 0 .4rem}
p.meta,.note{color:var(--muted);margin:.25rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.card{background:var(--card);border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.4rem}
.card span{color:var(--muted)}
.alert{border-left:4px solid var(--ban);padding-left:.75rem}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.25rem 0 .75rem;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.3rem .55rem;border-bottom:1px solid var(--line);vertical-align:baseline}
th{font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right}
td.ip,td.t{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
th button{all:unset;cursor:pointer;font:inherit}
th button:focus-visible{outline:2px solid var(--accent)}
td.nw{white-space:nowrap}
.org{color:var(--muted);font-size:.88em}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
svg.bar{width:8rem;height:.7rem;vertical-align:middle}
svg.bar rect{fill:var(--accent)}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{fill:var(--muted);font-size:11px}
svg.chart .axis{stroke:var(--line)}
svg.chart .ban{fill:var(--ban);fill-opacity:.14}
svg.chart .banmark{fill:var(--ban)}
.legend{color:var(--muted);font-size:.9em}
.legend i{display:inline-block;width:.8em;height:.8em;margin:0 .25em 0 .75em;vertical-align:-.05em}
.legend .sw-f{background:var(--accent)}.legend .sw-b{background:var(--accent);opacity:.45}.legend .sw-ban{background:var(--ban);opacity:.3}
input.filter{font:inherit;padding:.3rem .5rem;margin:.25rem 0;width:min(100%,22rem);color:inherit;background:var(--card);border:1px solid var(--line);border-radius:4px}
footer{margin-top:2.5rem;color:var(--muted);font-size:.85em}
@media print{body{padding:0}input.filter{display:none}}
`;

// Progressive enhancement only: header buttons that sort, a box that filters rows.
const SCRIPT = `
(function () {
  'use strict';
  function key(row, col, numeric) {
    var cell = row.cells[col];
    if (!cell) return numeric ? -Infinity : '';
    var v = cell.getAttribute('data-sort');
    if (v === null) v = cell.textContent || '';
    if (!numeric) return v.toLowerCase();
    var n = Number(v);
    return isNaN(n) ? -Infinity : n;
  }
  function sortBy(table, th, col) {
    var numeric = th.getAttribute('data-type') === 'num';
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var heads = th.parentNode.cells;
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col, numeric), y = key(b, col, numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
    });
    for (var r = 0; r < rows.length; r++) body.appendChild(rows[r]);
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = th.textContent;
      button.title = 'Sort by ' + th.textContent;
      th.textContent = '';
      th.appendChild(button);
      button.addEventListener('click', function () { sortBy(table, th, col); });
    });
    if (!table.hasAttribute('data-filter')) return;
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'filter';
    input.placeholder = 'Filter rows (address, country, jail, username)';
    input.setAttribute('aria-label', 'Filter rows');
    input.addEventListener('input', function () {
      var q = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = q !== '' && (row.textContent || '').toLowerCase().indexOf(q) < 0;
      });
    });
    var wrap = table.parentNode;
    wrap.parentNode.insertBefore(input, wrap);
  });
  document.documentElement.setAttribute('data-ready', '1');
})();
`;

interface Ctx {
  time: TimeDisplay;
  formatTime: (ms: EpochMs) => string;
  top: number;
}

/** Renders the whole report as an HTML document ending with a newline. */
export function renderHtml(report: Report, options: RenderHtmlOptions): string {
  const withScript = options.script ?? true;
  const { from, to } = reportPeriod(report);
  const ctx: Ctx = {
    time: makeTimeDisplay(collectTimes(report, from, to), options.formatTime),
    formatTime: options.formatTime,
    top: Math.max(0, Math.floor(options.top ?? 15)),
  };
  const host = options.host === undefined ? undefined : truncate(forTerminal(options.host), MAX_NAME);
  const period = from === undefined || to === undefined ? 'no dated events' : `${ctx.time.show(from)} – ${ctx.time.show(to)}`;
  const title = `banreplay report${host === undefined ? '' : ` — ${host}`} — ${period}`;

  const csp = [
    "default-src 'none'",
    `style-src 'sha256-${sha256(CSS)}'`,
    withScript ? `script-src 'sha256-${sha256(SCRIPT)}'` : "script-src 'none'",
    'img-src data:',
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');

  const sections = [
    renderSummary(report, host, period),
    renderCollateral(report, ctx),
    renderCompromises(report, ctx),
    renderCharts(report, options.series, ctx),
    renderBans(report, ctx, options.maxRows),
    renderUsernames(report, ctx),
    renderOrigins(report, ctx),
    renderBelowRadar(report.belowRadar, ctx),
    renderInputs(report, ctx),
  ].filter((s) => s !== '');

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...sections,
    `<footer>Generated by banreplay${options.version === undefined ? '' : ` ${esc(options.version)}`} from the logs alone: these bans are what fail2ban would have done, not what it did. Times in ${esc(ctx.time.note ?? 'the offsets shown')}.</footer>`,
    '</main>',
    ...(withScript ? [`<script>${SCRIPT}</script>`] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

// ---- sections -------------------------------------------------------------------------------

function renderSummary(report: Report, host: string | undefined, period: string): string {
  const s = report.stats;
  const banned = bannedIps(report);
  const card = (value: number, label: string): string => `<div class="card"><b>${count(value)}</b><span>${esc(label)}</span></div>`;
  const jails = report.jails
    .map(
      (j) =>
        `<tr><td>${esc(j.name)}</td><td>${esc(j.filter)}</td><td class="n">${j.maxretry}</td><td class="n">${esc(formatDuration(j.findtime))}</td>` +
        `<td class="n">${esc(formatDuration(j.bantime))}</td><td class="n">${count(j.failures)}</td><td class="n">${count(j.ids)}</td><td class="n">${count(j.bans.length)}</td></tr>`,
    )
    .join('\n');
  const collateral = report.collateral?.length ?? 0;
  return [
    '<header>',
    `<h1>Would-be fail2ban bans${host === undefined ? '' : ` on ${esc(host)}`}</h1>`,
    `<p class="meta">${esc(period)}${report.window === undefined ? ' (whole logs)' : ''} · ${count(s.lines)} lines from ${plural(s.files, 'file')}</p>`,
    '</header>',
    '<section id="summary">',
    '<h2>Summary</h2>',
    '<div class="cards">',
    card(s.banEvents, 'would-be bans'),
    card(banned.length, 'addresses banned'),
    card(s.failures, 'failures'),
    card(s.blocked, 'attempts blocked while banned'),
    card(s.successes, 'successful logins'),
    collateral > 0 ? card(collateral, 'banned addresses that also logged in') : '',
    '</div>',
    report.jails.length === 0
      ? ''
      : '<div class="wrap"><table><thead><tr><th>Jail</th><th>Filter</th><th class="n">maxretry</th><th class="n">findtime</th><th class="n">bantime</th><th class="n">Failures</th><th class="n">Addresses</th><th class="n">Bans</th></tr></thead>\n<tbody>\n' +
        jails +
        '\n</tbody></table></div>',
    '</section>',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function renderCollateral(report: Report, ctx: Ctx): string {
  const rows = report.collateral ?? [];
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (c) =>
        `<tr><td class="ip">${esc(c.ip)}</td><td>${opt(c.country)}</td><td>${esc(c.users.slice(0, 5).map((u) => truncate(forTerminal(u), MAX_NAME)).join(', '))}</td>` +
        `<td class="n">${count(c.logins)}</td><td class="t" data-sort="${c.lastSuccess}">${esc(ctx.time.show(c.lastSuccess))}</td><td class="n">${count(c.loginsDuringBan)}</td>` +
        `<td>${esc(c.jails.join(', '))}</td><td class="n">${count(c.bans)}</td><td class="t" data-sort="${c.firstBan}">${esc(ctx.time.show(c.firstBan))}</td></tr>`,
    )
    .join('\n');
  return [
    '<section id="collateral" class="alert">',
    '<h2>Collateral: bans that would have locked out real users</h2>',
    `<p class="note">${plural(rows.length, 'banned address', 'banned addresses')} also logged in successfully.</p>`,
    '<div class="wrap"><table class="sortable"><thead><tr><th>Address</th><th>Country</th><th>Logged in as</th><th class="n" data-type="num">Logins</th><th data-type="num">Last login</th><th class="n" data-type="num">During a ban</th><th>Jails</th><th class="n" data-type="num">Bans</th><th data-type="num">First ban</th></tr></thead>',
    `<tbody>\n${body}\n</tbody></table></div>`,
    '</section>',
  ].join('\n');
}

function renderCompromises(report: Report, ctx: Ctx): string {
  const rows = report.compromises ?? [];
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (c) =>
        `<tr><td>${name(c.user)}</td><td class="ip">${esc(c.ip)}</td><td>${opt(c.country)}</td><td class="t" data-sort="${c.time}">${esc(ctx.time.show(c.time))}</td>` +
        `<td class="n">${count(c.logins)}</td><td>${esc(c.reasons.join(', '))}</td><td class="n">${count(c.priorFailures)}</td><td class="n">${count(c.burstFailures)}</td><td>${c.banned ? 'yes' : 'no'}</td></tr>`,
    )
    .join('\n');
  return [
    '<section id="compromises" class="alert">',
    '<h2>Possible compromises</h2>',
    '<p class="note">Successful logins from addresses that had failed before, or right after a burst of failures on the same account.</p>',
    '<div class="wrap"><table class="sortable"><thead><tr><th>Account</th><th>Address</th><th>Country</th><th data-type="num">First login</th><th class="n" data-type="num">Logins</th><th>Why</th><th class="n" data-type="num">Prior failures</th><th class="n" data-type="num">Burst failures</th><th>Banned</th></tr></thead>',
    `<tbody>\n${body}\n</tbody></table></div>`,
    '</section>',
  ].join('\n');
}

function renderCharts(report: Report, series: FailureSeries | undefined, ctx: Ctx): string {
  const out = ['<section id="timeline">', '<h2>Failures over time</h2>'];
  const active = report.jails.map((j, i) => ({ j, i })).filter(({ j }) => j.failures > 0 || j.bans.length > 0);
  if (series === undefined || active.length === 0) {
    out.push('<p class="note">No dated failures to chart.</p>', '</section>');
    return out.join('\n');
  }
  out.push(
    `<p class="legend">Bars: failures per ${esc(formatDuration(series.bucketMs / 1000))}<i class="sw-f"></i>counted<i class="sw-b"></i>blocked during a ban<i class="sw-ban"></i>ban periods (at least one address banned)</p>`,
  );
  for (const { j, i } of active) {
    const data = series.jails[i];
    if (data === undefined) continue;
    out.push(`<h3>${esc(j.name)} <span class="note">${count(j.failures)} failures, ${plural(j.bans.length, 'ban')}</span></h3>`);
    out.push(chartSvg(j.name, data, j.bans, series, PALETTE[i % PALETTE.length] ?? '#0072b2', ctx));
  }
  out.push('</section>');
  return out.join('\n');
}

function chartSvg(
  jail: string,
  data: { failures: number[]; blocked: number[] },
  bans: ReadonlyArray<{ start: EpochMs; end: EpochMs | undefined }>,
  series: FailureSeries,
  colour: string,
  ctx: Ctx,
): string {
  const W = 760;
  const H = 150;
  const left = 44;
  const right = 8;
  const top = 8;
  const bottom = 22;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const t0 = series.start;
  const t1 = series.start + series.buckets * series.bucketMs;
  const x = (t: EpochMs): number => left + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * plotW;
  const max = Math.max(1, ...data.failures);
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(`Failures over time, jail ${jail}`)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(`<title>${esc(`Failures over time, jail ${jail}`)}</title>`);
  // Ban periods: the union of every ban of the jail, behind the bars.
  for (const [s, e] of unionIntervals(bans, t1)) {
    const bx = x(s);
    const bw = Math.max(1, x(e) - bx);
    parts.push(`<rect class="ban" x="${fx(bx)}" y="${top}" width="${fx(bw)}" height="${plotH}" fill="#d62728" fill-opacity="0.14"><title>${esc(`banned ${ctx.time.show(s)} – ${ctx.time.show(e)}`)}</title></rect>`);
    parts.push(`<rect class="banmark" x="${fx(bx)}" y="${top + plotH + 1}" width="${fx(bw)}" height="3" fill="#d62728"/>`);
  }
  const bw = plotW / series.buckets;
  for (let b = 0; b < series.buckets; b++) {
    const f = data.failures[b] ?? 0;
    if (f === 0) continue;
    const blocked = data.blocked[b] ?? 0;
    const h = (f / max) * plotH;
    const hb = (blocked / max) * plotH;
    const bx = left + b * bw;
    const tip = `${ctx.time.show(series.start + b * series.bucketMs)}: ${f} failure${f === 1 ? '' : 's'}${blocked > 0 ? `, ${blocked} blocked` : ''}`;
    parts.push(
      `<g><title>${esc(tip)}</title><rect x="${fx(bx + 0.5)}" y="${fx(top + plotH - h)}" width="${fx(Math.max(0.8, bw - 1))}" height="${fx(h - hb)}" fill="${colour}"/>` +
        (blocked > 0 ? `<rect x="${fx(bx + 0.5)}" y="${fx(top + plotH - hb)}" width="${fx(Math.max(0.8, bw - 1))}" height="${fx(hb)}" fill="${colour}" fill-opacity="0.45"/>` : '') +
        '</g>',
    );
  }
  // Axes: the maximum on the left, a few dates along the bottom.
  parts.push(`<line class="axis" x1="${left}" y1="${top + plotH}" x2="${W - right}" y2="${top + plotH}" stroke="#d9dee3"/>`);
  parts.push(`<text x="${left - 6}" y="${top + 10}" text-anchor="end" fill="#5b6570">${max}</text>`);
  parts.push(`<text x="${left - 6}" y="${top + plotH}" text-anchor="end" fill="#5b6570">0</text>`);
  const ticks = 4;
  for (let k = 0; k <= ticks; k++) {
    const t = t0 + ((t1 - t0) * k) / ticks;
    const anchor = k === 0 ? 'start' : k === ticks ? 'end' : 'middle';
    parts.push(`<text x="${fx(left + (plotW * k) / ticks)}" y="${H - 4}" text-anchor="${anchor}" fill="#5b6570">${esc(shortTime(ctx.time.show(t)))}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function renderBans(report: Report, ctx: Ctx, maxRows: number | undefined): string {
  const banned = bannedIps(report);
  const out = ['<section id="bans">', '<h2>Would-be bans</h2>'];
  if (banned.length === 0) {
    out.push('<p class="note">No address would have been banned.</p>', '</section>');
    return out.join('\n');
  }
  const limit = maxRows === undefined ? banned.length : Math.max(0, Math.floor(maxRows));
  const shown = banned.slice(0, limit);
  const hasGeo = report.geoip !== undefined;
  const hasAsn = banned.some((ip) => ip.asn !== undefined);
  const head =
    '<tr><th>Address</th>' +
    (hasGeo ? '<th>Country</th>' : '') +
    (hasAsn ? '<th>Network</th>' : '') +
    '<th>Jails</th><th class="n" data-type="num">Bans</th><th data-type="num">First ban</th><th data-type="num">Last ban</th>' +
    '<th class="n" data-type="num">Failures</th><th class="n" data-type="num">Blocked</th><th>Usernames tried</th></tr>';
  const rows = shown.map((ip: ReportIp) => {
    return (
      `<tr><td class="ip">${esc(ip.ip)}</td>` +
      (hasGeo ? `<td>${opt(ip.country)}</td>` : '') +
      (hasAsn ? `<td class="nw">${ip.asn === undefined ? '' : `AS${ip.asn}`}${ip.org === undefined ? '' : ` <span class="org">${esc(truncate(forTerminal(ip.org), 18))}</span>`}</td>` : '') +
      `<td class="nw">${esc(ip.jails.join(', '))}</td><td class="n">${count(ip.bans)}</td>` +
      `<td class="t" data-sort="${ip.firstBan ?? ''}">${ip.firstBan === undefined ? '' : esc(ctx.time.show(ip.firstBan))}</td>` +
      `<td class="t" data-sort="${ip.lastBan ?? ''}">${ip.lastBan === undefined ? '' : esc(ctx.time.show(ip.lastBan))}</td>` +
      `<td class="n">${count(ip.failures)}</td><td class="n">${count(ip.blocked)}</td>` +
      `<td>${esc(ip.usernames.slice(0, 3).map((u) => truncate(forTerminal(u), 32)).join(', '))}</td></tr>`
    );
  });
  const bans = banned.reduce((n, ip) => n + ip.bans, 0);
  out.push(`<p class="note">${plural(banned.length, 'address', 'addresses')}, ${plural(bans, 'ban')}; busiest first.</p>`);
  out.push(`<div class="wrap"><table id="bans-table" class="sortable" data-filter><thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table></div>`);
  if (shown.length < banned.length) {
    out.push(`<p class="note">${count(banned.length - shown.length)} more addresses not shown here; run banreplay with --format html or csv for the full list.</p>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function renderUsernames(report: Report, ctx: Ctx): string {
  const top = report.usernames.slice(0, ctx.top);
  if (top.length === 0) return '';
  const max = Math.max(1, ...top.map((u) => u.attempts));
  const rows = top.map(
    (u) =>
      `<tr><td>${name(u.name)}</td><td class="n">${count(u.attempts)}</td><td>${bar(u.attempts / max)}</td><td class="n">${count(u.ips)}</td>` +
      `<td class="t" data-sort="${u.first}">${esc(ctx.time.show(u.first))}</td><td class="t" data-sort="${u.last}">${esc(ctx.time.show(u.last))}</td></tr>`,
  );
  return [
    '<section id="usernames">',
    '<h2>Top attempted usernames</h2>',
    `<p class="note">${plural(report.usernames.length, 'distinct username')}; the ${top.length} most tried.</p>`,
    '<div class="wrap"><table class="sortable"><thead><tr><th>Username</th><th class="n" data-type="num">Attempts</th><th></th><th class="n" data-type="num">Addresses</th><th data-type="num">First</th><th data-type="num">Last</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table></div>`,
    '</section>',
  ].join('\n');
}

function renderOrigins(report: Report, ctx: Ctx): string {
  const countries = report.geoip === undefined ? [] : topCountries(report, ctx.top);
  const asns = topAsns(report, ctx.top);
  if (countries.length === 0 && asns.length === 0) return '';
  const table = (rows: GroupRow[], label: string, withOrg: boolean): string => {
    const max = Math.max(1, ...rows.map((r) => r.attempts));
    const body = rows
      .map(
        (r) =>
          `<tr><td>${esc(r.key)}</td>${withOrg ? `<td>${opt(r.label)}</td>` : ''}<td class="n">${count(r.attempts)}</td><td>${bar(r.attempts / max)}</td>` +
          `<td class="n">${count(r.addresses)}</td><td class="n">${count(r.banned)}</td></tr>`,
      )
      .join('\n');
    return (
      `<div class="wrap"><table class="sortable"><thead><tr><th>${label}</th>${withOrg ? '<th>Organisation</th>' : ''}<th class="n" data-type="num">Attempts</th><th></th>` +
      `<th class="n" data-type="num">Addresses</th><th class="n" data-type="num">Banned</th></tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`
    );
  };
  const out = ['<section id="origins">', '<h2>Where the attempts came from</h2>'];
  if (countries.length > 0) out.push('<h3>Top countries</h3>', table(countries, 'Country', false));
  if (asns.length > 0) out.push('<h3>Top networks (ASN)</h3>', table(asns, 'ASN', true));
  out.push('</section>');
  return out.join('\n');
}

function renderBelowRadar(radar: ReportBelowRadar | undefined, ctx: Ctx): string {
  if (radar === undefined || radar.failures === 0) return '';
  const groups = (title: string, rows: readonly ReportRadarGroup[]): string => {
    if (rows.length === 0) return '';
    const body = rows
      .slice(0, ctx.top)
      .map(
        (g) =>
          `<tr><td class="ip">${esc(truncate(forTerminal(g.key), MAX_NAME))}</td><td>${esc(g.countries.slice(0, 4).join(' '))}</td><td class="n">${count(g.addresses)}</td>` +
          `<td class="n">${count(g.attempts)}</td><td>${esc(g.usernames.slice(0, 4).map((u) => truncate(forTerminal(u), MAX_NAME)).join(', '))}</td>` +
          `<td class="t" data-sort="${g.first}">${esc(ctx.time.show(g.first))}</td><td class="t" data-sort="${g.last}">${esc(ctx.time.show(g.last))}</td>` +
          `<td>${g.caught.bans > 0 ? esc(`${g.caught.jails.join(', ')}: ${g.caught.bans} ban(s), ${g.caught.blocked} blocked`) : 'no'}</td></tr>`,
      )
      .join('\n');
    return (
      `<h3>${esc(title)}</h3><div class="wrap"><table class="sortable"><thead><tr><th>Group</th><th>Countries</th><th class="n" data-type="num">Addresses</th>` +
      `<th class="n" data-type="num">Attempts</th><th>Usernames</th><th data-type="num">First</th><th data-type="num">Last</th><th>A group jail would have</th></tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`
    );
  };
  return [
    '<section id="below-radar">',
    '<h2>Below the radar</h2>',
    `<p class="note">${count(radar.failures)} failures from ${plural(radar.addresses, 'address', 'addresses')} that were never banned.</p>`,
    groups('Networks (/24, /64)', radar.networks),
    groups('Networks by ASN', radar.asns),
    groups('Password spraying (one username, many addresses)', radar.spraying),
    '</section>',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function renderInputs(report: Report, ctx: Ctx): string {
  if (report.files.length === 0) return '';
  const rows = report.files.map(
    (f) =>
      `<tr><td>${esc(truncate(forTerminal(f.path), MAX_TEXT))}</td><td>${f.gzip ? 'yes' : ''}</td><td class="n">${count(f.lines)}</td>` +
      `<td class="t">${f.first === undefined ? '' : esc(ctx.time.show(f.first))}</td><td class="t">${f.last === undefined ? '' : esc(ctx.time.show(f.last))}</td>` +
      `<td>${esc(f.warnings.map((w) => truncate(forTerminal(w), MAX_TEXT)).join('; '))}</td></tr>`,
  );
  const geo = report.geoip;
  return [
    '<section id="inputs">',
    '<h2>Inputs</h2>',
    '<div class="wrap"><table><thead><tr><th>File (replay order)</th><th>Gzip</th><th class="n">Lines</th><th>First</th><th>Last</th><th>Warnings</th></tr></thead>',
    `<tbody>\n${rows.join('\n')}\n</tbody></table></div>`,
    `<p class="note">GeoIP: ${geo === undefined ? 'off' : `${esc(truncate(forTerminal(geo.database), MAX_TEXT))}${geo.buildDate === undefined ? '' : `, built ${esc(geo.buildDate)}`}`}</p>`,
    '</section>',
  ].join('\n');
}

// ---- helpers --------------------------------------------------------------------------------

/** Log text for HTML: controls stripped first (they have no business in a report), then escaped. */
function esc(s: string): string {
  return forHtml(forTerminal(s));
}

function name(s: string): string {
  return esc(truncate(forTerminal(s), MAX_NAME));
}

function opt(s: string | undefined): string {
  return s === undefined ? '' : esc(truncate(s, MAX_NAME));
}


// An SVG bar (no style attribute: the CSP allows only the hashed <style> element).
function bar(fraction: number): string {
  const w = Math.max(0, Math.min(100, fraction * 100));
  return `<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true"><rect width="${fx(w)}" height="8" fill="#0072b2"/></svg>`;
}

function fx(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

// `Jan 02 03:04:05` or `2026-01-02 03:04:05`: drop the seconds on axis labels.
function shortTime(s: string): string {
  return s.replace(/:\d{2}(?=$|[+-]\d{2}:\d{2}$)/, '');
}

function unionIntervals(bans: ReadonlyArray<{ start: EpochMs; end: EpochMs | undefined }>, horizon: EpochMs): Array<[EpochMs, EpochMs]> {
  const list = bans.map((b) => [b.start, b.end ?? horizon] as [EpochMs, EpochMs]).sort((a, b) => a[0] - b[0]);
  const out: Array<[EpochMs, EpochMs]> = [];
  for (const [s, e] of list) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function collectTimes(report: Report, from: EpochMs | undefined, to: EpochMs | undefined): EpochMs[] {
  const times: EpochMs[] = [];
  if (from !== undefined) times.push(from);
  if (to !== undefined) times.push(to);
  for (const ip of report.ips) {
    if (ip.firstBan !== undefined) times.push(ip.firstBan);
    if (ip.lastBan !== undefined) times.push(ip.lastBan);
  }
  return times;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}
