// fail2ban's two substitution layers over a merged IniDocument: layer 1 is ConfigParser's `%(x)s`
// with fail2ban's `%(sec/opt)s`, `%(default/opt)s`, `%(known/opt)s`, `%(__name__)s` extensions
// (configparserinc.py:40-62,147-231); layer 2 is `substituteRecursiveTags` (helpers.py:409-511).
// Every failure is a ConfigError naming file, section and key; nothing here reads files or prints.

import { ConfigError } from '../errors.js';
import type { IniDocument, IniSection } from './ini-reader.js';

/** ConfigParser's MAX_INTERPOLATION_DEPTH. */
export const MAX_INTERPOLATION_DEPTH = 10;
/** helpers.MAX_TAG_REPLACE_COUNT: more replacements of one tag inside one value is an error. */
export const MAX_TAG_REPLACE_COUNT = 25;

const DEFAULT_SECTION = 'DEFAULT';
const KNOWN_PREFIX = 'KNOWN/';
const KEY_RE = /^%\(([^)]+)\)s/;
// SECTION_OPTSUBST_CRE and SECTION_OPTNAME_CRE of configparserinc.py.
const SECTION_OPT_SUBST_RE = /%\(([\w-]+\/([^)]+))\)s/;
const SECTION_OPT_NAME_RE = /^([\w-]+)\/([^\s>]+)$/;
// helpers.TAG_CRE: innermost tags first, because a tag name cannot contain `<`, `>` or a space.
const TAG_RE = /<([^ <>]+)>/;

/** Variables given to a read (`vars=` in ConfigParser.get); names are matched case-insensitively. */
export type Vars = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** Options of {@link getOption}. */
export interface GetOptionOptions {
  /** Highest-priority lookups (`vars`); fail2ban passes the jail's filter parameters here. */
  vars?: Vars;
  /** Return the value without `%(x)s` expansion. */
  raw?: boolean;
  /**
   * Leave every `%(known/x)s` reference as the literal text `%(known/x)s` (lowercased) instead of
   * resolving it; used for jail-level filter overrides, resolved later against the filter itself.
   */
  deferKnown?: boolean;
}

interface Ctx {
  doc: IniDocument;
  section: string;
  option: string;
  sectionOpts: Map<string, string> | undefined;
  vars: Map<string, string>;
  deferKnown: boolean;
  where: { file?: string; section?: string; key?: string };
}

function lowerVars(vars: Vars | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (vars === undefined) return out;
  const entries = vars instanceof Map ? vars.entries() : Object.entries(vars);
  for (const [k, v] of entries) out.set(k.toLowerCase(), v);
  return out;
}

function sectionOf(doc: IniDocument, name: string): IniSection | undefined {
  return doc.sections.get(name);
}

/**
 * ConfigParser `get(section, option, vars=...)`: the value from vars, then the section, then
 * `[DEFAULT]`, with `%(x)s` expanded in the context of `section`; undefined when the section
 * (other than DEFAULT) or the option does not exist.
 */
export function getOption(
  doc: IniDocument,
  section: string,
  option: string,
  opts: GetOptionOptions = {},
): string | undefined {
  const sec = section === DEFAULT_SECTION ? undefined : sectionOf(doc, section);
  if (sec === undefined && section !== DEFAULT_SECTION) return undefined;
  const name = option.toLowerCase();
  const vars = lowerVars(opts.vars);
  const value = vars.get(name) ?? sec?.options.get(name) ?? doc.defaults.options.get(name);
  if (value === undefined) return undefined;
  if (opts.raw === true) return value;
  const origin = vars.has(name) ? undefined : (sec?.origins.get(name) ?? doc.defaults.origins.get(name));
  const ctx: Ctx = {
    doc,
    section,
    option: name,
    sectionOpts: sec?.options,
    vars,
    deferKnown: opts.deferKnown === true,
    where: { file: origin?.file ?? sec?.file, section, key: name },
  };
  const accum: string[] = [];
  interpolateSome(ctx, accum, value, new Map(), 1);
  return accum.join('');
}

/**
 * fail2ban's `get_ex`: like {@link getOption}, but an option named `sec/opt` is first read from
 * section `sec` (`default/opt` from DEFAULT, `known/opt` from KNOWN/<section> then `section`).
 */
export function getOptionEx(doc: IniDocument, section: string, option: string, vars?: Vars): string | undefined {
  const sopt = option.includes('/') ? SECTION_OPT_NAME_RE.exec(option) : null;
  if (sopt) {
    const sec = sopt[1] ?? '';
    const opt = sopt[2] ?? '';
    const lower = sec.toLowerCase();
    const candidates =
      lower === 'known' ? [KNOWN_PREFIX + section, section] : [lower === 'default' ? DEFAULT_SECTION : sec];
    for (const candidate of candidates) {
      const v = getOption(doc, candidate, opt);
      if (v !== undefined) return v;
    }
  }
  return getOption(doc, section, option, vars === undefined ? {} : { vars });
}

function lookup(ctx: Ctx, overlay: Map<string, string>, name: string): string | undefined {
  return overlay.get(name) ?? ctx.vars.get(name) ?? ctx.sectionOpts?.get(name) ?? ctx.doc.defaults.options.get(name);
}

function has(ctx: Ctx, overlay: Map<string, string>, name: string): boolean {
  return lookup(ctx, overlay, name) !== undefined;
}

/**
 * `_map_section_options`: makes `%(sec/opt)s`, `%(default/opt)s` and `%(known/opt)s` found in
 * `rest` resolvable by adding their raw values to the lookup overlay. Like fail2ban, the overlay
 * key keeps its spelling while lookups are lowercased, so mixed-case section names do not resolve.
 */
function mapSectionOptions(ctx: Ctx, rest: string, overlay: Map<string, string>): void {
  if (!rest.includes('/') || !rest.includes('%(')) return;
  let pos = 0;
  for (;;) {
    const m = SECTION_OPT_SUBST_RE.exec(rest.slice(pos));
    if (!m) return;
    pos += m.index + m[0].length;
    const sopt = m[1] ?? '';
    const opt = m[2] ?? '';
    if (has(ctx, overlay, sopt)) continue;
    const sec = sopt.slice(0, sopt.length - opt.length - 1);
    const lower = sec.toLowerCase();
    let value: string | undefined;
    if (lower === 'known') {
      value = sectionOf(ctx.doc, KNOWN_PREFIX + ctx.section)?.options.get(opt);
    } else if (lower !== 'default') {
      const target = sectionOf(ctx.doc, sec);
      if (target === undefined) continue;
      value = target.options.get(opt);
    }
    value ??= ctx.doc.defaults.options.get(opt);
    if (value === undefined) continue;
    overlay.set(sopt, value);
  }
}

/** BasicInterpolation._interpolate_some with fail2ban's `__name__` and section-option wrapping. */
function interpolateSome(
  ctx: Ctx,
  accum: string[],
  rest: string,
  parentOverlay: Map<string, string>,
  depth: number,
): void {
  const overlay = new Map(parentOverlay);
  overlay.set('__name__', ctx.section);
  mapSectionOptions(ctx, rest, overlay);
  if (depth > MAX_INTERPOLATION_DEPTH) {
    throw new ConfigError(
      `%(...)s references nest deeper than ${MAX_INTERPOLATION_DEPTH} levels (an option probably refers to itself)`,
      ctx.where,
    );
  }
  let pos = 0;
  while (pos < rest.length) {
    const p = rest.indexOf('%', pos);
    if (p < 0) {
      accum.push(rest.slice(pos));
      return;
    }
    if (p > pos) accum.push(rest.slice(pos, p));
    const c = rest.charAt(p + 1);
    if (c === '%') {
      accum.push('%');
      pos = p + 2;
      continue;
    }
    const m = c === '(' ? KEY_RE.exec(rest.slice(p)) : null;
    if (!m) {
      throw new ConfigError(
        `'%' must be followed by '%' or '(name)s', found ${JSON.stringify(rest.slice(p, p + 20))}` +
          ' (write %% for a literal %)',
        ctx.where,
      );
    }
    pos = p + m[0].length;
    const name = (m[1] ?? '').toLowerCase();
    if (ctx.deferKnown && name.startsWith('known/')) {
      accum.push(`%(${name})s`);
      continue;
    }
    const value = lookup(ctx, overlay, name);
    if (value === undefined) {
      throw new ConfigError(`%(${m[1] ?? ''})s refers to an option that is not defined`, ctx.where);
    }
    if (value.includes('%')) interpolateSome(ctx, accum, value, overlay, depth + 1);
    else accum.push(value);
  }
}

/** Options of {@link substituteRecursiveTags}. */
export interface SubstituteOptions {
  /** Tags never replaced, and keys whose values are left alone. */
  ignore?: Iterable<string>;
  /** Fallback lookup for a tag missing from the dictionary (fail2ban's `getCombOption`). */
  addrepl?: (tag: string) => string | undefined;
  /** Location reported when the key `key` cannot be resolved. */
  where?: (key: string) => { file?: string; section?: string };
}

interface TagMatch {
  name: string;
  start: number;
  end: number;
}

function searchTag(value: string, from: number): TagMatch | undefined {
  const m = TAG_RE.exec(from === 0 ? value : value.slice(from));
  if (!m) return undefined;
  const start = from + m.index;
  return { name: m[1] ?? '', start, end: start + m[0].length };
}

/**
 * fail2ban's `substituteRecursiveTags`: replaces `<tag>` in every value by the value of `tag`,
 * innermost first and repeatedly until stable; unknown tags (`<HOST>`, `<F-USER>`) stay.
 * Returns a new map; a self-reference or more than 25 replacements of one tag is a ConfigError.
 */
export function substituteRecursiveTags(
  input: ReadonlyMap<string, string>,
  opts: SubstituteOptions = {},
): Map<string, string> {
  const tags = new Map(input);
  const ignore = new Set(opts.ignore ?? []);
  const done = new Set<string>();
  const repCounts = new Map<string, Map<string, number>>();
  const keys = [...tags.keys()];
  // fail2ban loops until nothing changes; the replacement counters bound it, this is a last guard.
  for (let pass = 0; pass < 10_000; pass++) {
    let repeat = false;
    for (const tag of keys) {
      if (ignore.has(tag) || done.has(tag)) continue;
      const orig = tags.get(tag) ?? '';
      let value = orig;
      const counts = repCounts.get(tag) ?? new Map<string, number>();
      let m = searchTag(value, 0);
      while (m) {
        const rtag = m.name;
        if (ignore.has(rtag)) {
          m = searchTag(value, m.end);
          continue;
        }
        if (rtag === tag || (counts.get(rtag) ?? 1) > MAX_TAG_REPLACE_COUNT) {
          const where = opts.where?.(tag) ?? {};
          throw new ConfigError(
            rtag === tag
              ? `<${rtag}> refers to itself and cannot be resolved`
              : `<${rtag}> was replaced more than ${MAX_TAG_REPLACE_COUNT} times (recursive tag definitions)`,
            { ...where, key: tag },
          );
        }
        let repl = tags.get(rtag);
        if (repl === undefined && opts.addrepl) repl = opts.addrepl(rtag);
        if (repl === undefined) {
          m = searchTag(value, m.end);
          continue;
        }
        value = value.split(`<${rtag}>`).join(repl);
        counts.set(rtag, (counts.get(rtag) ?? 0) + 1);
        m = searchTag(value, m.start);
      }
      if (value !== orig) {
        if (searchTag(value, 0)) {
          repCounts.set(tag, counts);
          repeat = true;
        }
        tags.set(tag, value);
      }
      if (!value.includes('<')) done.add(tag);
    }
    if (!repeat) return tags;
  }
  throw new ConfigError('tag substitution does not terminate (recursive tag definitions)', {});
}
