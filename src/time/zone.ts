// Time zones: fail2ban's fixed-offset forms and abbreviations, plus IANA names (a banreplay
// extension, §10.5). Invariant: after parseZone returns, no per-line call reaches Intl more
// than once per quarter hour of log time (offsets are cached); ambiguous and skipped local
// times resolve like glibc mktime(tm_isdst=-1) in a chronological log (see localToUtc).

import type { EpochMs } from '../types.js';
import { ConfigError } from '../errors.js';
import { civilFromMs, civilToMs, DAY_MS } from './civil.js';

/** A time zone able to turn local wall time into UTC and to tell its offset at an instant. */
export interface Zone {
  /** The zone as given (fixed forms) or its canonical IANA name. */
  readonly name: string;
  /** UTC milliseconds of a local wall-clock time (month 1-12); fields must be in range. */
  localToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): EpochMs;
  /** Offset from UTC in minutes (east positive) in force at the UTC instant. */
  offsetAt(utcMs: EpochMs): number;
}

/**
 * Fixed offsets (minutes) of the zone abbreviations fail2ban knows (§5.5). They never
 * follow DST: CET is always +01:00 and CEST always +02:00, as in fail2ban.
 */
const ABBREVIATIONS_BY_OFFSET: ReadonlyArray<readonly [number, string]> = [
  [-720, 'Y'],
  [-660, 'X NUT SST'],
  [-600, 'W CKT HAST HST TAHT TKT'],
  [-570, 'MART MIT'],
  [-540, 'V AKST GAMT GIT HADT HNY'],
  [-480, 'U AKDT CIST HAY HNP PST PT'],
  [-420, 'T HAP HNR MST PDT'],
  [-360, 'S CST EAST GALT HAR HNC MDT'],
  [-300, 'R CDT COT EASST ECT EST ET HAC HNE PET'],
  [-270, 'HLV VET'],
  [-240, 'Q AST BOT CLT COST EDT FKT GYT HAE HNA PYT'],
  [-210, 'HNT NST NT'],
  [-180, 'P ADT ART BRT CLST FKST GFT HAA PMST PYST SRT UYT WGT'],
  [-150, 'HAT NDT'],
  [-120, 'O BRST FNT PMDT UYST WGST'],
  [-60, 'N AZOT CVT EGT'],
  [0, 'Z EGST GMT UTC WET WT'],
  [60, 'A CET DFT WAT WEDT WEST'],
  [120, 'B CAT CEDT CEST EET SAST WAST'],
  [180, 'C EAT EEDT EEST IDT MSK'],
  [210, 'IRST'],
  [240, 'D AMT AZT GET GST KUYT MSD MUT RET SAMT SCT'],
  [270, 'AFT IRDT'],
  [300, 'E AMST AQTT AZST HMT MAWT MVT PKT TFT TJT TMT UZT YEKT'],
  [330, 'SLT'],
  [345, 'NPT'],
  [360, 'F ALMT BIOT BTT IOT KGT NOVT OMST YEKST'],
  [390, 'CCT MMT'],
  [420, 'G CXT DAVT HOVT ICT KRAT NOVST OMSST THA WIB'],
  [480, 'H ACT AWST BDT BNT CAST HKT IRKT KRAST MYT PHT SGT ULAT WITA WST'],
  [540, 'I AWDT IRKST JST KST PWT TLT WDT WIT YAKT'],
  [570, 'ACST'],
  [600, 'K AEST ChST PGT VLAT YAKST YAPT'],
  [630, 'ACDT LHST'],
  [660, 'L AEDT LHDT MAGT NCT PONT SBT VLAST VUT'],
  [690, 'NFT'],
  [720, 'M ANAST ANAT FJT GILT MAGST MHT NZST PETST PETT TVT WFT'],
  [780, 'FJST NZDT'],
];

const ABBREVIATIONS: ReadonlyMap<string, number> = new Map(
  ABBREVIATIONS_BY_OFFSET.flatMap(([offset, names]) => names.split(' ').map((n) => [n, offset] as const)),
);

// fail2ban's accepted zone form: optional abbreviation, optional [+-]hh[[:]mm], nothing else.
const FIXED_FORM = /^([A-Z](?:[A-Z]{2,4})?)?([+-][01]\d(?::?\d{2})?)?$/;

/**
 * Offset in minutes of a zone written the way fail2ban reads it in a log or in
 * `logtimezone` (`UTC`, `CEST`, `+0100`, `UTC-05:00`, `Z`, `+01`); undefined when
 * fail2ban would reject it (bad form, unknown abbreviation).
 */
export function fixedZoneOffset(spec: string): number | undefined {
  // A log repeats the same few zone texts on every line: remember them (bounded; only
  // short texts, which V8 copies out of the line instead of slicing it: every valid form
  // has at most 11 characters).
  if (spec.length > 12) return parseFixedOffset(spec);
  const known = fixedOffsets.get(spec);
  if (known !== undefined) return Number.isNaN(known) ? undefined : known;
  const off = parseFixedOffset(spec);
  if (fixedOffsets.size >= FIXED_CACHE_LIMIT) fixedOffsets.clear();
  fixedOffsets.set(spec, off ?? Number.NaN);
  return off;
}

const FIXED_CACHE_LIMIT = 256;
// Zone text → offset in minutes, NaN for a rejected text.
const fixedOffsets = new Map<string, number>();

function parseFixedOffset(spec: string): number | undefined {
  const m = FIXED_FORM.exec(spec);
  if (m === null) return undefined;
  const abbr = m[1];
  const base = abbr === undefined ? 0 : ABBREVIATIONS.get(abbr);
  if (base === undefined) return undefined;
  const off = m[2];
  if (off === undefined) return base;
  const sign = off.charCodeAt(0) === 45 ? -1 : 1;
  const hh = Number(off.slice(1, 3));
  if (off.length <= 3) return base + sign * hh * 60;
  const mm = Number(off[3] === ':' ? off.slice(4, 6) : off.slice(3, 5));
  return base + sign * (hh * 60 + mm);
}

class FixedZone implements Zone {
  readonly name: string;
  readonly #offsetMs: number;

  constructor(name: string, offsetMinutes: number) {
    this.name = name;
    this.#offsetMs = offsetMinutes * 60_000;
  }

  localToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): EpochMs {
    return civilToMs(y, mo, d, h, mi, s) - this.#offsetMs;
  }

  offsetAt(): number {
    return this.#offsetMs / 60_000;
  }
}

const QUARTER_MS = 900_000;
const CACHE_LIMIT = 100_000;

// Offsets change only at quarter-hour-aligned instants in every tzdata zone since 1900,
// and the local wall times around a transition are quarter-hour aligned too, so caching
// both directions per quarter hour is exact for log-era dates.
class IanaZone implements Zone {
  readonly name: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #utcCache = new Map<number, number>();
  readonly #localCache = new Map<number, number>();

  constructor(name: string, format: Intl.DateTimeFormat) {
    this.name = name;
    this.#format = format;
  }

  offsetAt(utcMs: EpochMs): number {
    return this.#offsetMs(utcMs) / 60_000;
  }

  /**
   * Skipped local times (spring forward) and repeated ones (fall back) both take the
   * offset in force before the transition: 02:30 on a spring-forward night becomes
   * 03:30 summer time, and a repeated 02:30 is its first (summer time) occurrence.
   * glibc mktime with tm_isdst=-1 does exactly this for gaps, and for overlaps whenever
   * its previous call was in summer time, which is the case when reading a log in order.
   */
  localToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): EpochMs {
    const wall = civilToMs(y, mo, d, h, mi, s);
    const key = Math.floor(wall / QUARTER_MS);
    let off = this.#localCache.get(key);
    if (off === undefined) {
      off = this.#resolveLocal(key * QUARTER_MS);
      if (this.#localCache.size >= CACHE_LIMIT) this.#localCache.clear();
      this.#localCache.set(key, off);
    }
    return wall - off;
  }

  #resolveLocal(wall: number): number {
    const before = this.#offsetMs(wall - DAY_MS);
    if (this.#offsetMs(wall - before) === before) return before;
    const after = this.#offsetMs(wall + DAY_MS);
    if (this.#offsetMs(wall - after) === after) return after;
    return before;
  }

  #offsetMs(utcMs: number): number {
    const key = Math.floor(utcMs / QUARTER_MS);
    let off = this.#utcCache.get(key);
    if (off === undefined) {
      off = this.#computeOffsetMs(key * QUARTER_MS);
      if (this.#utcCache.size >= CACHE_LIMIT) this.#utcCache.clear();
      this.#utcCache.set(key, off);
    }
    return off;
  }

  #computeOffsetMs(utcMs: number): number {
    let y = 0;
    let mo = 1;
    let d = 1;
    let h = 0;
    let mi = 0;
    let s = 0;
    let bc = false;
    for (const part of this.#format.formatToParts(new Date(utcMs))) {
      switch (part.type) {
        case 'year': y = Number(part.value); break;
        case 'month': mo = Number(part.value); break;
        case 'day': d = Number(part.value); break;
        case 'hour': h = Number(part.value) % 24; break;
        case 'minute': mi = Number(part.value); break;
        case 'second': s = Number(part.value); break;
        case 'era': bc = part.value === 'BC' || part.value === 'B'; break;
        default: break;
      }
    }
    if (bc) y = 1 - y;
    return civilToMs(y, mo, d, h, mi, s) - utcMs;
  }
}

const UTC_ALIASES = new Set([
  'UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu',
  'Etc/GMT', 'GMT', 'Etc/Greenwich', 'Greenwich', 'Etc/GMT0', 'GMT0', 'Etc/GMT+0', 'Etc/GMT-0',
]);

function ianaZone(spec: string): Zone | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: spec,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const name = format.resolvedOptions().timeZone;
  if (UTC_ALIASES.has(name)) return new FixedZone(name, 0);
  return new IanaZone(name, format);
}

/** Canonical ±hh:mm text of an offset in minutes. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.floor(Math.abs(minutes));
  const hh = Math.floor(abs / 60);
  const mm = abs % 60;
  return `${sign}${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`;
}

/**
 * Resolves `--timezone` / `logtimezone`: undefined means the machine's zone; fail2ban's
 * fixed forms and abbreviations come first (so `CET` stays +01:00 all year), then IANA names.
 */
export function parseZone(spec: string | undefined): Zone {
  if (spec === undefined) {
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone as string | undefined;
    return (local === undefined ? undefined : ianaZone(local)) ?? new FixedZone('UTC', 0);
  }
  const text = spec.trim();
  if (text !== '') {
    const fixed = fixedZoneOffset(text);
    if (fixed !== undefined) return new FixedZone(text, fixed);
    if (!/^[+-]?\d/.test(text)) {
      const iana = ianaZone(text);
      if (iana !== undefined) return iana;
    }
  }
  throw new ConfigError(
    `unknown time zone '${spec}' (expected an IANA name such as Europe/Berlin, UTC, an offset such as +01:00 or UTC-0500, or an abbreviation such as CET)`,
  );
}

/** The calendar fields of an instant as seen in a zone. */
export function civilInZone(utcMs: EpochMs, zone: Zone): ReturnType<typeof civilFromMs> {
  return civilFromMs(utcMs + zone.offsetAt(utcMs) * 60_000);
}
