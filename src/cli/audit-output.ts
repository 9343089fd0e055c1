// The output side of `audit` (#8): its options (formats, --since/--until, mail, --only-new,
// --export, --quiet), their checks before any log is read, and the rendering and delivery of
// the finished report. audit.ts only wires these in, so its input side can change freely.
// Everything here runs in src/cli: it may read the clock, the host name and files.

import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { Argv } from 'yargs';
import { Chalk, type ColorSupportLevel } from 'chalk';
import type { ReplayOutcome } from '../pipeline/replay.js';
import { buildFailureSeries } from '../report/failure-series.js';
import { parseMailbox, type Mailbox } from '../report/mime.js';
import { EXPORT_KINDS, type ExportKind } from '../report/render-export.js';
import { reportPeriod } from '../report/report-digest.js';
import { textOf, type TextOutput } from '../report/text-output.js';
import type { EpochMs, Report, SourceFile } from '../types.js';
import type { Zone } from '../time/zone.js';
import { formatTime } from '../time/format-time.js';
import { diffOnlyNew, readOnlyNewState, writeOnlyNewState } from './only-new.js';
import { UsageError } from '../errors.js';
import { DEFAULT_SENDMAIL, sendMail } from './send-mail.js';
import { filesForWindow, historyLookbackMs, resolveTimeWindow, UNTIL_SLACK_MS, type LookbackJail, type TimeWindow } from './time-window.js';

/** Output formats of `audit`. */
export const AUDIT_FORMATS = ['table', 'json', 'ndjson', 'csv', 'csv-bans', 'html', 'email'] as const;

/** One output format. */
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** The output options of `audit`, as typed. */
export interface OutputArgs {
  format: AuditFormat;
  /** `--format` was given explicitly (the default is table). */
  formatGiven: boolean;
  top: number;
  since: string | undefined;
  until: string | undefined;
  mailTo: string[];
  mailFrom: string | undefined;
  sendmail: string | undefined;
  onlyNew: string | undefined;
  export: ExportKind | undefined;
  persistent: number | undefined;
  quiet: boolean;
}

/** Adds the output options to `audit`'s yargs builder. */
export function outputOptions<T>(y: Argv<T>) {
  return y
    .option('format', { alias: 'f', choices: AUDIT_FORMATS, describe: 'output format (default table)' })
    .option('top', { type: 'number', default: 15, describe: 'rows in the top-username list' })
    .option('since', { type: 'string', describe: 'report events from this time: ISO 8601, 24h, 7d, today, yesterday, last-week' })
    .option('until', { type: 'string', describe: 'report events before this time (same forms); reading stops past it' })
    .option('mail-to', { type: 'string', array: true, describe: 'mail the report (email format) to ADDR via sendmail -t -oi (repeatable)' })
    .option('mail-from', { type: 'string', describe: 'From address of the mail (default banreplay@HOST)' })
    .option('sendmail', { type: 'string', describe: `sendmail program (default ${DEFAULT_SENDMAIL})` })
    .option('only-new', { type: 'string', describe: 'state file: output only when there are new bans or new top usernames' })
    .option('export', { choices: EXPORT_KINDS, describe: 'print the banned addresses for nft, ipset, fail2ban-client or hosts-deny' })
    .option('persistent', { type: 'number', describe: 'with --export: only addresses banned at least N times' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress display and no warnings' });
}

/** Reads the output options out of a yargs result. */
export function readOutputArgs(a: Record<string, unknown>): OutputArgs {
  const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
  const format = AUDIT_FORMATS.find((f) => f === a['format']);
  const exportKind = EXPORT_KINDS.find((k) => k === a['export']);
  return {
    format: format ?? 'table',
    formatGiven: format !== undefined,
    top: typeof a['top'] === 'number' ? a['top'] : 15,
    since: str(a['since']),
    until: str(a['until']),
    mailTo: Array.isArray(a['mail-to']) ? a['mail-to'].map(String) : a['mail-to'] === undefined ? [] : [String(a['mail-to'])],
    mailFrom: str(a['mail-from']),
    sendmail: str(a['sendmail']),
    onlyNew: str(a['only-new']),
    export: exportKind,
    persistent: typeof a['persistent'] === 'number' ? a['persistent'] : undefined,
    quiet: a['quiet'] === true,
  };
}

/** The output plan, checked before any log byte is read. */
export interface OutputPlan {
  window: TimeWindow;
  /** The run's reference time: `--now`, else the clock. */
  reference: EpochMs;
  host: string;
  from: Mailbox | undefined;
  to: Mailbox[];
}

/** Checks option combinations and resolves the window and mail addresses (UsageError / ConfigError). */
export function planOutput(args: OutputArgs, now: EpochMs | undefined, zone: Zone): OutputPlan {
  if (!Number.isFinite(args.top) || args.top < 0) throw new UsageError(`--top must be a non-negative number, got ${args.top}`);
  if (args.mailTo.length > 0 && args.formatGiven && args.format !== 'email') {
    throw new UsageError(`--mail-to sends the email format; it cannot be combined with --format ${args.format}`);
  }
  if (args.export !== undefined && (args.formatGiven || args.mailTo.length > 0)) {
    throw new UsageError('--export prints an address list; it cannot be combined with --format or --mail-to');
  }
  if (args.persistent !== undefined) {
    if (args.export === undefined) throw new UsageError('--persistent N only applies to --export');
    if (!Number.isInteger(args.persistent) || args.persistent < 1) {
      throw new UsageError(`--persistent must be a whole number of bans (1 or more), got ${args.persistent}`);
    }
  }
  if (args.mailTo.length === 0 && (args.mailFrom !== undefined || args.sendmail !== undefined)) {
    throw new UsageError('--mail-from and --sendmail need --mail-to');
  }
  const to = args.mailTo.flatMap((list) => list.split(',')).map((s) => s.trim()).filter((s) => s !== '').map((s) => mailbox(s, '--mail-to'));
  const host = machineName();
  const from = args.mailFrom !== undefined ? mailbox(args.mailFrom, '--mail-from') : parseMailbox(`banreplay <banreplay@${host}>`) ?? parseMailbox('banreplay <banreplay@localhost>');
  const reference = now ?? Date.now();
  return { window: resolveTimeWindow(args, reference, zone), reference, host, from, to };
}

/**
 * The files to read and the scan settings for a window: files last written long before
 * `--since` minus the jails' memory are skipped, reading stops a little past `--until`.
 */
export function windowScan<F extends SourceFile>(
  plan: OutputPlan,
  files: readonly F[],
  jails: readonly LookbackJail[],
): { files: F[]; skipped: F[]; stopAfter: EpochMs | undefined } {
  const { read, skipped } = filesForWindow(files, plan.window.since, historyLookbackMs(jails));
  const until = plan.window.until;
  return { files: read, skipped, stopAfter: until === undefined ? undefined : until + UNTIL_SLACK_MS };
}

/**
 * Whether the output reads the replay's hits besides the report: ndjson's events and the
 * charts of html and email do. For the others the caller can let the hits go first (#4).
 */
export function rendersHits(args: OutputArgs): boolean {
  if (args.export !== undefined) return false;
  const format = renderedFormat(args);
  return format === 'ndjson' || format === 'html' || format === 'email';
}

// The format rendered: --mail-to sends the email one.
function renderedFormat(args: OutputArgs): AuditFormat {
  return args.mailTo.length > 0 ? 'email' : args.format;
}

/** What `deliverReport` needs besides the report. */
export interface OutputContext {
  /**
   * The windowed replay (its hits, with their outcome column, for ndjson and the charts);
   * needed only when rendersHits says so.
   */
  outcome: Pick<ReplayOutcome, 'hits'> | undefined;
  /** Paths by index in the list given to the replay (Hit.file). */
  paths: readonly string[];
  zone: Zone;
  colorLevel: ColorSupportLevel;
  columns: number | undefined;
}

/** What the command prints, and notices for stderr. */
export interface Delivered {
  output: TextOutput;
  warnings: string[];
  problems: Error[];
}

/**
 * Renders the report in the chosen format and delivers it: printed, or mailed with
 * `--mail-to`; with `--only-new`, only when something is new (else nothing at all).
 */
export async function deliverReport(report: Report, args: OutputArgs, plan: OutputPlan, ctx: OutputContext): Promise<Delivered> {
  const warnings: string[] = [];
  let pendingState: (() => Promise<void>) | undefined;
  if (args.onlyNew !== undefined) {
    const statePath = args.onlyNew;
    const { state, warning } = await readOnlyNewState(statePath).catch((err: unknown) => {
      throw new UsageError(`--only-new ${statePath}: cannot read the state file: ${(err as Error).message}`);
    });
    if (warning !== undefined) warnings.push(warning);
    const diff = diffOnlyNew(report, state, args.top);
    if (diff.newBans === 0 && diff.newUsernames.length === 0) return { output: '', warnings, problems: [] };
    pendingState = () => writeOnlyNewState(statePath, diff.next);
  }

  const mail = args.mailTo.length > 0;
  const output = await render(report, renderedFormat(args), args, plan, ctx);
  const problems: Error[] = [];
  let printed = output;
  if (mail) {
    printed = '';
    try {
      await sendMail(textOf(output), args.sendmail);
    } catch (err) {
      // The state is not updated: the next run tries again with the same news.
      problems.push(err as Error);
      return { output: printed, warnings, problems };
    }
  }
  if (pendingState !== undefined) {
    try {
      await pendingState();
    } catch (err) {
      problems.push(new Error(`--only-new ${args.onlyNew ?? ''}: cannot save the state file: ${(err as Error).message}`));
    }
  }
  return { output: printed, warnings, problems };
}

async function render(report: Report, format: AuditFormat, args: OutputArgs, plan: OutputPlan, ctx: OutputContext): Promise<TextOutput> {
  const fmt = (ms: number): string => formatTime(ms, ctx.zone);
  if (args.export !== undefined) {
    const { renderExport } = await import('../report/render-export.js');
    return renderExport(report, { kind: args.export, minBans: args.persistent ?? 1, formatTime: fmt });
  }
  const outcome = (): Pick<ReplayOutcome, 'hits'> => {
    if (ctx.outcome === undefined) throw new Error(`the ${format} output needs the replay's hits (see rendersHits)`);
    return ctx.outcome;
  };
  const series = (): ReturnType<typeof buildFailureSeries> => {
    const { from, to } = reportPeriod(report);
    return buildFailureSeries(outcome(), report.jails.length, from, to === undefined || plan.window.until === undefined ? to : to - 1);
  };
  switch (format) {
    case 'json': {
      const { renderJsonPieces } = await import('../report/render-json.js');
      return renderJsonPieces(report, { formatTime: fmt });
    }
    case 'ndjson': {
      const { renderNdjsonPieces } = await import('../report/render-ndjson.js');
      return renderNdjsonPieces(outcome(), report, { formatTime: fmt, paths: ctx.paths });
    }
    case 'csv':
    case 'csv-bans': {
      const { renderCsvBans, renderCsvIps } = await import('../report/render-csv.js');
      return format === 'csv' ? renderCsvIps(report, { formatTime: fmt }) : renderCsvBans(report, { formatTime: fmt });
    }
    case 'html': {
      const { renderHtml } = await import('../report/render-html.js');
      return renderHtml(report, { formatTime: fmt, series: series(), host: plan.host, top: args.top, version: VERSION });
    }
    case 'email': {
      const { renderEmail } = await import('../report/render-email.js');
      if (plan.from === undefined) throw new UsageError('no usable From address: give --mail-from ADDR');
      return renderEmail(report, {
        formatTime: fmt,
        host: plan.host,
        date: plan.reference,
        from: plan.from,
        to: plan.to,
        series: series(),
        top: args.top,
        version: VERSION,
        // sendmail and files take the local line ending; the MTA writes CRLF on the wire.
        eol: '\n',
      });
    }
    case 'table': {
      const { renderTable } = await import('../report/render-table.js');
      return renderTable(report, {
        chalk: new Chalk({ level: ctx.colorLevel }),
        formatTime: fmt,
        top: args.top,
        // Not a terminal (a pipe, cron mail): 120 columns keep every column readable.
        width: ctx.columns ?? 120,
      });
    }
  }
}

// dist/cli/audit-output.js → the package's package.json (absent when run from a test build).
const VERSION = ((): string | undefined => {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
})();

function mailbox(text: string, option: string): Mailbox {
  const m = parseMailbox(text);
  if (m === undefined) throw new UsageError(`${option}: not a plain mail address: ${JSON.stringify(text)}`);
  return m;
}

// The host name for Subject and From; anything unusual becomes `localhost`.
function machineName(): string {
  const name = hostname();
  return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(name) ? name : 'localhost';
}
