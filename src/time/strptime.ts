// fail2ban's strptime dialect (§5.2): `%` directives → Python-syntax regex fragments and
// template names, and matched fields → epoch ms with year/day inference (§5.4) and zone
// precedence (§5.5). Invariant: no Date objects and no clock; "now" is the caller's refMs.

import type { EpochMs } from '../types.js';
import { ConfigError } from '../errors.js';
import { civilFromMs, civilToMs, daysFromCivil, DAY_MS, isValidCivil } from './civil.js';
import { fixedZoneOffset } from './zone.js';
import type { Zone } from './zone.js';

const DAY_ABBR = 'mon|tue|wed|thu|fri|sat|sun';
const MONTH_ABBR = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';
const TZ_ABBR = '[A-Z](?:[A-Z]{2,4})?';

// Lowercase month abbreviations, index 0 = January.
const MONTHS = MONTH_ABBR.split('|');
const MONTHS_FULL = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];
const WEEKDAYS = DAY_ABBR.split('|');
const WEEKDAYS_FULL = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/** A directive's regex (Python syntax, `(?P<x>)` groups) and its name in template names. */
interface Directive {
  readonly regex: string;
  readonly name: string;
}

// Python's C-locale TimeRE as fail2ban overrides and extends it (strptime.py:35-116).
// %ExY is filled in per detector (see exYearRegex).
const DIRECTIVES: Readonly<Record<string, Directive>> = {
  a: { regex: `(?P<a>${DAY_ABBR})`, name: 'DAY' },
  A: { regex: '(?P<A>wednesday|thursday|saturday|tuesday|monday|friday|sunday)', name: 'DAYNAME' },
  b: { regex: `(?P<b>${MONTH_ABBR})`, name: 'MON' },
  B: {
    regex: '(?P<B>september|february|november|december|january|october|august|march|april|june|july|may)',
    name: 'MONTH',
  },
  c: {
    regex:
      `(?P<a>${DAY_ABBR})\\s+(?P<b>${MONTH_ABBR})\\s+(?P<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])` +
      '\\s+(?P<H>2[0-3]|[0-1]\\d|\\d):(?P<M>[0-5]\\d|\\d):(?P<S>6[0-1]|[0-5]\\d|\\d)\\s+(?P<Y>\\d\\d\\d\\d)',
    name: '%c',
  },
  d: { regex: '(?P<d>[1-2]\\d|[0 ]?[1-9]|3[0-1])', name: 'Day' },
  f: { regex: '(?P<f>[0-9]{1,6})', name: 'Microseconds' },
  G: { regex: '(?P<G>\\d\\d\\d\\d)', name: '%G' },
  H: { regex: '(?P<H>[0-1]?\\d|2[0-3])', name: '24hour' },
  I: { regex: '(?P<I>1[0-2]|0[1-9]|[1-9])', name: '12hour' },
  j: { regex: '(?P<j>36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])', name: 'Yearday' },
  k: { regex: ' ?(?P<H>[0-2]?\\d)', name: '%k' },
  l: { regex: ' ?(?P<I>1?\\d)', name: '%l' },
  m: { regex: '(?P<m>0?[1-9]|1[0-2])', name: 'Month' },
  M: { regex: '(?P<M>[0-5]?\\d)', name: 'Minute' },
  p: { regex: '(?P<p>am|pm)', name: 'AMPM' },
  S: { regex: '(?P<S>[0-5]?\\d|6[0-1])', name: 'Second' },
  U: { regex: '(?P<U>5[0-3]|[0-4]\\d|\\d)', name: 'Yearweek' },
  u: { regex: '(?P<u>[1-7])', name: '%u' },
  V: { regex: '(?P<V>5[0-3]|0[1-9]|[1-4]\\d|\\d)', name: '%V' },
  w: { regex: '(?P<w>[0-6])', name: 'Weekday' },
  W: { regex: '(?P<W>5[0-3]|[0-4]\\d|\\d)', name: 'Yearweek' },
  x: {
    regex: '(?P<m>1[0-2]|0[1-9]|[1-9])/(?P<d>3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9])/(?P<y>\\d\\d)',
    name: '%x',
  },
  X: { regex: '(?P<H>2[0-3]|[0-1]\\d|\\d):(?P<M>[0-5]\\d|\\d):(?P<S>6[0-1]|[0-5]\\d|\\d)', name: '%X' },
  y: { regex: '(?P<y>\\d\\d)', name: 'Year2' },
  Y: { regex: '(?P<Y>\\d{4})', name: 'Year' },
  z: { regex: '(?P<z>Z|UTC|GMT|[+-][01]\\d(?::?\\d{2})?)', name: 'Zone offset' },
  Z: { regex: '(?P<Z>Z|[A-Z]{3,5})', name: 'Zone name' },
  '%': { regex: '%', name: '%' },
  ExZ: { regex: `(?P<Z>${TZ_ABBR})`, name: 'ExZone name' },
  Exz: { regex: `(?P<z>(?:${TZ_ABBR})?[+-][01]\\d(?::?\\d{2})?|${TZ_ABBR})`, name: 'ExZone offset' },
  Exd: { regex: '(?P<d>[1-2]\\d|0[1-9]|3[0-1])', name: 'ExDay' },
  Exm: { regex: '(?P<m>0[1-9]|1[0-2])', name: 'ExMonth' },
  ExH: { regex: '(?P<H>[0-1]\\d|2[0-3])', name: 'Ex24hour' },
  Exk: { regex: ' ?(?P<H>[0-1]?\\d|2[0-3])', name: '%Exk' },
  Exl: { regex: ' ?(?P<I>1[0-2]|\\d)', name: '%Exl' },
  ExM: { regex: '(?P<M>[0-5]\\d)', name: 'ExMinute' },
  ExS: { regex: '(?P<S>[0-5]\\d|6[0-1])', name: 'ExSecond' },
  ExY: { regex: '', name: 'ExYear' },
  Exy: { regex: '(?P<y>\\d{2})', name: 'ExYear2' },
};

// Same precedence as fail2ban's directive regex: the Ex forms, then single letters.
const DIRECTIVE_RE = /^%(%|ExZ|Exz|Exd|Exm|ExH|Exk|Exl|ExM|ExS|ExY|Exy|[dfHIGjmMSUwuVyYzAaBbpZWcxXkl])/;

/** Regex fragment for `%ExY`: 2000 through the end of the decade holding maxYear. */
export function exYearRegex(maxYear: number): string {
  const lastDecade = Math.min(Math.floor(maxYear / 10), 209);
  if (lastDecade <= 200) return '(?P<Y>200\\d)';
  const last = lastDecade - 200;
  return `(?P<Y>20${last === 1 ? '[01]' : `[0-${last}]`}\\d)`;
}

/** A strptime pattern expanded to a Python-syntax regex, with fail2ban's template name. */
export interface ExpandedPattern {
  regex: string;
  name: string;
}

/** Replaces every `%` directive; a `%` that starts no known directive is a config error. */
export function expandStrptime(pattern: string, exYear: string): ExpandedPattern {
  let regex = '';
  let name = '';
  let last = 0;
  for (let i = pattern.indexOf('%'); i !== -1; i = pattern.indexOf('%', last)) {
    const m = DIRECTIVE_RE.exec(pattern.slice(i, i + 4));
    const key = m?.[1];
    const dir = key === undefined ? undefined : DIRECTIVES[key];
    if (m === null || key === undefined || dir === undefined) {
      throw new ConfigError(
        `datepattern '${pattern}': unknown directive at '${pattern.slice(i, i + 4)}' (write %% for a literal percent sign)`,
      );
    }
    const literal = pattern.slice(last, i);
    regex += literal + (key === 'ExY' ? exYear : dir.regex);
    name += literal + dir.name;
    last = i + m[0].length;
  }
  const rest = pattern.slice(last);
  return { regex: regex + rest, name: name + rest };
}

/** The strptime fields a pattern may capture; others (`_sep`, user groups) are ignored. */
export const FIELD_KEYS: ReadonlySet<string> = new Set([
  'y', 'Y', 'm', 'B', 'b', 'd', 'H', 'I', 'M', 'S', 'f', 'A', 'a', 'w', 'j', 'U', 'W', 'z', 'Z', 'p',
]);

/** Reference context for inference: the collection time and the zone of stamps without one. */
export interface TimeContext {
  refMs: EpochMs;
  zone: Zone;
}

let cachedRefMs = Number.NaN;
let cachedRefZone: Zone | undefined;
let cachedRef = { year: 1970, month: 1, day: 1 };

function refDate(ctx: TimeContext): { year: number; month: number; day: number } {
  if (ctx.refMs !== cachedRefMs || ctx.zone !== cachedRefZone) {
    const c = civilFromMs(ctx.refMs + ctx.zone.offsetAt(ctx.refMs) * 60_000);
    cachedRef = { year: c.year, month: c.month, day: c.day };
    cachedRefMs = ctx.refMs;
    cachedRefZone = ctx.zone;
  }
  return cachedRef;
}

function toUtc(
  y: number, mo: number, d: number, h: number, mi: number, s: number,
  tzOffset: number | undefined, zone: Zone,
): EpochMs {
  return tzOffset === undefined ? zone.localToUtc(y, mo, d, h, mi, s) : civilToMs(y, mo, d, h, mi, s) - tzOffset * 60_000;
}

/**
 * Epoch ms of parsed fields, or undefined where fail2ban's `datetime(...)` would raise
 * (Feb 29 of a non-leap year, second 60, hour 24...). A missing year is the reference
 * year in the zone, moved back one year when the result lies more than a day after the
 * reference; a missing date is the reference day, or the day before when in the future.
 * Unlike fail2ban (gh-2149) both comparisons are between absolute instants.
 */
export function resolveTime(
  year: number | undefined, month: number | undefined, day: number | undefined,
  h: number, mi: number, s: number, tzOffset: number | undefined, ctx: TimeContext,
): EpochMs | undefined {
  let y = year;
  let mo = month;
  let d = day;
  const assumeYear = y === undefined;
  const assumeToday = mo === undefined && d === undefined;
  if (assumeYear || assumeToday) {
    const ref = refDate(ctx);
    y ??= ref.year;
    if (assumeToday) {
      mo = ref.month;
      d = ref.day;
    }
  }
  if (y === undefined || mo === undefined || d === undefined) return undefined;
  if (!isValidCivil(y, mo, d, h, mi, s)) return undefined;
  let t = toUtc(y, mo, d, h, mi, s, tzOffset, ctx.zone);
  if (assumeToday && t > ctx.refMs) {
    const prev = civilFromMs((daysFromCivil(y, mo, d) - 1) * DAY_MS);
    t = toUtc(prev.year, prev.month, prev.day, h, mi, s, tzOffset, ctx.zone);
  }
  if (assumeYear && t > ctx.refMs + DAY_MS) {
    if (!isValidCivil(y - 1, mo, d, h, mi, s)) return undefined;
    t = toUtc(y - 1, mo, d, h, mi, s, tzOffset, ctx.zone);
  }
  return t;
}

// parseInt(v, 10) for the fields the directives capture: digits, maybe after a space
// (%d's `[0 ]?`); anything else takes the general route.
function int(v: string): number {
  let n = 0;
  let i = 0;
  while (i < v.length && v.charCodeAt(i) === 32) i++;
  if (i === v.length || v.length - i > 9) return Number.parseInt(v, 10);
  for (; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.parseInt(v, 10);
    n = n * 10 + d;
  }
  return n;
}

/**
 * Time from a regex match's named groups (port of fail2ban's reGroupDictStrptime).
 * `keys` lists the strptime groups of the template in pattern order; undefined means
 * the fields do not form a valid date (fail2ban then keeps the cut but has no time).
 */
export function timeFromGroups(
  groups: Readonly<Record<string, string | undefined>>, keys: readonly string[], ctx: TimeContext,
): EpochMs | undefined {
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let tz: number | undefined;
  let weekday: number | undefined;
  let julian: number | undefined;
  let week: number | undefined;
  let weekStartsMonday = false;
  for (const key of keys) {
    const val = groups[key];
    if (val === undefined) continue;
    switch (key) {
      case 'y': year = int(val); if (year <= 2000) year += 2000; break;
      case 'Y': year = int(val); break;
      case 'm': month = int(val); break;
      case 'B': month = MONTHS_FULL.indexOf(val.toLowerCase()) + 1; break;
      case 'b': month = MONTHS.indexOf(val.toLowerCase()) + 1; break;
      case 'd': day = int(val); break;
      case 'H': hour = int(val); break;
      case 'I': {
        hour = int(val);
        const ampm = (groups['p'] ?? '').toLowerCase();
        if (ampm === '' || ampm === 'am') {
          if (hour === 12) hour = 0;
        } else if (ampm === 'pm' && hour !== 12) {
          hour += 12;
        }
        break;
      }
      case 'M': minute = int(val); break;
      case 'S': second = int(val); break;
      case 'A': weekday = WEEKDAYS_FULL.indexOf(val.toLowerCase()); break;
      case 'a': weekday = WEEKDAYS.indexOf(val.toLowerCase()); break;
      case 'w': weekday = int(val) - 1; if (weekday < 0) weekday = 6; break;
      case 'j': julian = int(val); break;
      case 'U': case 'W': week = int(val); weekStartsMonday = key === 'W'; break;
      case 'z': case 'Z':
        // Z/UTC/GMT are 0; anything else goes through fail2ban's fixed-offset parser,
        // where an unknown or lowercase abbreviation raises and the stamp is dropped.
        tz = val === 'Z' || val === 'UTC' || val === 'GMT' ? 0 : fixedZoneOffset(val);
        if (tz === undefined) return undefined;
        break;
      default: break; // %f is discarded: fail2ban times are whole seconds
    }
  }
  if (month === undefined || day === undefined) {
    const y = year ?? refDate(ctx).year;
    if (julian === undefined && week !== undefined && weekday !== undefined) {
      julian = julianFromWeek(y, week, weekday, weekStartsMonday);
    }
    if (julian !== undefined) {
      const c = civilFromMs((daysFromCivil(y, 1, 1) + julian - 1) * DAY_MS);
      year = c.year;
      month = c.month;
      day = c.day;
    }
  }
  return resolveTime(year, month, day, hour, minute, second, tz, ctx);
}

// Python's _calc_julian_from_U_or_W (weekday: Monday = 0).
function julianFromWeek(year: number, week: number, weekday: number, weekStartsMonday: boolean): number {
  let first = (((daysFromCivil(year, 1, 1) + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (3)
  let dow = weekday;
  if (!weekStartsMonday) {
    first = (first + 1) % 7;
    dow = (dow + 1) % 7;
  }
  const week0 = (7 - first) % 7;
  if (week === 0) return 1 + dow - first;
  return 1 + week0 + 7 * (week - 1) + dow;
}
