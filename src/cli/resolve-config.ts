// RawArgs → AuditConfig: reads the jail and filter configuration, applies command-line
// overrides, compiles every filter and date detector. Runs before any log byte is read;
// every problem here is a ConfigError or UsageError (exit code 1). Only the selected jails
// are read and checked, as fail2ban skips disabled ones.
import { realpath } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { loadDbSettings } from '../config/load-db-settings.js';
import { parseFilterRef } from '../config/filter-ref.js';
import { loadFilter } from '../config/load-filter.js';
import { readJailEntries, type JailEntry } from '../config/load-jails.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError, UsageError, type SourceError } from '../errors.js';
import { checkFilterBacktracking, describeBacktrackFinding } from '../filter/backtrack-check.js';
import { compileFilter } from '../filter/compile-filter.js';
import { FORMULA_SUBSET, FormulaError } from '../jail/ban-formula.js';
import { compileBanTimeIncrement, type BanTimeIncrement } from '../jail/ban-time-increment.js';
import { createIgnoreMatcher } from '../jail/ignore-ip.js';
import { discoverSources } from '../source/discover.js';
import type { PlannedJail } from '../pipeline/replay.js';
import type { ScanPlan } from '../pipeline/scan-all.js';
import type { ScanTarget } from '../pipeline/scan-file.js';
import { createDateDetector, type DateDetector } from '../time/date-detector.js';
import { parseTimeArg } from '../time/parse-time-arg.js';
import { parseZone, type Zone } from '../time/zone.js';
import type { EpochMs, JailSpec, SourceFile } from '../types.js';
import type { ReplayArgs } from './options.js';

/** banreplay's built-in success patterns, relative to its own `filters/` (#6). */
export const SUCCESS_FILTER = 'success.d/mail-success.conf';

/** Lines longer than this are skipped and counted (bounded memory on hostile input). */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Everything `audit` needs, resolved and compiled. */
export interface AuditConfig {
  jails: PlannedJail[];
  /** Compiled scan plan; its recipe lets worker threads rebuild it (rebuildScanPlan). */
  scan: ScanPlan;
  /** Inputs as given, or the jails' logpath entries. */
  paths: string[];
  /** True when paths came from the jails' logpath (missing ones are then not errors). */
  pathsFromLogpath: boolean;
  /** With pathsFromLogpath: each planned jail's own logpath entries (none for recidive). */
  jailLogpaths: string[][];
  /** Zone used to display times. */
  zone: Zone;
  now: EpochMs | undefined;
  warnings: string[];
  /**
   * Jails the configuration defines but does not enable, read when asked (their values are
   * never checked: one that cannot be read is left out); none when `--jail` chose the jails.
   */
  idleJails: () => IdleJail[];
}

/** A jail defined but not enabled, as far as its own values could be read. */
export interface IdleJail {
  name: string;
  /** The filter reference (`postfix[mode=auth]`). */
  filter: string;
  logpath: string[];
}

/** Resolves the configuration for `audit`; `filtersDir` is banreplay's own `filters/`. */
export function resolveAuditConfig(args: ReplayArgs, filtersDir: string): AuditConfig {
  const configDir = args.config ?? filtersDir;
  const warnings: string[] = [];
  const entries = readJailEntries({ configDir, extraFiles: args.jails });
  const selected = selectJails(entries, args.jail, args.config !== undefined).map((e) => e.load());
  const pathsFromLogpath = args.paths.length === 0;

  const zone = parseZone(args.timezone);
  const now = args.now === undefined ? undefined : parseTimeArg(args.now, zone);
  const overrides = {
    maxretry: args.maxretry,
    findtime: args.findtime === undefined ? undefined : parseDuration(args.findtime),
    bantime: args.bantime === undefined ? undefined : parseDuration(args.bantime),
  };
  if (overrides.maxretry !== undefined && (!Number.isInteger(overrides.maxretry) || overrides.maxretry < 0)) {
    throw new UsageError(`--maxretry must be a non-negative integer, got ${String(args.maxretry)}`);
  }

  const detectors: DateDetector[] = [];
  const detectorKeys = new Map<string, number>();
  const targets: ScanTarget[] = [];
  const jails: PlannedJail[] = [];
  const filterDirs = [path.join(configDir, 'filter.d')];
  const successTargets: ScanTarget[] = [];
  let successDef: ReturnType<typeof loadFilter> | undefined;
  // One compiled success filter per datepattern, shared by the jails' success targets: the
  // scan then checks each line once per distinct one (see scanFile).
  const successFilters = new Map<string, ReturnType<typeof compileFilter>>();
  const successFilter = (datepattern: string | undefined): ReturnType<typeof compileFilter> => {
    successDef ??= loadFilter(path.join(filtersDir, SUCCESS_FILTER), { filterDirs: [] });
    const key = datepattern ?? '\u0000default';
    let f = successFilters.get(key);
    if (f === undefined) successFilters.set(key, (f = compileFilter(successDef, { datepattern })));
    return f;
  };

  const jailLogpaths: string[][] = [];
  let purgeAge: number | undefined;
  const dbPurgeAge = (): number => {
    if (purgeAge !== undefined) return purgeAge;
    if (args.dbpurgeage !== undefined) {
      try {
        purgeAge = parseDuration(args.dbpurgeage);
      } catch (err) {
        if (err instanceof ConfigError) throw new UsageError(`--dbpurgeage: ${err.message}`);
        throw err;
      }
    } else {
      const db = loadDbSettings(configDir);
      if (!db.enabled) return -1;
      purgeAge = db.purgeAge;
    }
    return purgeAge;
  };

  const rndtimeJails: string[] = [];
  for (const raw of selected) {
    const index = jails.length;
    // A journal jail has no file to read; with explicit inputs it reads those like any jail.
    if (pathsFromLogpath && /^systemd/i.test(raw.backend ?? '')) {
      warnings.push(`jail ${raw.name} reads the systemd journal; banreplay reads files: give PATH`);
      continue;
    }
    const spec: JailSpec = {
      ...raw,
      maxretry: overrides.maxretry ?? raw.maxretry,
      findtime: overrides.findtime ?? raw.findtime,
      bantime: overrides.bantime ?? raw.bantime,
      ignoreip: [...raw.ignoreip, ...args.ignoreip.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '')],
    };
    const increment = planIncrement(spec, dbPurgeAge, warnings);
    const rnd = increment === undefined ? undefined : spec.banTimeIncrement?.rndtime;
    if (rnd !== undefined && rnd > 0) rndtimeJails.push(`${spec.name} (${rnd} s)`);
    const ignore = createIgnoreMatcher(spec.ignoreip);
    for (const name of ignore.unresolved) {
      warnings.push(`jail ${spec.name}: ignoreip entry "${name}" is a host name; names are not resolved offline, ignored`);
    }
    const planned: PlannedJail = {
      spec,
      ignore: spec.ignoreip.length > 0 ? (id: string) => ignore.matches(id) : undefined,
      ...(increment !== undefined ? { increment } : {}),
    };
    if (isRecidive(spec)) {
      // Fed the simulated bans of the other jails, not fail2ban's own log (semantics §7.8).
      jails.push({ ...planned, recidive: true });
      jailLogpaths.push([]);
      continue;
    }
    if (spec.filter === '') {
      warnings.push(`jail ${spec.name} has no filter; it finds no failures`);
      jails.push(planned);
      jailLogpaths.push(spec.logpath);
      continue;
    }
    const [def, filter, datepattern] = inJail(spec, () => {
      const d = loadFilter(spec.filter, { filterDirs, jailOptions: spec.filterOverrides, jailName: spec.name });
      const dp = spec.datepattern ?? d.datepattern;
      // The pre-check must know where a date can be cut out of the line.
      return [d, compileFilter(d, { datepattern: dp }), dp] as const;
    });
    // --timezone beats the jail's logtimezone: the command line is the more explicit choice.
    const jailZone = args.timezone === undefined && spec.logtimezone !== undefined ? parseZone(spec.logtimezone) : zone;
    const key = `${datepattern ?? ''}\u0000${jailZone.name}`;
    let detector = detectorKeys.get(key);
    if (detector === undefined) {
      detector = detectors.length;
      detectors.push(createDateDetector(datepattern, jailZone));
      detectorKeys.set(key, detector);
    }
    targets.push({ jail: index, filter, detector });
    // Hostile-input checks (#5): missing includes (fail2ban skips them too; a missing `.local`
    // is the usual optional override, not worth a word) and regexes that can backtrack
    // exponentially, each warned once per filter file.
    const notices = [
      ...(def.missingIncludes ?? [])
        .filter((f) => !f.endsWith('.local'))
        .map((f) => `filter ${def.name}: ${def.file}: included file ${f} does not exist; skipped, as fail2ban does`),
      ...checkFilterBacktracking(filter).map((f) => describeBacktrackFinding(filter, f)),
    ];
    for (const n of notices) if (!warnings.includes(n)) warnings.push(n);
    // No successregex of its own (a stock fail2ban filter): banreplay's built-in success patterns (#6).
    if (def.successregex.length === 0) successTargets.push({ jail: index, filter: successFilter(datepattern), detector, successOnly: true });
    jails.push(planned);
    jailLogpaths.push(spec.logpath);
  }
  if (rndtimeJails.length > 0) {
    // One notice for all jails: a [DEFAULT] rndtime would otherwise repeat it for each.
    warnings.push(`bantime.rndtime is ignored, the replay stays deterministic: jail${rndtimeJails.length > 1 ? 's' : ''} ${rndtimeJails.join(', ')}`);
  }
  if (jails.length === 0) {
    throw new UsageError('no jail left to replay: the selected jails read the systemd journal; give PATH');
  }
  if (jails.every((j) => j.recidive === true)) {
    warnings.push('a recidive jail is fed the bans of the other jails, and none is selected');
  }

  // After the jail targets, so a line the jail's own filter took as a success is skipped.
  targets.push(...successTargets);

  const paths = pathsFromLogpath ? [...new Set(jailLogpaths.flat())] : args.paths;
  if (paths.length === 0) {
    throw new UsageError(
      pathsFromLogpath
        ? 'no input: the selected jails have no logpath; give log files, directories or - for stdin'
        : 'no input: give log files, directories or - for stdin',
    );
  }
  return {
    jails,
    scan: {
      targets,
      detectors,
      probe: createDateDetector(undefined, zone),
      now,
      maxLineLength: MAX_LINE_LENGTH,
      // Compiled RegExps cannot cross threads: a worker calls rebuildScanPlan with the same inputs.
      recipe: { module: import.meta.url, export: 'rebuildScanPlan', input: { args, filtersDir } },
      threads: availableParallelism(),
    },
    paths,
    pathsFromLogpath,
    jailLogpaths,
    zone,
    now,
    warnings,
    idleJails: () => (args.jail.length > 0 ? [] : idleJails(entries)),
  };
}

function idleJails(entries: readonly JailEntry[]): IdleJail[] {
  const out: IdleJail[] = [];
  for (const e of entries) {
    if (e.enabled) continue;
    try {
      const spec = e.load();
      out.push({ name: spec.name, filter: spec.filter, logpath: spec.logpath });
    } catch {
      // fail2ban never reads a disabled jail's values: a broken one is simply not offered.
    }
  }
  return out;
}

/** The scan plan of resolveAuditConfig(args, filtersDir), rebuilt in a worker thread. */
export function rebuildScanPlan(input: { args: ReplayArgs; filtersDir: string }): ScanPlan {
  return resolveAuditConfig(input.args, input.filtersDir).scan;
}

function selectJails(all: JailEntry[], names: string[], fromUserConfig: boolean): JailEntry[] {
  if (names.length === 0) {
    const enabled = all.filter((j) => j.enabled);
    if (enabled.length === 0) {
      throw new ConfigError(
        fromUserConfig ? 'no enabled jail; name one with --jail' : 'no jail defined',
      );
    }
    return enabled;
  }
  const byName = new Map(all.map((j) => [j.name, j]));
  return names.map((n) => {
    const j = byName.get(n);
    if (j === undefined) {
      throw new UsageError(`unknown jail "${n}" (known: ${[...byName.keys()].sort().join(', ')})`);
    }
    return j;
  });
}

/** A recidive jail: its filter is `recidive` (fail2ban's own log), or it is named so. */
function isRecidive(spec: JailSpec): boolean {
  if (spec.name === 'recidive') return true;
  try {
    return path.basename(parseFilterRef(spec.filter).name).replace(/\.(?:conf|local)$/, '') === 'recidive';
  } catch {
    return false;
  }
}

/** Runs `fn`; a ConfigError from it gets the jail's name, and the jail's file when it names none. */
function inJail<T>(spec: JailSpec, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // An error located in a file keeps its own place (a syntax error has no key: not `filter`).
    const where = { file: err.file ?? sourceOf(spec, 'filter'), section: err.section ?? spec.name, key: err.key ?? (err.file === undefined ? 'filter' : undefined) };
    const bare = stripWhere(err);
    throw new ConfigError(`jail ${spec.name}, filter ${spec.filter}: ${bare}`, where);
  }
}

/** The file that set the jail's option `key`, for messages. */
function sourceOf(spec: JailSpec, key: string): string {
  return spec.optionSources?.[key] ?? spec.source;
}

/** The message of a ConfigError without its `file [section] key:` prefix. */
function stripWhere(err: ConfigError): string {
  const prefix = new ConfigError('', { file: err.file, section: err.section, key: err.key }).message;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

/** Compiles the jail's bantime.increment, if on (`purgeAge` < 0: fail2ban has no database). */
function planIncrement(spec: JailSpec, purgeAge: () => number, warnings: string[]): BanTimeIncrement | undefined {
  const inc = spec.banTimeIncrement;
  if (inc === undefined) return undefined;
  const age = purgeAge();
  if (age < 0) {
    warnings.push(`jail ${spec.name}: bantime.increment needs fail2ban's database, and fail2ban.conf sets dbfile = None: off, as in fail2ban`);
    return undefined;
  }
  try {
    return compileBanTimeIncrement(inc, age);
  } catch (err) {
    if (!(err instanceof FormulaError)) throw err;
    throw new ConfigError(
      `jail ${spec.name}: ${err.message}; this formula is not supported (banreplay evaluates ${FORMULA_SUBSET})`,
      { file: sourceOf(spec, 'bantime.formula'), section: spec.name, key: 'bantime.formula' },
    );
  }
}

/** Inputs found for the jails' own logpaths, and what could not be used. */
export interface JailSources {
  /** Each file once, with `jails` listing every jail whose logpath found it. */
  files: SourceFile[];
  problems: SourceError[];
  /** Jails none of whose logpath entries found a file. */
  warnings: string[];
}

/**
 * Discovers each jail's own logpath files (with rotated siblings when `rotated`); a file that
 * several jails read is listed once, with the union of their indices in `jails`.
 */
export async function discoverJailSources(
  config: Pick<AuditConfig, 'jails' | 'jailLogpaths'>,
  opts: { rotated: boolean },
): Promise<JailSources> {
  const byPath = new Map<string, { file: SourceFile; jails: number[] }>();
  const problems: SourceError[] = [];
  const seenProblems = new Set<string>();
  const warnings: string[] = [];
  for (let j = 0; j < config.jailLogpaths.length; j++) {
    const entries = config.jailLogpaths[j] ?? [];
    if (entries.length === 0) continue;
    const found = await discoverSources(entries, opts);
    for (const p of found.problems) {
      if (seenProblems.has(p.message)) continue;
      seenProblems.add(p.message);
      problems.push(p);
    }
    if (found.files.length === 0) {
      warnings.push(`jail ${config.jails[j]?.spec.name ?? j}: no log file found for logpath ${entries.join(', ')}`);
    }
    for (const f of found.files) {
      // Two jails may spell one file differently (a symlink, `..`): key by its real path.
      const key = f.path === '-' ? f.path : await realpath(f.path).catch(() => f.path);
      const known = byPath.get(key);
      if (known === undefined) byPath.set(key, { file: f, jails: [j] });
      else if (!known.jails.includes(j)) known.jails.push(j);
    }
  }
  const files = [...byPath.values()].map(({ file, jails }) => ({ ...file, jails: jails.sort((a, b) => a - b) }));
  return { files, problems, warnings };
}
