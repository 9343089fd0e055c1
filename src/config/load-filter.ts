// Loads one fail2ban filter (`name[params]` or a path) into a FilterDefinition the way fail2ban
// 1.0.2's FilterReader does (client/filterreader.py, configreader.py:292-416): read order and
// includes, [Definition] < [Init] < parameters for `<tag>`s, `known/` copies of [Init], regex lists.
// Output strings still hold Python regex syntax and `<HOST>`-style tags; compiling is not done here.

import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { FilterDefinition } from '../types.js';
import { parseFilterRef } from './filter-ref.js';
import { configFilesFor, configStem, readConfigFiles, type IniDocument } from './ini-reader.js';
import { getOption, getOptionEx, substituteRecursiveTags } from './interpolate.js';

/** Options of {@link loadFilter}. */
export interface LoadFilterOptions {
  /** Directories searched in order for `name.conf` / `name.local` (a `filter.d` directory each). */
  filterDirs: string[];
  /**
   * The jail's options. Keys in {@link FILTER_OPTION_KEYS} replace the filter's own value (fail2ban
   * jailreader.py:94-120); `%(known/x)s` inside them expands to the filter's resolved value of `x`.
   * Other entries are visible to the filter's `%(x)s` interpolation, below the filter parameters.
   */
  jailOptions?: Record<string, string>;
  /** Jail name, for messages. */
  jailName?: string;
}

/**
 * Filter options a jail may override: fail2ban's FilterReader._configOpts plus banreplay's
 * `successregex` extension (a list, like failregex; fail2ban ignores the key).
 */
export const FILTER_OPTION_KEYS = [
  'usedns',
  'prefregex',
  'ignoreregex',
  'failregex',
  'maxlines',
  'datepattern',
  'journalmatch',
  'successregex',
] as const;

const DEFINITION = 'Definition';
const INIT = 'Init';
const CONDITIONAL_RE = /^(\w+)(\?.+)$/;
const KNOWN_REF_RE = /%\(known\/([^)]+)\)s/i;
const INT_RE = /^\s*[+-]?\d+\s*$/;
const USEDNS_VALUES = new Set(['yes', 'warn', 'no', 'raw']);

/** True when `name` designates a file rather than a name to look up in `filterDirs`. */
function isPathRef(name: string): boolean {
  return name.includes('/') || name.includes('\\') || name.endsWith('.conf') || name.endsWith('.local');
}

function locateFiles(name: string, filterDirs: string[], jailName: string | undefined): string[] {
  if (isPathRef(name)) {
    const base = name.replace(/\.(?:conf|local)$/, '');
    const files = configFilesFor(base);
    if (files.length === 0) {
      throw new ConfigError(`filter file ${JSON.stringify(name)} not found`, { section: jailName, key: 'filter' });
    }
    return files;
  }
  for (const dir of filterDirs) {
    const files = configFilesFor(join(dir, name));
    if (files.length > 0) return files;
  }
  throw new ConfigError(
    `filter ${JSON.stringify(name)} not found (looked for ${name}.conf / ${name}.local in ${
      filterDirs.length > 0 ? filterDirs.join(', ') : 'no directory'
    })`,
    { section: jailName, key: 'filter' },
  );
}

function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split('\n').filter((line) => line !== '');
}

/** Section of `doc` in which `key` is defined for messages: its own section, else DEFAULT. */
function whereIs(doc: IniDocument, mainFile: string, section: string, key: string): { file: string; section: string } {
  const own = doc.sections.get(section)?.origins.get(key);
  if (own) return { file: own.file, section };
  const def = doc.defaults.origins.get(key);
  if (def) return { file: def.file, section: 'DEFAULT' };
  return { file: mainFile, section };
}

/**
 * Reads filter `ref` (`name[k=v,...]` looked up in `filterDirs`, or a path to a `.conf` file with
 * optional `[params]`) and returns its fully substituted options (fail2ban-regex's reading path).
 */
export function loadFilter(ref: string, opts: LoadFilterOptions): FilterDefinition {
  const jailName = opts.jailName;
  let parsedRef;
  try {
    parsedRef = parseFilterRef(ref);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.message, { section: jailName, key: 'filter' });
    throw err;
  }
  const files = locateFiles(parsedRef.name, opts.filterDirs, jailName);
  const mainFile = files[0] ?? parsedRef.name;
  const doc = readConfigFiles(files);
  const name = isPathRef(parsedRef.name) ? configStem(mainFile) : parsedRef.name;

  // _initOpts: the jail's filter parameters (keys keep their case, as in fail2ban).
  const initOpts = new Map<string, string>(Object.entries(parsedRef.params));
  // applyAutoOptions: logtype follows the (file) backend unless a parameter or [Definition] sets it.
  const definition = doc.sections.get(DEFINITION);
  if (!initOpts.get('logtype') && !definition?.options.has('logtype')) initOpts.set('logtype', 'file');

  // pOpts: jail options overlaid by the parameters, given as `vars` to every [Definition] read.
  // The jail's filter overrides are left out: like fail2ban's `known/` options (jailreader.py:159),
  // the filter's own values are resolved first and the overrides replace them afterwards.
  const jailOptions = opts.jailOptions ?? {};
  const overrideKeys = new Set<string>(FILTER_OPTION_KEYS);
  const pOpts = new Map<string, string>();
  for (const [k, v] of Object.entries(jailOptions)) if (!overrideKeys.has(k)) pOpts.set(k, v);
  for (const [k, v] of initOpts) pOpts.set(k, v);

  const readDefinition = (key: string): string | undefined => getOption(doc, DEFINITION, key, { vars: pOpts });

  const combined = new Map<string, string>();
  for (const key of FILTER_OPTION_KEYS) {
    if (pOpts.has(key)) continue;
    const v = readDefinition(key);
    if (v !== undefined) combined.set(key, v);
  }
  // [Init] keys reach `<tag>`s (over [Definition]) and `known/<key>`, but not `%(x)s` (spec §2.3).
  const init = doc.sections.get(INIT);
  if (init !== undefined) {
    for (const key of init.options.keys()) {
      if (key === '__name__') continue;
      let v: string | undefined;
      if (!key.startsWith('known/')) {
        v = getOption(doc, INIT, key) ?? '';
        initOpts.set('known/' + key, v);
      }
      if (!initOpts.has(key)) initOpts.set(key, v ?? getOption(doc, INIT, key) ?? '');
    }
  }
  for (const [k, v] of initOpts) combined.set(k, v);

  const ignore = new Set<string>();
  for (const key of combined.keys()) {
    const cond = CONDITIONAL_RE.exec(key);
    if (cond) ignore.add(cond[1] ?? key);
  }
  const combCache = new Map<string, string | undefined>();
  const addrepl = (tag: string): string | undefined => {
    if (combCache.has(tag)) return combCache.get(tag);
    const v = getOptionEx(doc, DEFINITION, tag, pOpts);
    combCache.set(tag, v);
    return v;
  };
  const where = (key: string): { file: string; section: string } =>
    whereIs(doc, mainFile, initOpts.has(key) && init?.options.has(key) === true ? INIT : DEFINITION, key);
  const resolved = substituteRecursiveTags(combined, { ignore, addrepl, where });

  // `%(known/x)s` in a jail override: the filter's own resolved value (jailreader.py:159-160).
  const knownValue = (key: string, overrideKey: string): string => {
    const direct = resolved.get(key);
    if (direct !== undefined) return direct;
    const raw = addrepl(key);
    if (raw !== undefined) {
      const single = substituteRecursiveTags(new Map([[key, raw]]), {
        addrepl: (tag) => resolved.get(tag) ?? addrepl(tag),
        where: (k) => whereIs(doc, mainFile, DEFINITION, k),
      });
      return single.get(key) ?? raw;
    }
    throw new ConfigError(`%(known/${key})s: filter ${JSON.stringify(name)} has no option ${JSON.stringify(key)}`, {
      section: jailName,
      key: overrideKey,
    });
  };
  const final = new Map(resolved);
  for (const key of FILTER_OPTION_KEYS) {
    if (!Object.hasOwn(jailOptions, key)) continue;
    const override = jailOptions[key] ?? '';
    let value = '';
    let rest = override;
    for (let m = KNOWN_REF_RE.exec(rest); m; m = KNOWN_REF_RE.exec(rest)) {
      value += rest.slice(0, m.index) + knownValue((m[1] ?? '').toLowerCase(), key);
      rest = rest.slice(m.index + m[0].length);
    }
    final.set(key, value + rest);
  }

  const fromJail = (key: string): boolean => Object.hasOwn(jailOptions, key);
  const errWhere = (key: string): { file?: string; section?: string; key: string } =>
    fromJail(key) ? { section: jailName, key } : { ...where(key), key };

  let maxlines = 1;
  const maxlinesRaw = final.get('maxlines');
  if (maxlinesRaw !== undefined && maxlinesRaw.trim() !== '') {
    const n = INT_RE.test(maxlinesRaw) ? Number.parseInt(maxlinesRaw, 10) : Number.NaN;
    if (!(n > 0)) {
      const got = JSON.stringify(maxlinesRaw);
      throw new ConfigError(`maxlines must be an integer greater than zero, got ${got}`, errWhere('maxlines'));
    }
    maxlines = n;
  }
  let usedns = 'no';
  const usednsRaw = final.get('usedns');
  if (usednsRaw !== undefined && usednsRaw.trim() !== '') {
    usedns = usednsRaw.trim().toLowerCase();
    if (!USEDNS_VALUES.has(usedns)) {
      const got = JSON.stringify(usednsRaw);
      throw new ConfigError(`usedns must be yes, warn, no or raw, got ${got}`, errWhere('usedns'));
    }
  }
  const nonBlank = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

  return {
    name,
    file: mainFile,
    prefregex: nonBlank(final.get('prefregex')),
    failregex: splitList(final.get('failregex')),
    ignoreregex: splitList(final.get('ignoreregex')),
    successregex: splitList(final.get('successregex')),
    datepattern: nonBlank(final.get('datepattern')),
    maxlines,
    usedns,
    options: Object.fromEntries(final),
    missingIncludes: [...new Set(doc.skipped)],
  };
}

