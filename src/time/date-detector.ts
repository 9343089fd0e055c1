// Finds and parses the date of a log line (§5): templates compiled once, a deterministic
// order, character-level fast paths for the default lists (also after dovecot's TAI64N).
// Invariant: match() is a synchronous pure function of (line, refMs), no clock, nothing
// carried between lines (matchTransient reuses its result object); fast = regex answers.

import type { EpochMs } from '../types.js';
import { civilFromMs } from './civil.js';
import { ISO_TEMPLATE_INDEX, SYSLOG_TEMPLATE_INDEX, TAI64N_TEMPLATE_INDEX } from './default-templates.js';
import { templatesForDatePattern } from './date-template.js';
import type { TemplateSpec } from './date-template.js';
import { ConfigError } from '../errors.js';
import { describeRegexError, readGroup, translateOrThrow } from '../filter/translate-regex.js';
import { exYearRegex, resolveTime, timeFromGroups } from './strptime.js';
import type { TimeContext } from './strptime.js';
import type { Zone } from './zone.js';

/** Where a line's date was found and what it means. */
export interface DateMatch {
  /**
   * Epoch ms (whole seconds for strptime templates; EPOCH/LEPOCH keep their fraction).
   * undefined when a template matched but its fields form no valid date (Feb 29 of a
   * non-leap inferred year, `23:59:60`, unknown zone abbreviation): fail2ban still cuts
   * the span out of the line and gives the line the previous line's time.
   */
  time: EpochMs | undefined;
  /** Start of the span fail2ban cuts out (group 1 of the template). */
  start: number;
  /** End (exclusive) of the cut span: the filter sees `line.slice(0, start) + line.slice(end)`. */
  end: number;
  /** Index into DateDetector.templates. */
  template: number;
}

/** A compiled datepattern. */
export interface DateDetector {
  /** Template names as fail2ban-regex prints them under "Date template hits". */
  readonly templates: string[];
  /** The compiled JS regex of each template (for verbose output). */
  readonly regexes: string[];
  /** `{NONE}`: no line has a date; every line takes the previous line's time. */
  readonly none: boolean;
  /**
   * Date of one line. Order: templates are tried in list order; a match of a template
   * anchored at line begin/end, or of any template at position 0 or 1, wins at once;
   * otherwise the earliest-starting match wins (ties: earlier template). This is what
   * fail2ban's adaptive matchTime does on a fresh detector. refMs is the reference
   * ("now") for year-less and date-less stamps.
   */
  match(line: string, refMs: EpochMs): DateMatch | undefined;
  /**
   * match() without a new object per line: the answer is the detector's own DateMatch,
   * overwritten by its next match()/matchTransient() call, so read it before that.
   */
  matchTransient(line: string, refMs: EpochMs): DateMatch | undefined;
}

/** Options for createDateDetector. */
export interface DateDetectorOptions {
  /** Reference time used to size the `%ExY` year range (default: 2000-2039 at least). */
  refMs?: EpochMs;
  /** Disable the character-level fast paths (tests compare both ways). */
  fastPaths?: boolean;
}

interface Compiled {
  spec: TemplateSpec;
  /**
   * Compiled with no flags, or only `d` when group 1 must be located by its indices.
   * undefined until first use for builtin templates (user patterns compile up front, so
   * their errors surface before any line is read).
   */
  re: RegExp | undefined;
  /**
   * Python group number → JS group names, set only when conditional rewriting duplicated
   * groups (JS numbers then differ from Python's); undefined: numbers agree.
   */
  numbered: Map<number, string[]> | undefined;
  /** Python group name → JS names, for the strptime fields (same caveat). */
  named: Map<string, string[]> | undefined;
}

// What a fast path answers: the slot holds a match, or the regexes must decide.
const FOUND = 1;
const NO_FAST = -1;

// Month 1-12 of a lowercased three-letter abbreviation packed as c0<<16 | c1<<8 | c2; 0 if none.
// strptime's month names spelled out as a switch on purpose: it runs on every syslog-dated
// candidate line, where a Map look-up was a visible cost (#4).
function monthOf(key: number): number {
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// JS `\w` without the u flag: the same test the compiled regexes use.
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

// Where the fast-path templates sit in a template list.
interface FastLayout {
  iso: number;
  syslog: number;
  tai64n: number;
}

/**
 * The fast paths' layout for a datepattern, undefined when they do not apply. Each fast
 * path may answer only where every template before its own one cannot match the line:
 * - the default lists (`{DEFAULT}`, `{^LN-BEG}`): ISO 0, syslog 1, TAI64N 13;
 * - `{^LN-BEG}TAI64N` then `{^LN-BEG}`: TAI64N 0, ISO 1, syslog 2 (the default TAI64N is
 *   a duplicate name, skipped). TAI64N cannot match where the ISO or syslog fast path does:
 *   a letter at column 0 is no `\W` and no `@`; an ISO stamp has a separator where the 24
 *   hex digits after a leading `@` would be.
 */
function fastLayout(datepattern: string | undefined, compiled: readonly Compiled[]): FastLayout | undefined {
  const lines = (datepattern ?? '').split(/\n+/).map((l) => l.trim().toUpperCase()).filter((l) => l !== '');
  let layout: FastLayout;
  if (lines.length === 0 || (lines.length === 1 && (lines[0] === '{DEFAULT}' || lines[0] === '{^LN-BEG}'))) {
    layout = { iso: ISO_TEMPLATE_INDEX, syslog: SYSLOG_TEMPLATE_INDEX, tai64n: TAI64N_TEMPLATE_INDEX };
  } else if (lines.length === 2 && lines[0] === '{^LN-BEG}TAI64N' && lines[1] === '{^LN-BEG}') {
    layout = { iso: 1, syslog: 2, tai64n: 0 };
  } else {
    return undefined;
  }
  const ok =
    compiled[layout.iso]?.spec.name.startsWith('{^LN-BEG}ExYear(?P<_sep>') === true &&
    compiled[layout.syslog]?.spec.name.startsWith('{^LN-BEG}(?:DAY )?MON Day %k') === true &&
    compiled[layout.tai64n]?.spec.name === '{^LN-BEG}TAI64N';
  return ok ? layout : undefined;
}

/** Compiles a datepattern (undefined = fail2ban's default templates) for one zone. */
export function createDateDetector(
  datepattern: string | undefined, zone: Zone, options: DateDetectorOptions = {},
): DateDetector {
  let maxYear = 2039;
  if (options.refMs !== undefined) {
    maxYear = Math.max(maxYear, civilFromMs(options.refMs).year + 3);
  }
  const exYear = exYearRegex(maxYear);
  const maxExYear = Math.min(Math.floor(maxYear / 10), 209) * 10 + 9;
  const specs = templatesForDatePattern(datepattern, exYear);
  const compiled: Compiled[] = specs.map((spec) => {
    const c: Compiled = { spec, re: undefined, numbered: undefined, named: undefined };
    if (spec.builtin !== true) compileTemplate(c);
    return c;
  });
  const fast = options.fastPaths === false ? undefined : fastLayout(datepattern, compiled);
  return new Detector(compiled, zone, fast, maxExYear);
}

interface Translation {
  source: string;
  numbered: Map<number, string[]> | undefined;
  named: Map<string, string[]> | undefined;
}

// Every detector compiles the same default templates: translate each distinct source once.
const translations = new Map<string, Translation>();

// One translator for the whole code base: date templates go through the filter's
// Python → JS translation (flags spelled out, Python's `.`/`\s`/`$`, case folding).
function compileTemplate(c: Compiled): RegExp {
  const spec = c.spec;
  const what = `datepattern template '${spec.name}'`;
  let t = translations.get(spec.pyRegex);
  if (t === undefined) {
    try {
      const tr = translateOrThrow(spec.pyRegex);
      t = tr.numbered
        ? { source: tr.source, numbered: undefined, named: undefined }
        : { source: tr.source, numbered: tr.numberedGroups, named: tr.groups };
    } catch (e) {
      throw new ConfigError(`${what}: ${describeRegexError(e, spec.pyRegex)}`);
    }
    translations.set(spec.pyRegex, t);
  }
  try {
    // `d` (indices) only where group 1 does not end the match.
    c.re = new RegExp(t.source, spec.wrapped ? '' : 'd');
    c.numbered = t.numbered;
    c.named = t.named;
    return c.re;
  } catch (err) {
    throw new ConfigError(`${what}: invalid regex: ${(err as Error).message}`);
  }
}

// Group `n` of a match, by Python number.
function groupN(c: Compiled, m: RegExpExecArray, n: number): string | undefined {
  return c.numbered === undefined ? m[n] : readGroup(m, c.numbered.get(n) ?? []);
}

// Start/end of Python group `n` (needs the `d` flag).
function spanN(c: Compiled, m: RegExpExecArray, n: number): [number, number] | undefined {
  if (c.numbered === undefined) return m.indices?.[n];
  for (const js of c.numbered.get(n) ?? []) {
    const span = m.indices?.groups?.[js];
    if (span !== undefined) return span;
  }
  return undefined;
}

// The strptime fields by Python name.
function fieldGroups(c: Compiled, m: RegExpExecArray): Record<string, string | undefined> {
  if (c.named === undefined) return m.groups ?? {};
  const out: Record<string, string | undefined> = {};
  for (const f of c.spec.fields) out[f] = readGroup(m, c.named.get(f) ?? []);
  return out;
}

class Detector implements DateDetector {
  readonly templates: string[];
  readonly none: boolean;
  readonly #compiled: readonly Compiled[];
  readonly #fast: FastLayout | undefined;
  readonly #maxExYear: number;
  readonly #ctx: TimeContext;
  // The transient answer (matchTransient) and the fast paths' output.
  readonly #slot: DateMatch = { time: undefined, start: 0, end: 0, template: 0 };

  constructor(compiled: Compiled[], zone: Zone, fast: FastLayout | undefined, maxExYear: number) {
    this.#compiled = compiled;
    this.templates = compiled.map((c) => c.spec.name);
    this.none = compiled.length > 0 && compiled[0]?.spec.kind === 'none';
    this.#fast = fast;
    this.#maxExYear = maxExYear;
    this.#ctx = { refMs: 0, zone };
  }

  get regexes(): string[] {
    return this.#compiled.map((c) => (c.re ?? compileTemplate(c)).source);
  }

  match(line: string, refMs: EpochMs): DateMatch | undefined {
    const m = this.matchTransient(line, refMs);
    return m === undefined ? undefined : { time: m.time, start: m.start, end: m.end, template: m.template };
  }

  matchTransient(line: string, refMs: EpochMs): DateMatch | undefined {
    if (this.none) return undefined;
    this.#ctx.refMs = refMs;
    const fast = this.#fast;
    if (fast !== undefined) {
      const c0 = line.charCodeAt(0);
      let r: number;
      if ((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122)) r = this.#syslog(line, fast.syslog);
      else if (c0 === 64) r = this.#tai64n(line, fast.tai64n);
      else r = this.#iso(line, fast.iso);
      if (r === FOUND) return this.#slot;
    }
    const list = this.#compiled;
    let best: RegExpExecArray | null = null;
    let bestIndex = -1;
    for (let i = 0; i < list.length; i++) {
      const c = list[i] as Compiled;
      const m = (c.re ?? compileTemplate(c)).exec(line);
      if (m === null) continue;
      if (c.spec.anchored || m.index <= 1) return this.#finish(i, m);
      if (best === null || m.index < best.index) {
        best = m;
        bestIndex = i;
      }
    }
    return best === null ? undefined : this.#finish(bestIndex, best);
  }

  #finish(index: number, m: RegExpExecArray): DateMatch | undefined {
    const c = this.#compiled[index] as Compiled;
    const spec = c.spec;
    let start: number;
    let end: number;
    if (spec.wrapped) {
      end = m.index + m[0].length;
      start = end - (groupN(c, m, 1)?.length ?? 0);
    } else {
      const span = spanN(c, m, 1);
      if (span === undefined) return undefined;
      [start, end] = span;
    }
    // An empty group 1 ({NONE}, optional dates): fail2ban keeps the line whole and uses
    // the previous time, exactly what "no date" means to the caller.
    if (start === end) return undefined;
    this.#found(this.#timeOf(c, m), start, end, index);
    return this.#slot;
  }

  #found(time: EpochMs | undefined, start: number, end: number, template: number): number {
    const slot = this.#slot;
    slot.time = time;
    slot.start = start;
    slot.end = end;
    slot.template = template;
    return FOUND;
  }

  #timeOf(c: Compiled, m: RegExpExecArray): EpochMs | undefined {
    const spec = c.spec;
    switch (spec.kind) {
      case 'pattern':
        return timeFromGroups(fieldGroups(c, m), spec.fields, this.#ctx);
      case 'epoch':
      case 'lepoch': {
        const v = groupN(c, m, spec.valueGroup);
        if (v === undefined) return undefined;
        let ms = Number(v) * 1000;
        // LEPOCH: 13+ characters are milliseconds, 16+ digits without a dot microseconds.
        if (spec.kind === 'lepoch' && v.length >= 13) ms = v.length >= 16 && !v.includes('.') ? ms / 1_000_000 : ms / 1000;
        return Math.round(ms * 1000) / 1000;
      }
      case 'tai64n': {
        const v = groupN(c, m, 1);
        return v === undefined ? undefined : tai64nSeconds(v, 0) * 1000;
      }
      default:
        return undefined;
    }
  }

  // `Mmm dd HH:MM:SS[.ffffff][ YYYY]` at column 0: the line-begin syslog template.
  #syslog(line: string, template: number): number {
    const len = line.length;
    if (len < 15 || line.charCodeAt(3) !== 32) return NO_FAST;
    const month = monthOf(((line.charCodeAt(0) | 32) << 16) | ((line.charCodeAt(1) | 32) << 8) | (line.charCodeAt(2) | 32));
    if (month === 0) return NO_FAST;
    const c4 = line.charCodeAt(4);
    const c5 = line.charCodeAt(5);
    let day: number;
    if ((c4 === 32 || c4 === 48) && c5 >= 49 && c5 <= 57) day = c5 - 48;
    else if ((c4 === 49 || c4 === 50) && isDigit(c5)) day = (c4 - 48) * 10 + c5 - 48;
    else if (c4 === 51 && (c5 === 48 || c5 === 49)) day = 30 + c5 - 48;
    else return NO_FAST;
    if (line.charCodeAt(6) !== 32) return NO_FAST;
    const p = line.charCodeAt(7) === 32 ? 8 : 7;
    const hms = readHms(line, p);
    if (hms < 0) return NO_FAST;
    const q = p + 8;
    let end = q;
    if (q < len) {
      const c = line.charCodeAt(q);
      if (c === 46) {
        const k = countDigits(line, q + 1, 7);
        if (k >= 1 && k <= 6 && (q + 1 + k === len || !isWord(line.charCodeAt(q + 1 + k)))) end = q + 1 + k;
      } else if (isWord(c)) {
        return NO_FAST;
      }
    }
    // optional " YYYY" (%ExY) after the seconds or the fraction
    let year: number | undefined;
    const r = end;
    if (line.charCodeAt(r) === 32 && r + 5 <= len && countDigits(line, r + 1, 4) === 4 &&
        (r + 5 === len || !isWord(line.charCodeAt(r + 5)))) {
      const y = read4(line, r + 1);
      if (y >= 2000 && y <= this.#maxExYear) {
        year = y;
        end = r + 5;
      }
    }
    const time = resolveTime(year, month, day, (hms >> 12) & 63, (hms >> 6) & 63, hms & 63, undefined, this.#ctx);
    return this.#found(time, 0, end, template);
  }

  // `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±hh[:mm]]` after up to two non-word characters:
  // the line-begin ISO template.
  #iso(line: string, template: number): number {
    const len = line.length;
    let b = 0;
    while (b < 2 && b < len && !isWord(line.charCodeAt(b))) b++;
    if (b + 19 > len || !isDigit(line.charCodeAt(b))) return NO_FAST;
    if (countDigits(line, b, 4) !== 4) return NO_FAST;
    const year = read4(line, b);
    if (year < 2000 || year > this.#maxExYear) return NO_FAST;
    const sep = line.charCodeAt(b + 4);
    if ((sep !== 45 && sep !== 47 && sep !== 46) || line.charCodeAt(b + 7) !== sep) return NO_FAST;
    const m1 = line.charCodeAt(b + 5);
    const m2 = line.charCodeAt(b + 6);
    let month: number;
    if (m1 === 48 && m2 >= 49 && m2 <= 57) month = m2 - 48;
    else if (m1 === 49 && m2 >= 48 && m2 <= 50) month = 10 + m2 - 48;
    else return NO_FAST;
    const d1 = line.charCodeAt(b + 8);
    const d2 = line.charCodeAt(b + 9);
    let day: number;
    if (d1 === 48 && d2 >= 49 && d2 <= 57) day = d2 - 48;
    else if ((d1 === 49 || d1 === 50) && isDigit(d2)) day = (d1 - 48) * 10 + d2 - 48;
    else if (d1 === 51 && (d2 === 48 || d2 === 49)) day = 30 + d2 - 48;
    else return NO_FAST;
    const t = line.charCodeAt(b + 10);
    let p: number;
    if (t === 84) p = b + 11;
    else if (t === 32) p = line.charCodeAt(b + 11) === 32 ? b + 12 : b + 11;
    else return NO_FAST;
    const hms = readHms(line, p);
    if (hms < 0 || ((hms >> 12) & 63) > 23) return NO_FAST;
    const q = p + 8;
    let end = q;
    let tz: number | undefined;
    if (q < len) {
      let r = q;
      let frac = false;
      const c = line.charCodeAt(q);
      if (c === 46 || c === 44) {
        const k = countDigits(line, q + 1, 7);
        if (k < 1 || k > 6) return this.#isoResult(year, month, day, hms, undefined, b, q, template);
        r = q + 1 + k;
        frac = true;
      }
      end = r;
      if (r < len) {
        const z = line.charCodeAt(r);
        if (z === 90) { // Z
          if (r + 1 < len && isWord(line.charCodeAt(r + 1))) return NO_FAST;
          tz = 0;
          end = r + 1;
        } else if (z === 43 || z === 45) { // + -
          const h1 = line.charCodeAt(r + 1);
          const h2 = line.charCodeAt(r + 2);
          if (!(h1 === 48 || h1 === 49) || !isDigit(h2)) return NO_FAST;
          let e = r + 3;
          let mm = 0;
          if (line.charCodeAt(e) === 58 && countDigits(line, e + 1, 3) === 2) {
            mm = read2(line, e + 1);
            e += 3;
          } else if (countDigits(line, e, 3) === 2) {
            mm = read2(line, e);
            e += 2;
          } else if (e < len && (isDigit(line.charCodeAt(e)) || line.charCodeAt(e) === 58)) {
            return NO_FAST;
          }
          if (e < len && isWord(line.charCodeAt(e))) return NO_FAST;
          tz = (z === 45 ? -1 : 1) * (((h1 - 48) * 10 + h2 - 48) * 60 + mm);
          end = e;
        } else if (z === 32 || z === 9) {
          let w = r + 1;
          while (w < len && (line.charCodeAt(w) === 32 || line.charCodeAt(w) === 9)) w++;
          const x = line.charCodeAt(w);
          if (x === 90 || x === 85 || x === 71 || x === 43 || x === 45 || x <= 32 || x >= 128) return NO_FAST;
        } else if (isWord(z)) {
          if (!frac || z === 85 || z === 71) return NO_FAST;
          end = q; // the fraction backtracks away: the stamp ends at the seconds
        } else if (z >= 128 || z < 32) {
          return NO_FAST;
        }
      }
    }
    return this.#isoResult(year, month, day, hms, tz, b, end, template);
  }

  #isoResult(
    year: number, month: number, day: number, hms: number, tz: number | undefined, start: number, end: number, template: number,
  ): number {
    const time = resolveTime(year, month, day, (hms >> 12) & 63, (hms >> 6) & 63, hms & 63, tz, this.#ctx);
    return this.#found(time, start, end, template);
  }

  // `@` + 24 lowercase hex digits at column 0: the line-begin TAI64N template (§5.6).
  #tai64n(line: string, template: number): number {
    const len = line.length;
    if (len < 25 || (len > 25 && isWord(line.charCodeAt(25)))) return NO_FAST;
    for (let i = 1; i < 25; i++) {
      const c = line.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return NO_FAST;
    }
    return this.#found(tai64nSeconds(line, 0) * 1000, 0, 25, template);
  }
}

// fail2ban reads characters 2..16 of `@` + label (it drops "@" and the leading 4 of the
// 16-digit label) as hex seconds: label - 2^62, no TAI-UTC correction (§5.6).
function tai64nSeconds(text: string, at: number): number {
  let secs = 0;
  for (let i = at + 2; i < at + 17; i++) {
    const c = text.charCodeAt(i);
    secs = secs * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  return secs;
}

function countDigits(line: string, from: number, max: number): number {
  let k = 0;
  while (k < max && isDigit(line.charCodeAt(from + k))) k++;
  return k;
}

function read2(line: string, at: number): number {
  return (line.charCodeAt(at) - 48) * 10 + line.charCodeAt(at + 1) - 48;
}

function read4(line: string, at: number): number {
  return read2(line, at) * 100 + read2(line, at + 2);
}

// `HH:MM:SS` with two-digit fields (hour 00-29 as %k allows, minute and second 00-59),
// packed as h<<12 | m<<6 | s; -1 when the shape differs.
function readHms(line: string, p: number): number {
  const h1 = line.charCodeAt(p);
  const m1 = line.charCodeAt(p + 3);
  const s1 = line.charCodeAt(p + 6);
  if (h1 < 48 || h1 > 50 || !isDigit(line.charCodeAt(p + 1)) || line.charCodeAt(p + 2) !== 58) return -1;
  if (m1 < 48 || m1 > 53 || !isDigit(line.charCodeAt(p + 4)) || line.charCodeAt(p + 5) !== 58) return -1;
  if (s1 < 48 || s1 > 53 || !isDigit(line.charCodeAt(p + 7))) return -1;
  return (read2(line, p) << 12) | (read2(line, p + 3) << 6) | read2(line, p + 6);
}
