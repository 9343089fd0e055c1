// RawArgs → AuditConfig: reads the jail and filter configuration, applies command-line
// overrides, compiles every filter and date detector. Runs before any log byte is read;
// every problem here is a ConfigError or UsageError (exit code 1).
import path from 'node:path';
import { loadFilter } from '../config/load-filter.js';
import { loadJails } from '../config/load-jails.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../errors.js';
import { compileFilter } from '../filter/compile-filter.js';
import { createIgnoreMatcher } from '../jail/ignore-ip.js';
import type { PlannedJail } from '../pipeline/replay.js';
import type { ScanContext, ScanTarget } from '../pipeline/scan-file.js';
import { createDateDetector, type DateDetector } from '../time/date-detector.js';
import { parseTimeArg } from '../time/parse-time-arg.js';
import { parseZone, type Zone } from '../time/zone.js';
import type { EpochMs, JailSpec } from '../types.js';
import { UsageError, type ReplayArgs } from './options.js';

/** Lines longer than this are skipped and counted (bounded memory on hostile input). */
export const MAX_LINE_LENGTH = 64 * 1024;

/** Everything `audit` needs, resolved and compiled. */
export interface AuditConfig {
  jails: PlannedJail[];
  scan: Omit<ScanContext, 'stdin' | 'signal'>;
  /** Inputs as given, or the jails' logpath entries. */
  paths: string[];
  /** True when paths came from the jails' logpath (missing ones are then not errors). */
  pathsFromLogpath: boolean;
  /** Zone used to display times. */
  zone: Zone;
  now: EpochMs | undefined;
  warnings: string[];
}

/** Resolves the configuration for `audit`; `filtersDir` is banreplay's own `filters/`. */
export function resolveAuditConfig(args: ReplayArgs, filtersDir: string): AuditConfig {
  const configDir = args.config ?? filtersDir;
  const warnings: string[] = [];
  const all = loadJails({ configDir, extraFiles: args.jails });
  const selected = selectJails(all, args.jail, args.config !== undefined);

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

  selected.forEach((raw, index) => {
    const spec: JailSpec = {
      ...raw,
      maxretry: overrides.maxretry ?? raw.maxretry,
      findtime: overrides.findtime ?? raw.findtime,
      bantime: overrides.bantime ?? raw.bantime,
      ignoreip: [...raw.ignoreip, ...args.ignoreip.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== '')],
    };
    const def = loadFilter(spec.filter, { filterDirs, jailOptions: spec.filterOverrides, jailName: spec.name });
    const datepattern = spec.datepattern ?? def.datepattern;
    // The pre-check must know where a date can be cut out of the line.
    const filter = compileFilter(def, { datepattern });
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
    const ignore = createIgnoreMatcher(spec.ignoreip);
    for (const name of ignore.unresolved) {
      warnings.push(`jail ${spec.name}: ignoreip entry "${name}" is a host name; names are not resolved offline, ignored`);
    }
    jails.push({ spec, ignore: spec.ignoreip.length > 0 ? (id: string) => ignore.matches(id) : undefined });
  });

  const pathsFromLogpath = args.paths.length === 0;
  const paths = pathsFromLogpath ? [...new Set(jails.flatMap((j) => j.spec.logpath))] : args.paths;
  if (paths.length === 0) {
    throw new UsageError('no input: give log files, directories or - for stdin');
  }
  return {
    jails,
    scan: {
      targets,
      detectors,
      probe: createDateDetector(undefined, zone),
      now,
      maxLineLength: MAX_LINE_LENGTH,
    },
    paths,
    pathsFromLogpath,
    zone,
    now,
    warnings,
  };
}

function selectJails(all: JailSpec[], names: string[], fromUserConfig: boolean): JailSpec[] {
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
