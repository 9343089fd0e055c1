// `banreplay tune`: resolve → discover → scan once → evaluate the settings grid per jail →
// render. The grid lists are parsed and checked here, before any log byte is read
// (UsageError/ConfigError → exit code 1); the evaluation itself is src/analysis/tune.ts.
import { Chalk } from 'chalk';
import type { Argv } from 'yargs';
import { buildTuneReport, type TuneGrid } from '../../analysis/tune.js';
import { parseDuration } from '../../config/duration.js';
import { loadDbSettings } from '../../config/load-db-settings.js';
import { compileBanTimeIncrement, type BanTimeIncrement } from '../../jail/ban-time-increment.js';
import { MAX_WINDOW_RETRY } from '../../jail/simulate.js';
import { scanAll } from '../../pipeline/scan-all.js';
import { formatTime } from '../../time/format-time.js';
import { UsageError } from '../../errors.js';
import { pathsPositional, readReplayArgs, replayOptions, type ReplayArgs } from '../options.js';
import { idleMailJailsNotice } from '../idle-mail-jails.js';
import { resolveAuditConfig } from '../resolve-config.js';
import type { CommandIo, CommandResult, CommandSpec } from './command-io.js';
import { loadInputs } from './load-inputs.js';

/** Output formats of `tune`. */
export const TUNE_FORMATS = ['table', 'json', 'csv'] as const;

/** The grid evaluated when an axis is not given: fail2ban's defaults (5, 10m, 10m) included. */
export const DEFAULT_GRID = { maxretry: '3,5,10', findtime: '10m,1h,1d', bantime: '10m,1h,1d,1w' } as const;

/** More combinations than this per jail is almost certainly a typo in a list. */
export const MAX_GRID_POINTS = 1000;

/** Arguments of `tune`. */
export interface TuneArgs extends ReplayArgs {
  format: (typeof TUNE_FORMATS)[number];
  /** Raw grid lists as typed (each possibly repeated). */
  gridMaxretry: string[];
  gridFindtime: string[];
  gridBantime: string[];
  increment: boolean;
}

/** `banreplay tune [PATH...]`. */
export const tuneCommand: CommandSpec<TuneArgs> = {
  name: 'tune',
  usage: 'tune [paths..]',
  synopsis: 'tune [PATH...] [--maxretry 3,5,10] [--findtime 10m,1h,1d] [--bantime 10m,1h,1d,1w] [options]',
  summary: 'replay logs once and compare candidate maxretry/findtime/bantime settings',
  builder: (y) =>
    asListOption(pathsPositional(replayOptions(y)), 'maxretry')
      // The shared single-value overrides become comma-separated candidate lists here.
      .option('maxretry', { type: 'string', describe: `candidate maxretry values (default ${DEFAULT_GRID.maxretry})` })
      .option('findtime', { type: 'string', describe: `candidate findtime values (default ${DEFAULT_GRID.findtime})` })
      .option('bantime', { type: 'string', describe: `candidate bantime values, -1 = permanent (default ${DEFAULT_GRID.bantime})` })
      .option('increment', { type: 'boolean', default: false, describe: 'also evaluate every setting with bantime.increment on (the jail\'s own bantime.* options, else fail2ban\'s defaults)' })
      .option('format', { alias: 'f', choices: TUNE_FORMATS, default: 'table', describe: 'output format' })
      // Shared replay options that mean nothing here: no address is looked up.
      .hide('geoip')
      .hide('geoip-db')
      .hide('asn-db'),
  toArgs: (a) => {
    const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
    const format = a['format'];
    return {
      // The grid replaces the overrides: the jails keep their configured values as "current".
      ...readReplayArgs({ ...a, maxretry: undefined, findtime: undefined, bantime: undefined }),
      format: format === 'json' || format === 'csv' ? format : 'table',
      gridMaxretry: strings(a['maxretry']),
      gridFindtime: strings(a['findtime']),
      gridBantime: strings(a['bantime']),
      increment: a['increment'] === true,
    };
  },
  readsStdin: (args) => args.paths.includes('-'),
  color: (args) => args.color,
  run: runTune,
};

/**
 * The shared options declare `--maxretry` a number; here it is a list. Redeclaring it as a
 * string already parses it as text, but yargs would still label it `[number]` in --help, so
 * the number hint is dropped from the builder's live option table (yargs `getOptions()`).
 */
function asListOption<T>(y: Argv<T>, key: string): Argv<T> {
  const hints = (y as unknown as { getOptions?: () => { number?: unknown } }).getOptions?.();
  const numbers = hints?.number;
  if (Array.isArray(numbers) && numbers.includes(key)) numbers.splice(numbers.indexOf(key), 1);
  return y;
}

/** Runs `tune` with already-parsed arguments. */
export async function runTune(args: TuneArgs, io: CommandIo): Promise<CommandResult> {
  const grid = parseGrid(args);
  const config = resolveAuditConfig(args, io.filtersDir);
  const warnings = [...config.warnings];
  const increment = grid.increment.includes(true) ? defaultIncrement(args, io.filtersDir) : undefined;
  for (const j of config.jails) {
    if (j.recidive === true) warnings.push(`jail ${j.spec.name} is fed the other jails' bans, not log lines: not tuned`);
  }
  const { files, problems, warnings: found } = await loadInputs(config, args.rotated, io);
  warnings.push(...found);

  const scanned = await scanAll(files, { ...config.scan, stdin: io.stdin, signal: io.signal });
  problems.push(...scanned.problems);
  for (const f of scanned.files) for (const w of f.warnings) warnings.push(`${f.path}: ${w}`);
  const idle = idleMailJailsNotice(config, scanned.hits);
  if (idle !== undefined) warnings.push(idle);

  const report = buildTuneReport(scanned, config.jails, {
    grid,
    counting: args.counting,
    whileBanned: args.whileBanned,
    ...(increment !== undefined ? { increment } : {}),
  });

  const fmt = (ms: number): string => formatTime(ms, config.zone);
  const render = await import('../../report/render-tune.js');
  let output: string;
  if (args.format === 'json') output = render.renderTuneJson(report, { formatTime: fmt });
  else if (args.format === 'csv') output = render.renderTuneCsv(report, { formatTime: fmt });
  else {
    output = render.renderTuneTable(report, {
      chalk: new Chalk({ level: io.colorLevel }),
      formatTime: fmt,
      width: io.columns ?? 120,
    });
  }
  return { output, warnings, problems };
}

/**
 * fail2ban's default bantime.increment (factor 1, the default formula, no maxtime), for the
 * `--increment` rows of jails that configure none. The memory of earlier bans lasts
 * `--dbpurgeage`, else fail2ban.conf's `dbpurgeage`, else one day.
 */
function defaultIncrement(args: TuneArgs, filtersDir: string): BanTimeIncrement {
  let purgeAge: number;
  if (args.dbpurgeage !== undefined) {
    purgeAge = parseDuration(args.dbpurgeage);
    if (!(purgeAge >= 0)) throw new UsageError(`--dbpurgeage: "${args.dbpurgeage}" must not be negative`);
  } else {
    purgeAge = loadDbSettings(args.config ?? filtersDir).purgeAge;
  }
  return compileBanTimeIncrement(
    { factor: 1, formula: undefined, multipliers: [], maxtime: undefined, rndtime: undefined, overalljails: false },
    purgeAge,
  );
}

/** Parses and checks the three candidate lists; throws UsageError/ConfigError. */
export function parseGrid(args: Pick<TuneArgs, 'gridMaxretry' | 'gridFindtime' | 'gridBantime' | 'increment' | 'counting'>): TuneGrid {
  const maxretry = parseList('--maxretry', args.gridMaxretry, DEFAULT_GRID.maxretry, (item) => {
    if (!/^\d+$/.test(item)) throw new UsageError(`--maxretry: "${item}" is not a non-negative integer`);
    const n = Number(item);
    if (args.counting === 'window' && n > MAX_WINDOW_RETRY) {
      throw new UsageError(`--maxretry: window counting supports values up to ${MAX_WINDOW_RETRY}, got ${item}`);
    }
    return n;
  });
  const findtime = parseList('--findtime', args.gridFindtime, DEFAULT_GRID.findtime, (item) => {
    const s = parseDuration(item);
    if (!(s > 0)) throw new UsageError(`--findtime: "${item}" must be a positive time`);
    return s;
  });
  const bantime = parseList('--bantime', args.gridBantime, DEFAULT_GRID.bantime, (item) => {
    const s = parseDuration(item);
    // Any negative other than -1 discards every ban (semantics §7.6): nothing to tune.
    if (!(s > 0 || s === -1)) throw new UsageError(`--bantime: "${item}" must be a positive time or -1 (permanent)`);
    return s;
  });
  bantime.sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : a - b));
  const increment = args.increment ? [false, true] : [false];
  const points = maxretry.length * findtime.length * bantime.length * increment.length;
  if (points > MAX_GRID_POINTS) {
    throw new UsageError(`the grid has ${points} settings per jail; at most ${MAX_GRID_POINTS} are allowed`);
  }
  return { maxretry, findtime, bantime, increment };
}

/** Comma-separated values (the option may also be repeated), parsed, deduplicated, ascending. */
function parseList(option: string, raw: readonly string[], fallback: string, parse: (item: string) => number): number[] {
  const given = raw.length === 0 ? [fallback] : raw;
  const values = new Set<number>();
  for (const list of given) {
    for (const part of list.split(',')) {
      const item = part.trim();
      if (item === '') throw new UsageError(`${option}: empty value in "${list}"`);
      values.add(parse(item));
    }
  }
  return [...values].sort((a, b) => a - b);
}
