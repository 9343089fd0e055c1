// `banreplay test-filter LOG FILTER [IGNOREREGEX]`: fail2ban-regex over rotated and gzipped
// logs. Resolves FILTER (file → name in filter.d → raw regex), compiles it and the date
// detector before reading, feeds every line to the counting core, renders. No process access.
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Chalk } from 'chalk';
import {
  createFilterTest, type FilterSource, type FilterTestFile, type FilterTestReport,
} from '../../analysis/filter-test.js';
import { configFilesFor, isFile } from '../../config/ini-reader.js';
import { parseFilterRef } from '../../config/filter-ref.js';
import { loadFilter } from '../../config/load-filter.js';
import { ConfigError } from '../../errors.js';
import { compileFilter, type CompiledFilter } from '../../filter/compile-filter.js';
import { readLines } from '../../lines/read-lines.js';
import {
  LIST_LIMIT, renderFilterTestJson, renderFilterTestNdjson, renderFilterTestText, type ListMode,
} from '../../report/render-filter-test.js';
import { discoverSources } from '../../source/discover.js';
import { createDateDetector } from '../../time/date-detector.js';
import { formatTime } from '../../time/format-time.js';
import { parseTimeArg } from '../../time/parse-time-arg.js';
import { parseZone } from '../../time/zone.js';
import type { FilterDefinition } from '../../types.js';
import { UsageError } from '../../errors.js';
import { readReplayArgs } from '../options.js';
import type { CommandIo, CommandResult, CommandSpec } from './command-io.js';

/** Output formats of `test-filter`. */
export const TEST_FILTER_FORMATS = ['text', 'json', 'ndjson'] as const;

/** Arguments of `test-filter`. */
export interface TestFilterArgs {
  log: string;
  filter: string;
  ignoreregex: string | undefined;
  config: string | undefined;
  now: string | undefined;
  timezone: string | undefined;
  rotated: boolean;
  color: boolean | undefined;
  debug: boolean;
  format: (typeof TEST_FILTER_FORMATS)[number];
  datepattern: string | undefined;
  usedns: 'yes' | 'warn' | 'no' | 'raw' | undefined;
  maxlines: number | undefined;
  verbose: number;
  printAllMatched: boolean;
  printAllMissed: boolean;
  printAllIgnored: boolean;
  printNoMissed: boolean;
  printNoIgnored: boolean;
}

const USEDNS = ['yes', 'warn', 'no', 'raw'] as const;

/** `banreplay test-filter LOG FILTER [IGNOREREGEX]`. */
export const testFilterCommand: CommandSpec<TestFilterArgs> = {
  name: 'test-filter',
  usage: 'test-filter <log> <filter> [ignoreregex]',
  synopsis: 'test-filter LOG FILTER [IGNOREREGEX] [options]',
  summary: 'count what one filter matches in a log, like fail2ban-regex (gzip and rotated sets too)',
  builder: (y) =>
    y
      .positional('log', { type: 'string', describe: 'log file (with its rotated siblings), directory, glob, or - for stdin' })
      .positional('filter', {
        type: 'string',
        describe: 'filter name with optional [k=v,...] parameters, path to a .conf file, or a raw failregex',
      })
      .positional('ignoreregex', { type: 'string', describe: 'an extra ignoreregex' })
      .option('config', { alias: 'c', type: 'string', describe: 'fail2ban configuration directory whose filter.d/ holds FILTER, e.g. /etc/fail2ban' })
      .option('now', { type: 'string', describe: 'reference time for year-less stamps (default: each file\'s mtime)' })
      .option('timezone', { alias: 'tz', type: 'string', describe: 'zone of stamps without one: IANA name or offset (default: local zone)' })
      .option('rotated', { type: 'boolean', default: true, describe: 'bring in rotated siblings of LOG (--no-rotated to disable)' })
      .option('format', { alias: 'f', choices: TEST_FILTER_FORMATS, default: 'text' as const, describe: 'output format; ndjson = one object per failure' })
      .option('datepattern', { alias: 'd', type: 'string', describe: 'datepattern replacing the filter\'s' })
      .option('usedns', { choices: USEDNS, describe: 'host handling replacing the filter\'s usedns (banreplay never resolves names)' })
      .option('maxlines', { alias: 'L', type: 'number', describe: 'multi-line buffer size replacing the filter\'s maxlines' })
      .option('verbose', { alias: 'v', type: 'count', describe: 'also zero-hit regexes, the ids each regex found, every date template' })
      .option('print-all-matched', { type: 'boolean', default: false, describe: 'list every matched line' })
      .option('print-all-missed', { type: 'boolean', default: false, describe: 'list every missed line' })
      .option('print-all-ignored', { type: 'boolean', default: false, describe: 'list every ignored line' })
      .option('print-no-missed', { type: 'boolean', default: false, describe: 'do not list missed lines' })
      .option('print-no-ignored', { type: 'boolean', default: false, describe: 'do not list ignored lines' })
      .option('color', { type: 'boolean', describe: 'force colour on or off (default: on for a terminal, off with NO_COLOR)' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces' }),
  toArgs: (a) => {
    const shared = readReplayArgs({ ...a, paths: [a['log']] });
    const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
    const format = TEST_FILTER_FORMATS.find((f) => f === a['format']) ?? 'text';
    return {
      log: shared.paths[0] ?? '-',
      filter: String(a['filter']),
      ignoreregex: str(a['ignoreregex']),
      config: shared.config,
      now: shared.now,
      timezone: shared.timezone,
      rotated: shared.rotated,
      color: shared.color,
      debug: shared.debug,
      format,
      datepattern: str(a['datepattern']),
      usedns: USEDNS.find((u) => u === a['usedns']),
      maxlines: typeof a['maxlines'] === 'number' ? a['maxlines'] : undefined,
      verbose: typeof a['verbose'] === 'number' ? a['verbose'] : 0,
      printAllMatched: a['print-all-matched'] === true,
      printAllMissed: a['print-all-missed'] === true,
      printAllIgnored: a['print-all-ignored'] === true,
      printNoMissed: a['print-no-missed'] === true,
      printNoIgnored: a['print-no-ignored'] === true,
    };
  },
  readsStdin: (args) => args.log === '-',
  color: (args) => args.color,
  run: runTestFilter,
};

/** Runs `test-filter` with already-parsed arguments. */
export async function runTestFilter(args: TestFilterArgs, io: CommandIo): Promise<CommandResult> {
  if (args.printAllMissed && args.printNoMissed) throw new UsageError('--print-no-missed and --print-all-missed are mutually exclusive');
  if (args.printAllIgnored && args.printNoIgnored) throw new UsageError('--print-no-ignored and --print-all-ignored are mutually exclusive');
  if (args.maxlines !== undefined && !(Number.isInteger(args.maxlines) && args.maxlines > 0)) {
    throw new UsageError(`--maxlines must be an integer greater than zero, got ${String(args.maxlines)}`);
  }
  const zone = parseZone(args.timezone);
  const now = args.now === undefined ? undefined : parseTimeArg(args.now, zone, '--now');
  const resolved = resolveFilterArg(args.filter, {
    configDir: args.config ?? io.filtersDir,
    builtIn: args.config === undefined,
    ignoreregex: args.ignoreregex,
    usedns: args.usedns,
    datepattern: args.datepattern,
    maxlines: args.maxlines,
  });
  const { filter, datepattern } = resolved;
  const detector = createDateDetector(datepattern, zone);
  const warnings: string[] = [];
  if (filter.maxlines > 1) {
    // fail2ban-regex re-counts earlier buffered lines that a multi-line match consumed as matched.
    warnings.push(`maxlines = ${filter.maxlines}: each line is counted by its own verdict; fail2ban-regex also counts ` +
      'the earlier lines a multi-line match took in as matched, so its matched/missed split may differ');
  }

  const discovered = await discoverSources([args.log], { rotated: args.rotated });
  const problems: Error[] = [...discovered.problems];
  const lists = {
    matched: args.printAllMatched ? 'all' as const : 'none' as const,
    missed: args.printNoMissed ? 'none' as const : args.printAllMissed ? 'all' as const : 'some' as const,
    ignored: args.printNoIgnored ? 'none' as const : args.printAllIgnored ? 'all' as const : 'some' as const,
  };
  const limit = (mode: ListMode): number => (mode === 'all' ? Infinity : mode === 'some' ? LIST_LIMIT : 0);
  const text = args.format === 'text';
  const test = createFilterTest({
    filter,
    detector,
    collectFailures: !text,
    collectIds: text && args.verbose > 0,
    // JSON lists lines only when asked for all of them; text prints a few by default.
    keep: text
      ? { matched: limit(lists.matched), missed: limit(lists.missed), ignored: limit(lists.ignored) }
      : {
        matched: lists.matched === 'all' ? Infinity : 0,
        missed: lists.missed === 'all' ? Infinity : 0,
        ignored: lists.ignored === 'all' ? Infinity : 0,
      },
  });

  const files: FilterTestFile[] = [];
  for (const file of discovered.files) {
    const mtime = file.path === '-' && file.mtimeMs === undefined ? io.stdinMtimeMs : file.mtimeMs;
    test.beginFile(files.length, now ?? mtime ?? 0);
    const read = await readLines(file, test.onLine, {
      ...(io.stdin === undefined ? {} : { stdin: io.stdin }),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    });
    files.push({ path: file.path, gzip: read.gzip, lines: read.lines, overlong: read.overlong });
    if (read.error !== undefined) problems.push(read.error);
    if (read.overlong > 0) warnings.push(`${file.path}: ${read.overlong} over-long line(s) skipped`);
  }
  if (discovered.files.length === 0 && problems.length === 0) problems.push(new Error(`no log file found in ${args.log}`));

  const report: FilterTestReport = {
    source: resolved.source,
    ignoreArg: args.ignoreregex,
    filterName: filter.name,
    // Our own filters are named from the package root, so output does not depend on where it lives.
    filterFile: resolved.source.kind === 'regex'
      ? undefined
      : resolved.source.kind === 'name' && args.config === undefined
        ? relative(dirname(resolve(io.filtersDir)), filter.file)
        : filter.file,
    datepattern,
    zone: zone.name,
    files,
    prefregex: filter.prefregex?.python,
    failregex: filter.failregex.map((p) => p.raw),
    ignoreregex: filter.ignoreregex.map((p) => p.raw),
    successregex: filter.successregex.map((p) => p.raw),
    templates: detector.templates,
    multiline: filter.multiline,
    result: test.result(),
  };
  const fmt = (ms: number): string => formatTime(ms, zone);
  let output: string;
  if (args.format === 'ndjson') {
    output = renderFilterTestNdjson(report, { formatTime: fmt });
  } else if (args.format === 'json') {
    output = renderFilterTestJson(report, {
      formatTime: fmt,
      lists: { matched: lists.matched === 'all', missed: lists.missed === 'all', ignored: lists.ignored === 'all' },
    });
  } else {
    output = renderFilterTestText(report, {
      chalk: new Chalk({ level: io.colorLevel }),
      formatTime: fmt,
      verbose: args.verbose > 0,
      lists,
    });
  }
  return { output, warnings, problems };
}

/** Command-line settings that change the filter. */
export interface FilterArgOptions {
  /** Configuration directory (its filter.d/ is searched), or a filter.d directory itself. */
  configDir: string;
  /** configDir is banreplay's own filters/ (reported as such). */
  builtIn: boolean;
  /** IGNOREREGEX, appended to the filter's ignoreregex list. */
  ignoreregex: string | undefined;
  usedns: string | undefined;
  /** Replaces the filter's datepattern. */
  datepattern: string | undefined;
  /** Replaces the filter's maxlines. */
  maxlines: number | undefined;
}

/** FILTER understood and compiled, with the datepattern in effect. */
export interface ResolvedFilter {
  source: FilterSource;
  filter: CompiledFilter;
  datepattern: string | undefined;
}

// fail2ban-regex's test for "this could be a filter name or path" (fail2banregex.py readRegex).
const FILTER_REF_SHAPE = /^\/{0,3}[\w/\-.]+(?:\[[\s\S]*\])?$/;
const CONFIG_EXT = /\.(?:conf|local)$/;
// Stands in for a file name in the errors of a raw regex (rewritten before they surface).
const RAW_REGEX_FILE = 'FILTER argument';

/**
 * FILTER, tried in order: an existing `.conf`/`.local` file (or a path to a filter without
 * its extension), a name in `configDir/filter.d` (or configDir itself when it is a filter.d),
 * else a raw failregex used as is. IGNOREREGEX and the overriding options apply to all three.
 */
export function resolveFilterArg(arg: string, opts: FilterArgOptions): ResolvedFilter {
  const { configDir, ignoreregex, usedns } = opts;
  const filterDir = basename(configDir) === 'filter.d' ? configDir : join(configDir, 'filter.d');
  const build = (source: FilterSource, loaded: FilterDefinition): ResolvedFilter => {
    const def: FilterDefinition = {
      ...loaded,
      ignoreregex: ignoreregex === undefined ? loaded.ignoreregex : [...loaded.ignoreregex, ignoreregex],
      usedns: usedns ?? loaded.usedns,
      datepattern: opts.datepattern ?? loaded.datepattern,
      maxlines: opts.maxlines ?? loaded.maxlines,
    };
    try {
      return { source, filter: compileFilter(def), datepattern: def.datepattern };
    } catch (err) {
      // An error in IGNOREREGEX would otherwise be blamed on the filter file it was added to.
      if (!(err instanceof ConfigError) || err.key !== 'ignoreregex' || ignoreregex === undefined) throw err;
      const at = err.message.indexOf('ignoreregex: ');
      if (at < 0 || !err.message.includes(ignoreregex)) throw err;
      throw new IgnoreRegexError(`IGNOREREGEX: ${err.message.slice(at + 'ignoreregex: '.length)}`);
    }
  };
  let nameLike: string | undefined;
  if (FILTER_REF_SHAPE.test(arg)) {
    const ref = parseFilterRef(arg);
    const params = ref.name === arg.trim() ? '' : arg.slice(arg.indexOf('['));
    const base = ref.name.replace(CONFIG_EXT, '');
    const hasSlash = ref.name.includes('/');
    if ((isFile(ref.name) && CONFIG_EXT.test(ref.name)) || (hasSlash && configFilesFor(base).length > 0)) {
      const path = hasSlash ? ref.name : `./${ref.name}`;
      const def = loadFilter(path + params, { filterDirs: [] });
      return build({ kind: 'file', ref: arg, path: ref.name, params: ref.params }, def);
    }
    if (!hasSlash && configFilesFor(join(filterDir, base)).length > 0) {
      const def = loadFilter(base + params, { filterDirs: [filterDir] });
      const basedir = opts.builtIn ? undefined : dirname(filterDir);
      return build({ kind: 'name', ref: arg, basedir, params: ref.params }, def);
    }
    nameLike = ref.name;
  }
  // A raw regex is used exactly as given: no common prefix, fail2ban's default date templates.
  const raw: FilterDefinition = {
    name: 'failregex',
    file: RAW_REGEX_FILE,
    prefregex: undefined,
    failregex: [arg],
    ignoreregex: [],
    successregex: [],
    datepattern: undefined,
    maxlines: 1,
    usedns: 'no',
    options: {},
  };
  try {
    return build({ kind: 'regex', regex: arg }, raw);
  } catch (err) {
    if (!(err instanceof ConfigError) || err instanceof IgnoreRegexError) throw err;
    // The location prefix names our placeholder file; say what FILTER was taken for instead.
    const prefix = `${RAW_REGEX_FILE} [Definition] `;
    const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    throw new ConfigError(nameLike === undefined
      ? `FILTER used as a regex: ${detail}`
      : `filter ${JSON.stringify(nameLike)} not found (looked for ${nameLike}.conf / ${nameLike}.local in ${
        opts.builtIn ? 'banreplay\'s filters/filter.d' : filterDir}), and as a regex: ${detail}`);
  }
}

/** A mistake in the IGNOREREGEX argument (kept apart from FILTER's own errors). */
class IgnoreRegexError extends ConfigError {}
