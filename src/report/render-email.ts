// Renders the report as a complete mail message (#8): RFC 5322 headers (Subject with host,
// period and counts; Date; Message-ID; MIME-Version) and a multipart/alternative body with a
// plain-text part (render-mail-text: at most 78 columns) and an HTML part (the HTML report
// without script). Both parts are UTF-8, quoted-printable. Pure: date and host are inputs.

import { createHash } from 'node:crypto';
import type { EpochMs, Report } from '../types.js';
import type { FailureSeries } from './failure-series.js';
import { formatHeader, formatRawHeader, mailDate, quotedPrintable, type Mailbox } from './mime.js';
import { renderHtml } from './render-html.js';
import { renderMailText } from './render-mail-text.js';
import { bannedIps, reportPeriod } from './report-digest.js';
import { forTerminal } from './sanitize.js';

/** Options for `renderEmail`. */
export interface RenderEmailOptions {
  /** ISO 8601 with an offset, in the zone the CLI chose. */
  formatTime: (ms: EpochMs) => string;
  /** Host the report is about (Subject, Message-ID). */
  host: string;
  /** When the message is written (the run's reference time). */
  date: EpochMs;
  from: Mailbox;
  /** Recipients; none when the message is only printed. */
  to: readonly Mailbox[];
  series?: FailureSeries | undefined;
  /** Rows in the top-username tables (default 15). */
  top?: number;
  /** Most rows of the HTML part's bans table (default 100). */
  maxRows?: number;
  version?: string | undefined;
  /** Line ending: `\n` for sendmail and files (the local convention), `\r\n` for the wire. */
  eol?: '\n' | '\r\n';
}

const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The Subject text: host, counts and period. */
export function emailSubject(report: Report, host: string, formatTime: (ms: EpochMs) => string): string {
  const banned = bannedIps(report).length;
  const s = report.stats;
  const { from, to } = reportPeriod(report);
  const minute = (ms: EpochMs): string => formatTime(ms).slice(0, 16).replace('T', ' ');
  const period = from === undefined || to === undefined ? 'no dated events' : `${minute(from)} to ${minute(to)}`;
  const collateral = report.collateral?.length ?? 0;
  return (
    `banreplay ${host}: ${s.banEvents} would-be ban${s.banEvents === 1 ? '' : 's'} of ${banned} address${banned === 1 ? '' : 'es'}, ` +
    `${s.failures} failure${s.failures === 1 ? '' : 's'}` +
    (collateral > 0 ? `, ${collateral} banned address${collateral === 1 ? '' : 'es'} also logged in` : '') +
    `, ${period}`
  );
}

/** Renders the whole message, headers and body, ending with a line break. */
export function renderEmail(report: Report, options: RenderEmailOptions): string {
  const eol = options.eol ?? '\n';
  const host = forTerminal(options.host);
  const idHost = HOSTNAME.test(host) ? host : 'localhost';
  const subject = emailSubject(report, host, options.formatTime);
  const text = renderMailText(report, { formatTime: options.formatTime, top: options.top ?? 15, heading: subject });
  const html = renderHtml(report, {
    formatTime: options.formatTime,
    series: options.series,
    host,
    top: options.top ?? 15,
    maxRows: options.maxRows ?? 100,
    script: false,
    version: options.version,
  });
  const digest = createHash('sha256').update(String(options.date)).update(subject).update(text).digest('hex');
  const boundary = `=_banreplay_${digest.slice(0, 24)}`;
  const headers = [
    formatRawHeader('From', options.from.header, eol),
    ...(options.to.length > 0 ? [formatRawHeader('To', options.to.map((m) => m.header).join(', '), eol)] : []),
    formatHeader('Subject', subject, eol),
    formatRawHeader('Date', mailDate(options.date, options.formatTime(options.date)), eol),
    formatRawHeader('Message-ID', `<banreplay.${options.date.toString(36)}.${digest.slice(24, 40)}@${idHost}>`, eol),
    'MIME-Version: 1.0',
    formatRawHeader('Content-Type', `multipart/alternative; boundary="${boundary}"`, eol),
    // RFC 3834: a report from a program; auto-responders must not answer it.
    'Auto-Submitted: auto-generated',
    formatRawHeader('X-Mailer', `banreplay${options.version === undefined ? '' : ` ${options.version.replace(/[^\w.+-]/g, '')}`}`, eol),
  ];
  const part = (type: string, body: string): string[] => [
    `--${boundary}`,
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: quoted-printable',
    '',
    quotedPrintable(body, eol),
  ];
  return [
    ...headers,
    '',
    'This is a MIME message: a plain-text and an HTML version of the same report.',
    '',
    ...part('text/plain', text),
    ...part('text/html', html),
    `--${boundary}--`,
    '',
  ].join(eol);
}
