// Builds date templates from datepattern lines the way fail2ban's DateTemplate,
// DatePatternRegex, DateEpoch and DateTai64n do (§5.1): word/line boundaries, the group 1
// span, names as fail2ban-regex prints them. Output is still Python regex syntax; the
// detector translates and compiles it once. Nothing here runs per line.

import { ConfigError } from '../errors.js';
import { DEFAULT_PATTERNS } from './default-templates.js';
import { expandStrptime, FIELD_KEYS } from './strptime.js';

/** How a template's match becomes a time. */
export type TemplateKind = 'pattern' | 'epoch' | 'lepoch' | 'tai64n' | 'none';

/** A date template before compilation. */
export interface TemplateSpec {
  /** fail2ban's template name (shown in "Date template hits"). */
  name: string;
  kind: TemplateKind;
  /** The regex in Python syntax, as fail2ban builds it. */
  pyRegex: string;
  /** Anchored at line begin or end: a match ends the template search at once. */
  anchored: boolean;
  /** fail2ban's LINE_BEGIN flag (what `{^LN-BEG}` selects). */
  lineBegin: boolean;
  /** Group 1 was added around the whole pattern, so it ends where the match ends. */
  wrapped: boolean;
  /** For epoch kinds: the group holding the number. */
  valueGroup: number;
  /** strptime fields captured, in pattern order (pattern kind only). */
  fields: string[];
  /** The datepattern this came from, when it is a strptime pattern. */
  pattern: string | undefined;
  /** One of fail2ban's default templates: known to compile, so compiled on first use. */
  builtin?: boolean;
}

const RE_GLOBALFLAGS = /\(\?[a-z]+\)/;
const RE_NO_WRD_BOUND_BEG = /^\(*(?:\(\?\w+\))?(?:\^|\(*\*\*|\((?:\?:)?\^)/;
const RE_NO_WRD_BOUND_END = /(?<!\\)(?:\$\)?|\\b|\\s|\*\*\)*)$/;
const RE_GROUPED = /(?<!\(\?)(?<!\\)\((?!\?)/;
const RE_GROUP = /^((?:\(\?\w+\))?\^?(?:\(\?\w+\))?)(.*?)(\$?)$/s;
const RE_LINE_BOUND_BEG = /^(?:\(\?\w+\))?(?:\^|\((?:\?:)?\^(?!\|))/;
const RE_LINE_BOUND_END = /(?<![\\|])(?:\$\)?)$/;
const RE_DEL_BOUND_BEG = /^\(*(?:\(\?\w+\))?\(*\*\*/;
const RE_DEL_BOUND_END = /(?<!\\)\*\*\)*$/;
const RE_EXLINE_NO_BOUNDS = /^\{UNB\}/;
const RE_EXLINE_BOUND_BEG = /^\{\^LN-BEG\}/;
const RE_EXSANC_BOUND_BEG = /^\((?:\?:)?\^\|\\b\|\\W\)/;
const RE_EXEANC_BOUND_BEG = /\(\?=\\b\|\\W\|\$\)$/;
const RE_ALPHA_PATTERN = /(?<!%)%[aAbBpc]/;
const RE_EPOCH_PATTERN = /(?<!\\)\{L?EPOCH\}/i;
const RE_DATE_PREMATCH = /(?<!\\)\{DATE\}/i;
const RE_NAMED_GROUP = /\(\?P<(\w+)>/;

const LINE_BEGIN_PREFIX = '{^LN-BEG}';

interface Bounded {
  name: string;
  regex: string;
  anchored: boolean;
  lineBegin: boolean;
  wrapped: boolean;
}

// Port of DateTemplate.setRegex: adds the group 1 wrap when the regex has no plain group,
// and the word or line-begin boundaries unless the regex opts out (`^`, `$`, `**`).
function setRegex(name0: string, regex0: string, wordBegin: boolean | 'start', wordEnd: boolean): Bounded {
  let name = name0;
  let regex = regex0.trim();
  const gf = RE_GLOBALFLAGS.exec(regex);
  if (gf !== null) regex = regex.slice(0, gf.index) + regex.slice(gf.index + gf[0].length);
  const boundBegin = wordBegin !== false && !RE_NO_WRD_BOUND_BEG.test(regex);
  const boundEnd = wordEnd && !RE_NO_WRD_BOUND_END.test(regex);
  let wrapped = false;
  if (!RE_GROUPED.test(regex)) {
    regex = regex.replace(RE_GROUP, '$1($2)$3');
    wrapped = true;
  }
  let lineBegin = false;
  let lineEnd = false;
  if (boundBegin) {
    if (wordBegin === 'start') {
      lineBegin = true;
      regex = '^(?:\\W{0,2})?' + regex;
      if (!name.startsWith(LINE_BEGIN_PREFIX)) name = LINE_BEGIN_PREFIX + name;
    } else {
      regex = '(?=^|\\b|\\W)' + regex;
    }
  }
  if (boundEnd) regex += '(?=\\b|\\W|$)';
  if (!lineBegin && RE_LINE_BOUND_BEG.test(regex)) lineBegin = true;
  if (RE_LINE_BOUND_END.test(regex)) lineEnd = true;
  regex = delBounds(delBounds(regex, RE_DEL_BOUND_BEG), RE_DEL_BOUND_END);
  if (gf !== null) regex = gf[0] + regex;
  return { name, regex, anchored: lineBegin || lineEnd, lineBegin, wrapped };
}

function delBounds(regex: string, re: RegExp): string {
  const m = re.exec(regex);
  if (m === null) return regex;
  return regex.slice(0, m.index) + m[0].split('**').join('') + regex.slice(m.index + m[0].length);
}

function namedGroups(regex: string): string[] {
  const names: string[] = [];
  let rest = regex;
  for (let m = RE_NAMED_GROUP.exec(rest); m !== null; m = RE_NAMED_GROUP.exec(rest)) {
    names.push(m[1] ?? '');
    rest = rest.slice(m.index + m[0].length);
  }
  return names;
}

/** Port of DatePatternRegex: a strptime pattern with optional `{UNB}` / `{^LN-BEG}` prefix. */
export function patternTemplate(pattern: string, exYear: string): TemplateSpec {
  let p = pattern;
  let wordBegin: boolean | 'start' = true;
  let wordEnd = true;
  if (RE_EXLINE_NO_BOUNDS.test(p)) {
    p = p.replace(RE_EXLINE_NO_BOUNDS, '');
    wordBegin = false;
    wordEnd = false;
  }
  if (wordBegin !== false && RE_EXLINE_BOUND_BEG.test(p)) {
    p = p.replace(RE_EXLINE_BOUND_BEG, '');
    wordBegin = 'start';
  }
  const expanded = expandStrptime(p, exYear);
  let regex = expanded.regex;
  if (RE_ALPHA_PATTERN.test(p)) regex = '(?iu)' + regex;
  const b = setRegex(expanded.name, regex, wordBegin, wordEnd);
  return {
    name: b.name,
    kind: 'pattern',
    pyRegex: b.regex,
    anchored: b.anchored,
    lineBegin: b.lineBegin,
    wrapped: b.wrapped,
    valueGroup: 1,
    fields: namedGroups(b.regex).filter((g) => FIELD_KEYS.has(g)),
    pattern,
  };
}

/** Port of DateEpoch: seconds (optionally with fraction) or, long form, ms/µs since the epoch. */
export function epochTemplate(opts: { lineBeginOnly?: boolean; pattern?: string; long?: boolean }): TemplateSpec {
  const long = opts.long === true;
  const epochRe = long ? '\\d{10,11}(?:\\d{3}(?:\\.\\d{1,6}|\\d{3})?)?' : '\\d{10,11}\\b(?:\\.\\d{3,6})?';
  let b: Bounded;
  let valueGroup = 1;
  if (opts.pattern !== undefined) {
    const pattern = opts.pattern;
    const regex = '(' + replaceAll(pattern, RE_EPOCH_PATTERN, `(${epochRe})`) + ')';
    valueGroup = 2;
    b = setRegex(pattern, regex, true, true);
  } else if (opts.lineBeginOnly !== true) {
    // fail2ban's (?(square)...)/(?(selinux)...) conditionals after the number never reject
    // a match (the empty "no" branch always succeeds), so they are left out here.
    b = setRegex(long ? 'LongEpoch' : 'Epoch', `((?:^|(?<=^\\[)|(?<=\\baudit\\())${epochRe})`, false, true);
  } else {
    b = setRegex(long ? 'LongEpoch' : 'Epoch', `(${epochRe})`, 'start', true);
  }
  return {
    name: b.name,
    kind: long ? 'lepoch' : 'epoch',
    pyRegex: b.regex,
    anchored: b.anchored,
    lineBegin: b.lineBegin,
    wrapped: true,
    valueGroup,
    fields: [],
    pattern: undefined,
  };
}

/** Port of DateTai64n: `@` and 24 lowercase hex digits. */
export function tai64nTemplate(lineBegin: boolean): TemplateSpec {
  const b = setRegex('TAI64N', '@[0-9a-f]{24}', lineBegin ? 'start' : false, true);
  return {
    name: b.name,
    kind: 'tai64n',
    pyRegex: b.regex,
    anchored: b.anchored,
    lineBegin: b.lineBegin,
    wrapped: b.wrapped,
    valueGroup: 1,
    fields: [],
    pattern: undefined,
  };
}

function replaceAll(text: string, re: RegExp, replacement: string): string {
  let out = '';
  let rest = text;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) {
    out += rest.slice(0, m.index) + replacement;
    rest = rest.slice(m.index + m[0].length);
  }
  return out + rest;
}

/** fail2ban's lookup key: the pattern, upper-cased when it has no `%` (specials are case-insensitive). */
function patternKey(pattern: string): string {
  return pattern.includes('%') ? pattern : pattern.toUpperCase();
}

/** Port of _getPatternTemplate: EPOCH / LEPOCH / TAI64N keywords, else a strptime pattern. */
export function templateFromPattern(pattern: string, exYear: string): TemplateSpec {
  const key = patternKey(pattern);
  if (key.includes('EPOCH')) {
    if (RE_EPOCH_PATTERN.test(pattern)) return epochTemplate({ pattern, long: key.includes('LEPOCH') });
    if (key === 'EPOCH' || key === '{^LN-BEG}EPOCH' || key === '^EPOCH') {
      return epochTemplate({ lineBeginOnly: key !== 'EPOCH' });
    }
    if (key === 'LEPOCH' || key === '{^LN-BEG}LEPOCH' || key === '^LEPOCH') {
      return epochTemplate({ lineBeginOnly: key !== 'LEPOCH', long: true });
    }
  }
  if (key === 'TAI64N' || key === '{^LN-BEG}TAI64N' || key === '^TAI64N') return tai64nTemplate(key !== 'TAI64N');
  return patternTemplate(pattern, exYear);
}

/** The 17 default templates, unanchored where fail2ban leaves them unanchored. */
export function baseDefaultTemplates(exYear: string): TemplateSpec[] {
  return DEFAULT_PATTERNS.map((p) => templateFromPattern(p, exYear));
}

// Port of _getAnchoredTemplate: rebuild the template from its wrapped pattern (or, for
// EPOCH/TAI64N, from its wrapped name, which makes them literal text under {DATE}).
function wrapTemplate(t: TemplateSpec, wrap: (s: string) => string, exYear: string): TemplateSpec {
  return templateFromPattern(wrap(t.pattern ?? t.name), exYear);
}

/**
 * All default templates as fail2ban orders them: line-begin copies of the unanchored
 * ones first, then the 17 originals; with `lineBeginOnly` (`{^LN-BEG}`) only the anchored ones.
 */
export function defaultTemplates(exYear: string, lineBeginOnly: boolean): TemplateSpec[] {
  const anchoredCopies: TemplateSpec[] = [];
  const rest: TemplateSpec[] = [];
  for (const t of baseDefaultTemplates(exYear)) {
    if (!t.name.startsWith(LINE_BEGIN_PREFIX) && !t.name.startsWith('^')) {
      const copy = wrapTemplate(t, (s) => LINE_BEGIN_PREFIX + s, exYear);
      if (copy.name !== t.name) anchoredCopies.push(copy);
    }
    rest.push(t);
  }
  const all = [...anchoredCopies, ...rest].map((t) => ({ ...t, builtin: true }));
  // fail2ban filters {^LN-BEG} on the LINE_BEGIN flag only, not LINE_END.
  return lineBeginOnly ? all.filter((t) => t.lineBegin) : all;
}

/** Strips fail2ban's boundary markers from a pattern before it is put into `{DATE}`. */
function unboundPattern(pattern: string): string {
  return pattern
    .replace(RE_EXLINE_NO_BOUNDS, '')
    .replace(RE_EXLINE_BOUND_BEG, '')
    .replace(RE_EXSANC_BOUND_BEG, '')
    .replace(RE_EXEANC_BOUND_BEG, '');
}

/** `{DATE}` inside a pattern: one template per base default, `{DATE}` replaced by it. */
export function dateTemplates(preMatch: string, exYear: string): TemplateSpec[] {
  return baseDefaultTemplates(exYear).map((t) =>
    wrapTemplate(t, (s) => replaceAll(preMatch, RE_DATE_PREMATCH, unboundPattern(s)), exYear),
  );
}

/** fail2ban's `{NONE}`: matches nothing, so every line keeps the previous line's time. */
export function noneTemplate(): TemplateSpec {
  return {
    name: '{NONE}',
    kind: 'none',
    pyRegex: '^()',
    anchored: true,
    lineBegin: true,
    wrapped: true,
    valueGroup: 1,
    fields: [],
    pattern: undefined,
  };
}

/**
 * Port of DateDetector.appendTemplate over a (possibly multi-line) datepattern; undefined
 * means fail2ban's full default list. A duplicate template name is a config error, as in
 * fail2ban, except for defaults added after other templates (silently skipped).
 */
export function templatesForDatePattern(datepattern: string | undefined, exYear: string): TemplateSpec[] {
  if (datepattern === undefined) return defaultTemplates(exYear, false);
  const lines = datepattern.split(/\n+/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) return defaultTemplates(exYear, false);
  const out: TemplateSpec[] = [];
  const names = new Set<string>();
  const add = (t: TemplateSpec, ignoreDup: boolean): void => {
    if (names.has(t.name)) {
      if (ignoreDup) return;
      throw new ConfigError(`datepattern: there is already a template named '${t.name}'`);
    }
    names.add(t.name);
    out.push(t);
  };
  for (const line of lines) {
    const key = patternKey(line);
    const ignoreDup = out.length > 0;
    if (key === '{^LN-BEG}' || key === '{DEFAULT}') {
      for (const t of defaultTemplates(exYear, key === '{^LN-BEG}')) add(t, ignoreDup);
    } else if (key.includes('{DATE}')) {
      for (const t of dateTemplates(line, exYear)) add(t, ignoreDup);
    } else if (key === '{NONE}') {
      add(noneTemplate(), false);
    } else {
      add(templateFromPattern(line, exYear), false);
    }
  }
  return out;
}
