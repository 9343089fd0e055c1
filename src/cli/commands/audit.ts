// `banreplay audit`: resolve → discover → replay → report → enrich → render.
// Thin wiring only; every step lives in its own module. Returns the text to print
// and the problems to report; main.ts owns stdout, stderr and the exit code.
import { Chalk } from 'chalk';
import { buildReport } from '../../analysis/build-report.js';
import { replay } from '../../pipeline/replay.js';
import { discoverSources } from '../../source/discover.js';
import { formatTime } from '../../time/format-time.js';
import { pathsPositional, readReplayArgs, replayOptions, type ReplayArgs } from '../options.js';
import { resolveAuditConfig } from '../resolve-config.js';
import type { CommandIo, CommandResult, CommandSpec } from './command-io.js';

/** Output formats of `audit`. */
export const AUDIT_FORMATS = ['table', 'json'] as const;

/** Arguments of `audit`. */
export interface AuditArgs extends ReplayArgs {
  format: (typeof AUDIT_FORMATS)[number];
  top: number;
}

/** `banreplay audit [PATH...]`. */
export const auditCommand: CommandSpec<AuditArgs> = {
  name: 'audit',
  usage: 'audit [paths..]',
  synopsis: 'audit [PATH...] [options]',
  summary: 'replay logs and report the bans fail2ban would have issued',
  builder: (y) =>
    pathsPositional(replayOptions(y))
      .option('format', { alias: 'f', choices: AUDIT_FORMATS, default: 'table', describe: 'output format' })
      .option('top', { type: 'number', default: 15, describe: 'rows in the top-username list' }),
  toArgs: (a) => ({
    ...readReplayArgs(a),
    format: a['format'] === 'json' ? 'json' : 'table',
    top: typeof a['top'] === 'number' ? a['top'] : 15,
  }),
  readsStdin: (args) => args.paths.includes('-'),
  color: (args) => args.color,
  run: runAudit,
};

/** Runs `audit` with already-parsed arguments. */
export async function runAudit(args: AuditArgs, io: CommandIo): Promise<CommandResult> {
  const config = resolveAuditConfig(args, io.filtersDir);
  const warnings = [...config.warnings];
  const discovered = await discoverSources(config.paths, { rotated: args.rotated });
  // logpath entries come from configuration written for several distributions:
  // a missing one is normal as long as some input exists.
  const problems: Error[] = config.pathsFromLogpath && discovered.files.length > 0 ? [] : [...discovered.problems];
  if (discovered.files.length === 0 && problems.length === 0) {
    problems.push(new Error(`no log file found in ${config.paths.join(', ')}`));
  }
  // Start opening the GeoIP database while the logs are read.
  const geoPromise = args.geoip
    ? import('../../enrich/geoip.js').then((m) =>
        m.openGeoIp(args.geoipDb === undefined ? {} : { database: args.geoipDb }),
      )
    : undefined;
  geoPromise?.catch(() => undefined);

  const files = discovered.files.map((f) =>
    f.path === '-' && f.mtimeMs === undefined ? { ...f, mtimeMs: io.stdinMtimeMs } : f,
  );
  const outcome = await replay(
    {
      files,
      jails: config.jails,
      scan: config.scan,
      counting: args.counting,
      whileBanned: args.whileBanned,
    },
    { stdin: io.stdin, signal: io.signal },
  );
  problems.push(...outcome.problems);
  for (const f of outcome.files) for (const w of f.warnings) warnings.push(`${f.path}: ${w}`);

  let report = buildReport(
    outcome,
    config.jails.map((j) => j.spec),
  );
  if (geoPromise !== undefined) {
    const { enrichReport } = await import('../../enrich/geoip.js');
    report = enrichReport(report, await geoPromise);
  }

  const fmt = (ms: number): string => formatTime(ms, config.zone);
  let output: string;
  if (args.format === 'json') {
    const { renderJson } = await import('../../report/render-json.js');
    output = renderJson(report, { formatTime: fmt });
  } else {
    const { renderTable } = await import('../../report/render-table.js');
    output = renderTable(report, {
      chalk: new Chalk({ level: io.colorLevel }),
      formatTime: fmt,
      top: args.top,
      // Not a terminal (a pipe, cron mail): 120 columns keep every column readable.
      width: io.columns ?? 120,
    });
  }
  return { output, warnings, problems };
}
