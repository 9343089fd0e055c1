// Compiles a FilterDefinition once: tag expansion, fail2ban's flag scoping, Python →
// JS translation, RegExp construction, group bookkeeping (ALT_/TUPLE_ merges) and the
// literal pre-check. Everything a config can get wrong surfaces here as ConfigError,
// before any log byte is read; nothing here runs per line.

import { ConfigError } from '../errors.js';
import type { FilterDefinition } from '../types.js';
import { expandTags, mapTagToGroup, normalizeUseDns, scopeInlineFlags } from './expand-tags.js';
import { lineLiterals } from './extract-literals.js';
import { literalGrams } from './line-grams.js';
import type { TranslatedRegex } from './translate-regex.js';
import { charSource, ciCharSource, describeRegexError, translateOrThrow } from './translate-regex.js';

/** One literal test on a raw line: `includes(text)`, or `re.test` when case-insensitive. */
export interface LiteralCheck {
  text: string;
  re: RegExp | undefined;
  /** An exact literal's bigram bits, for a line with a LineGrams filter (line-grams.ts). */
  grams?: Int32Array | undefined;
}

/** One compiled regex of a filter. */
export interface CompiledPattern {
  /** The configured string, tags included. */
  raw: string;
  /** Python regex after tag expansion and flag scoping, as fail2ban compiles it. */
  python: string;
  /** Compiled translation; never has flags (no g/y, hence no shared lastIndex). */
  re: RegExp;
  /** Python group names with the JS groups holding them (several after conditional rewriting). */
  groups: ReadonlyArray<readonly [name: string, js: readonly string[]]>;
  /** ALT_ merges (group, target), sorted as fail2ban sorts them. */
  alt: ReadonlyArray<readonly [string, string]>;
  /** TUPLE_ merges (group, target), sorted. */
  tuple: ReadonlyArray<readonly [string, string]>;
  /** Has one of fid/ip4/ip6/dns/mlfid. */
  hasFailureId: boolean;
  /** Required literal clauses on the raw line (all must hold); empty = no pre-check. */
  literals: LiteralCheck[][];
}

/** Literal pre-check data; see mayMatch. */
export interface Precheck {
  pref: LiteralCheck[][];
  fail: LiteralCheck[][][];
  success: LiteralCheck[][][];
  /**
   * mayMatch's hint, the branch that held last (-1: none yet): success[b] for b below
   * success.length, else fail[b - success.length]. A per-thread cache that never changes an
   * answer; symbol-keyed, so plan fingerprints and structured clones leave it out.
   */
  [LAST_HELD]: number;
}

/** Key of Precheck's mutable hint (see there). */
export const LAST_HELD: unique symbol = Symbol('lastHeld');

/** A filter ready for per-line matching. */
export interface CompiledFilter {
  name: string;
  file: string;
  prefregex: CompiledPattern | undefined;
  failregex: CompiledPattern[];
  ignoreregex: CompiledPattern[];
  /** banreplay extension; matched on the whole buffer, independent of prefregex. */
  successregex: CompiledPattern[];
  usedns: 'yes' | 'warn' | 'no' | 'raw';
  maxlines: number;
  /** maxlines > 1 or an F-MLFID group: needs the (future) multi-line layer for exact results. */
  multiline: boolean;
  /** fail2ban's early ignoreregex check (fewer ignoreregexes than failregexes − 2). */
  earlyIgnore: boolean;
  /** undefined when the pre-check cannot be used (maxlines > 1). */
  precheck: Precheck | undefined;
}

const FAILURE_ID_GROUPS = ['fid', 'ip4', 'ip6', 'dns', 'mlfid'];
const COMPLNAME = /^(alt_|tuple_)(.*?)(?:_\d+)?$/;

/** Options of compileFilter. */
export interface CompileOptions {
  /**
   * The datepattern in effect (a jail may override the filter's); it tells the
   * pre-check where a date can be cut out. Default: `def.datepattern`.
   */
  datepattern?: string | undefined;
}

/** Compiles every regex of a filter; throws ConfigError naming file, key and regex. */
export function compileFilter(def: FilterDefinition, opts: CompileOptions = {}): CompiledFilter {
  const usedns = normalizeUseDns(def.usedns);
  const multilineRe = def.maxlines > 1;
  const dateAtStart = isLineBeginDate('datepattern' in opts ? opts.datepattern : def.datepattern);
  const build = (raw: string, key: string, index: number, count: number, multiline: boolean): CompiledPattern =>
    compilePattern(raw, { file: def.file, section: 'Definition', key }, index, count, usedns, multiline, dateAtStart);

  const prefregex = def.prefregex !== undefined && def.prefregex !== ''
    ? build(def.prefregex, 'prefregex', 0, 1, false)
    : undefined;
  // fail2ban compiles only failregex with re.MULTILINE (filter.py:186-229).
  const failregex = def.failregex.map((r, i, all) => build(r, 'failregex', i, all.length, multilineRe));
  const ignoreregex = def.ignoreregex.map((r, i, all) => build(r, 'ignoreregex', i, all.length, false));
  const successregex = def.successregex.map((r, i, all) => build(r, 'successregex', i, all.length, multilineRe));

  failregex.forEach((p, i) => {
    if (!p.hasFailureId && !(prefregex?.hasFailureId ?? false)) {
      throw new ConfigError(`${ordinal(i, failregex.length)}No failure-id group in '${p.python}'`,
        { file: def.file, section: 'Definition', key: 'failregex' });
    }
  });
  successregex.forEach((p, i) => {
    if (!p.hasFailureId) {
      throw new ConfigError(`${ordinal(i, successregex.length)}No failure-id group in '${p.python}'`,
        { file: def.file, section: 'Definition', key: 'successregex' });
    }
  });

  const hasMlfid = [prefregex, ...failregex].some((p) => p?.groups.some(([n]) => n === 'mlfid') ?? false);
  return {
    name: def.name,
    file: def.file,
    prefregex,
    failregex,
    ignoreregex,
    successregex,
    usedns,
    maxlines: def.maxlines,
    multiline: multilineRe || hasMlfid,
    earlyIgnore: ignoreregex.length > 0 && ignoreregex.length < failregex.length - 2,
    // With a multi-line buffer a match may take its literals from earlier lines.
    precheck: multilineRe
      ? undefined
      : {
        pref: prefregex?.literals ?? [],
        fail: failregex.map((p) => p.literals),
        success: successregex.map((p) => p.literals),
        [LAST_HELD]: -1,
      },
  };
}

// Only `{^LN-BEG}` templates guarantee at most two non-word characters before the date
// (datetemplate.py:126-133); `{NONE}` cuts nothing. Anything else may cut mid-line.
function isLineBeginDate(datepattern: string | undefined): boolean {
  if (datepattern === undefined) return false;
  const lines = datepattern.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length > 0 && lines.every((l) => l.startsWith('{^LN-BEG}') || l.toUpperCase() === '{NONE}');
}

function ordinal(i: number, count: number): string {
  return count > 1 ? `regex ${i + 1} of ${count}: ` : '';
}

function compilePattern(
  raw: string,
  where: { file: string; section: string; key: string },
  index: number,
  count: number,
  usedns: string,
  multiline: boolean,
  dateAtStart: boolean,
): CompiledPattern {
  const expanded = expandTags(raw, { usedns });
  if (expanded.trim() === '') {
    throw new ConfigError(`${ordinal(index, count)}Cannot add empty regex`, where);
  }
  const python = scopeInlineFlags(expanded);
  let tr: TranslatedRegex;
  try {
    tr = translateOrThrow(python, { multiline });
  } catch (e) {
    throw new ConfigError(ordinal(index, count) + describeRegexError(e, python), where);
  }
  let re: RegExp;
  try {
    re = new RegExp(tr.source);
  } catch (e) {
    throw new ConfigError(
      `${ordinal(index, count)}Unable to compile regular expression '${python}': ${(e as Error).message}`, where);
  }
  const names = [...tr.groups.keys()];
  const alt: Array<[string, string]> = [];
  const tuple: Array<[string, string]> = [];
  for (const k of names) {
    if (k.length <= 4) continue;
    const m = COMPLNAME.exec(k);
    if (m === null) continue;
    (m[1] === 'alt_' ? alt : tuple).push([k, mapTagToGroup(m[2] ?? '')]);
  }
  const byPair = (a: readonly [string, string], b: readonly [string, string]): number =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
  alt.sort(byPair);
  tuple.sort(byPair);
  return {
    raw,
    python,
    re,
    groups: [...tr.groups],
    alt,
    tuple,
    hasFailureId: names.some((n) => FAILURE_ID_GROUPS.includes(n)),
    // Clauses are a conjunction, so their order never changes the answer; testing the
    // ones with the fewest alternatives first rejects a typical miss sooner (#4: about
    // 845 → 650 ns per line on the stock mail filters).
    literals: lineLiterals(tr.tree, { dateAtStart })
      .map((clause) => clause.map((lit) => ({
        text: lit.text,
        re: lit.ci ? new RegExp(literalSource(lit.text, lit.mask ?? '')) : undefined,
        grams: lit.ci ? undefined : literalGrams(lit.text),
      })))
      .sort((a, b) => a.length - b.length),
  };
}

/** Regex source for a literal whose '1'-masked units compare case-insensitively (same folding as the full match; '' = exact). */
export function literalSource(text: string, mask: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    out += mask[i] === '1' ? ciCharSource(cp) : charSource(cp, false);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}
