// `banreplay timeline ADDRESS|CIDR [PATH...]`: the same single replay as audit, keeping the raw
// line only on the hits of the address or network asked for, then its events in time order.
// Thin wiring only; analysis/timeline.ts and report/render-timeline.ts do the work.
import { Chalk } from 'chalk';
import { buildTimeline } from '../../analysis/timeline.js';
import { parseAddressTarget } from '../../pipeline/address-target.js';
import { replay } from '../../pipeline/replay.js';
import { discoverSources } from '../../source/discover.js';
import { formatTime } from '../../time/format-time.js';
import { UsageError } from '../../errors.js';
import { pathsPositional, readReplayArgs, replayOptions, type ReplayArgs } from '../options.js';
import { discoverJailSources, resolveAuditConfig } from '../resolve-config.js';
import type { CommandIo, CommandResult, CommandSpec } from './command-io.js';

/** Output formats of `timeline`. */
export const TIMELINE_FORMATS = ['table', 'json'] as const;

/** Arguments of `timeline`. */
export interface TimelineArgs extends ReplayArgs {
  target: string;
  format: (typeof TIMELINE_FORMATS)[number];
}

/** `banreplay timeline ADDRESS|CIDR [PATH...]`. */
export const timelineCommand: CommandSpec<TimelineArgs> = {
  name: 'timeline',
  usage: 'timeline <target> [paths..]',
  synopsis: 'timeline ADDRESS|CIDR [PATH...] [options]',
  summary: 'every failure, login, ban and blocked attempt of one address or network, in time order',
  builder: (y) =>
    pathsPositional(
      replayOptions(y).positional('target', { type: 'string', describe: 'an IPv4/IPv6 address, or a network in CIDR form (203.0.113.0/24)' }),
    ).option('format', { alias: 'f', choices: TIMELINE_FORMATS, default: 'table', describe: 'output format' }),
  toArgs: (a) => ({
    ...readReplayArgs(a),
    target: String(a['target'] ?? ''),
    format: a['format'] === 'json' ? 'json' : 'table',
  }),
  readsStdin: (args) => args.paths.includes('-'),
  color: (args) => args.color,
  run: runTimeline,
};

/** Runs `timeline` with already-parsed arguments. */
export async function runTimeline(args: TimelineArgs, io: CommandIo): Promise<CommandResult> {
  const target = parseAddressTarget(args.target);
  if (target === undefined) throw new UsageError(`not an IP address or CIDR network: ${JSON.stringify(args.target)}`);
  const config = resolveAuditConfig(args, io.filtersDir);
  const warnings = [...config.warnings];
  const discovered = config.pathsFromLogpath
    ? await discoverJailSources(config, { rotated: args.rotated })
    : { ...(await discoverSources(config.paths, { rotated: args.rotated })), warnings: [] };
  const problems: Error[] = config.pathsFromLogpath && discovered.files.length > 0 ? [] : [...discovered.problems];
  if (discovered.files.length > 0) warnings.push(...discovered.warnings);
  if (discovered.files.length === 0 && problems.length === 0) {
    problems.push(new Error(`no log file found in ${config.paths.join(', ')}`));
  }
  const geoPromise = args.geoip
    ? import('../../enrich/geoip.js').then((m) => m.openGeoIp({ database: args.geoipDb, asnDatabase: args.asnDb }))
    : undefined;
  geoPromise?.catch(() => undefined);

  const files = discovered.files.map((f) =>
    f.path === '-' && f.mtimeMs === undefined ? { ...f, mtimeMs: io.stdinMtimeMs } : f,
  );
  const outcome = await replay(
    {
      files,
      jails: config.jails,
      // Raw lines only for the target: the other addresses' hits stay compact. Given as
      // text (its normalised label), so that worker threads can scan too.
      scan: { ...config.scan, keepTextIn: target.label },
      counting: args.counting,
      whileBanned: args.whileBanned,
    },
    { stdin: io.stdin, signal: io.signal },
  );
  problems.push(...outcome.problems);
  for (const f of outcome.files) for (const w of f.warnings) warnings.push(`${f.path}: ${w}`);

  const geo = geoPromise === undefined ? undefined : await geoPromise;
  if (geo !== undefined) warnings.push(...geo.warnings);
  const timeline = buildTimeline(
    outcome,
    config.jails.map((j) => j.spec),
    target,
    { paths: files.map((f) => f.path), geo },
  );
  const fmt = (ms: number): string => formatTime(ms, config.zone);
  const { renderTimelineJson, renderTimelineTable } = await import('../../report/render-timeline.js');
  const output =
    args.format === 'json'
      ? renderTimelineJson(timeline, { formatTime: fmt })
      : renderTimelineTable(timeline, { chalk: new Chalk({ level: io.colorLevel }), formatTime: fmt, width: io.columns ?? 120 });
  return { output, warnings, problems };
}
