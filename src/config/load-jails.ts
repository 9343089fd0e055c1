// Loads fail2ban jail definitions (jail.conf, jail.d/*.conf, jail.local, jail.d/*.local, then any
// extra jail files) into JailSpec records, as client/jailsreader.py and jailreader.py read them.
// Jail-level filter overrides keep `%(known/x)s` as literal text: loadFilter resolves it against
// the filter, which is what fail2ban's merged `known/` options amount to. Like fail2ban, only
// `enabled` is read up front: a jail's other values are checked when the jail is used. Never prints.

import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { BanTimeIncrementSpec, JailSpec } from '../types.js';
import { evaluateNumber, parseDuration } from './duration.js';
import {
  configFilesFor,
  INCLUDES_SECTION,
  isFile,
  KNOWN_PREFIX,
  readConfigFiles,
  type IniDocument,
} from './ini-reader.js';
import { getOption } from './interpolate.js';
import { FILTER_OPTION_KEYS } from './load-filter.js';

/** Options of {@link loadJails}. */
export interface LoadJailsOptions {
  /** A fail2ban configuration directory (holding jail.conf and/or jail.local, jail.d/). */
  configDir: string;
  /** jail.local-style files layered on top, in order (banreplay's `--jails FILE`). */
  extraFiles?: string[];
}

/** fail2ban's version, visible to jail files as `%(fail2ban_version)s` (jailreader.py:127-130). */
export const FAIL2BAN_VERSION = '1.0.2';

// Code defaults when neither the jail nor [DEFAULT] sets the option (spec §7.1).
const DEFAULT_MAXRETRY = 3;
const DEFAULT_FINDTIME = 600;
const DEFAULT_BANTIME = 600;

const TRUE_WORDS = new Set(['1', 'on', 'true', 'yes']);
const INT_RE = /^\s*[+-]?\d+\s*$/;
const WORD_SPLIT_RE = /[ ,\n]+/;
const LOGPATH_MODE_RE = /^(.*\S)\s+(?:tail|head)$/i;

/** fail2ban's `_as_bool`: `1`, `on`, `true`, `yes` (any case) are true, everything else false. */
export function parseBool(value: string): boolean {
  return TRUE_WORDS.has(value.toLowerCase());
}

/** fail2ban's `splitwords`: split on spaces, commas and newlines, dropping empty entries. */
export function splitWords(value: string): string[] {
  return value
    .split(WORD_SPLIT_RE)
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** One logpath entry per line; a trailing ` tail` / ` head` (fail2ban's start position) is dropped. */
export function splitLogpath(value: string): string[] {
  const out: string[] = [];
  for (const line of value.split('\n')) {
    const entry = line.trim();
    if (entry === '') continue;
    out.push(LOGPATH_MODE_RE.exec(entry)?.[1] ?? entry);
  }
  return out;
}

// Options whose errors are found after loading (a filter that cannot be read, a formula
// banreplay cannot evaluate): where each was set, when another file than the jail's own.
const LATE_CHECKED_OPTIONS = ['filter', 'bantime.formula'];

function optionSources(doc: IniDocument, jail: string, own: string | undefined): { optionSources?: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const key of LATE_CHECKED_OPTIONS) {
    const file = whereOf(doc, jail, key).file;
    if (file !== undefined && file !== own) out[key] = file;
  }
  return Object.keys(out).length === 0 ? {} : { optionSources: out };
}

function whereOf(doc: IniDocument, jail: string, key: string): { file?: string; section: string; key: string } {
  const origin = doc.sections.get(jail)?.origins.get(key) ?? doc.defaults.origins.get(key);
  return { file: origin?.file ?? doc.sections.get(jail)?.file, section: jail, key };
}

function readInt(doc: IniDocument, jail: string, key: string, fallback: number): number {
  const raw = getOption(doc, jail, key);
  if (raw === undefined) return fallback;
  if (!INT_RE.test(raw)) {
    throw new ConfigError(`expected an integer, got ${JSON.stringify(raw)}`, whereOf(doc, jail, key));
  }
  return Number.parseInt(raw, 10);
}

function readDuration(doc: IniDocument, jail: string, key: string, fallback: number): number {
  const raw = getOption(doc, jail, key);
  if (raw === undefined) return fallback;
  try {
    return parseDuration(raw);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.message, whereOf(doc, jail, key));
    throw err;
  }
}

function readOptionalDuration(doc: IniDocument, jail: string, key: string): number | undefined {
  const raw = getOption(doc, jail, key);
  return raw === undefined || raw.trim() === '' ? undefined : readDuration(doc, jail, key, 0);
}

/**
 * `bantime.*` options (jailreader.py:101-107, jail.py setBanTimeExtra); undefined unless
 * `bantime.increment` is true. `bantime.formula` is kept as text: src/jail compiles it.
 */
function readBanTimeIncrement(doc: IniDocument, jail: string): BanTimeIncrementSpec | undefined {
  const on = getOption(doc, jail, 'bantime.increment');
  if (on === undefined || !parseBool(on.trim())) return undefined;
  const factorRaw = getOption(doc, jail, 'bantime.factor')?.trim() || '1';
  // fail2ban eval()s the factor; banreplay takes plain arithmetic only.
  const factor = evaluateNumber(factorRaw);
  if (factor === undefined) {
    throw new ConfigError(`expected a number, got ${JSON.stringify(factorRaw)}`, whereOf(doc, jail, 'bantime.factor'));
  }
  const multipliersRaw = getOption(doc, jail, 'bantime.multipliers')?.trim() ?? '';
  const multipliers: number[] = [];
  for (const word of multipliersRaw === '' ? [] : multipliersRaw.split(/\s+/)) {
    if (!INT_RE.test(word)) {
      throw new ConfigError(
        `expected integers separated by spaces, got ${JSON.stringify(word)}`,
        whereOf(doc, jail, 'bantime.multipliers'),
      );
    }
    multipliers.push(Number.parseInt(word, 10));
  }
  const formula = getOption(doc, jail, 'bantime.formula')?.trim() || undefined;
  const overall = getOption(doc, jail, 'bantime.overalljails');
  return {
    factor,
    formula,
    multipliers,
    maxtime: readOptionalDuration(doc, jail, 'bantime.maxtime'),
    rndtime: readOptionalDuration(doc, jail, 'bantime.rndtime'),
    overalljails: overall !== undefined && parseBool(overall.trim()),
  };
}

function readJail(doc: IniDocument, name: string, enabled: boolean): JailSpec {
  const section = doc.sections.get(name);
  const own = section?.options ?? new Map<string, string>();
  const filterOverrides: Record<string, string> = {};
  for (const key of FILTER_OPTION_KEYS) {
    if (!own.has(key)) continue;
    const v = getOption(doc, name, key, { deferKnown: true });
    if (v !== undefined) filterOverrides[key] = v;
  }
  const ignoreip = getOption(doc, name, 'ignoreip');
  const logpath = getOption(doc, name, 'logpath');
  const banTimeIncrement = readBanTimeIncrement(doc, name);
  return {
    name,
    enabled,
    filter: (getOption(doc, name, 'filter') ?? '').trim(),
    maxretry: readInt(doc, name, 'maxretry', DEFAULT_MAXRETRY),
    findtime: readDuration(doc, name, 'findtime', DEFAULT_FINDTIME),
    bantime: readDuration(doc, name, 'bantime', DEFAULT_BANTIME),
    ignoreip: ignoreip === undefined ? [] : splitWords(ignoreip),
    logpath: logpath === undefined ? [] : splitLogpath(logpath),
    logtimezone: getOption(doc, name, 'logtimezone')?.trim() || undefined,
    datepattern: filterOverrides['datepattern'],
    filterOverrides,
    source: section?.file ?? '',
    ...optionSources(doc, name, section?.file),
    backend: (getOption(doc, name, 'backend') ?? 'auto').trim() || 'auto',
    ...(banTimeIncrement !== undefined ? { banTimeIncrement } : {}),
  };
}

/** One jail section, read lazily: fail2ban skips a disabled jail without looking at its values. */
export interface JailEntry {
  name: string;
  /** The jail's `enabled`; a value that cannot be read counts as enabled, so its error surfaces. */
  enabled: boolean;
  /** The file that first defined the section. */
  source: string;
  /** Reads and checks every option (cached); throws ConfigError naming file, jail and key. */
  load(): JailSpec;
}

/**
 * Lists every jail (each section except DEFAULT and INCLUDES) of `configDir` in fail2ban's file
 * order, then `extraFiles`; `%(__name__)s` is the jail name, so `filter = %(__name__)s[mode=%(mode)s]`
 * works. Only unreadable files throw here; a jail's own values are checked by its `load()`.
 */
export function readJailEntries(opts: LoadJailsOptions): JailEntry[] {
  const extra = opts.extraFiles ?? [];
  for (const file of extra) {
    if (!isFile(file)) throw new ConfigError('jail file not found or not a regular file', { file });
  }
  const files = [...configFilesFor(join(opts.configDir, 'jail')), ...extra];
  if (files.length === 0) {
    throw new ConfigError(`no jail.conf, jail.local or jail.d/ files in ${opts.configDir}`);
  }
  const doc = readConfigFiles(files);
  // jailreader.py:127-130 merges these into DEFAULT before any interpolation.
  doc.defaults.options.set('fail2ban_version', FAIL2BAN_VERSION);
  doc.defaults.options.set('fail2ban_confpath', opts.configDir.replace(/\/+$/, '') || '/');
  const entries: JailEntry[] = [];
  for (const name of doc.sections.keys()) {
    if (name === INCLUDES_SECTION || name.startsWith(KNOWN_PREFIX)) continue;
    let enabled: boolean;
    let enabledError: unknown;
    try {
      enabled = parseBool((getOption(doc, name, 'enabled') ?? 'false').trim());
    } catch (err) {
      enabled = true;
      enabledError = err;
    }
    let spec: JailSpec | undefined;
    entries.push({
      name,
      enabled,
      source: doc.sections.get(name)?.file ?? '',
      load: () => {
        if (enabledError !== undefined) throw enabledError;
        spec ??= readJail(doc, name, enabled);
        return spec;
      },
    });
  }
  return entries;
}

/**
 * Reads every jail that loads: an enabled jail with a bad value throws, a disabled one is left
 * out (fail2ban never reads a disabled jail's values). See {@link readJailEntries}.
 */
export function loadJails(opts: LoadJailsOptions): JailSpec[] {
  const jails: JailSpec[] = [];
  for (const entry of readJailEntries(opts)) {
    if (entry.enabled) {
      jails.push(entry.load());
      continue;
    }
    try {
      jails.push(entry.load());
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
  }
  return jails;
}
