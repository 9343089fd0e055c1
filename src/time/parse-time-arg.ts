// Parses the time values of options such as `--now` and `--since`: ISO 8601 dates and
// date-times (the given zone applies when no offset is written) or `@<epoch seconds>`.
// Invariant: anything else is a ConfigError; nothing here reads the clock.

import type { EpochMs } from '../types.js';
import { ConfigError } from '../errors.js';
import { civilToMs, isValidCivil } from './civil.js';
import type { Zone } from './zone.js';

const EPOCH_ARG = /^@(-?\d{1,12})(?:\.(\d{1,9}))?$/;
const ISO_ARG =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([Zz]|[+-]\d{2}(?::?\d{2})?))?)?$/;

/**
 * Epoch ms of an option value. `2026-01-31` is local midnight in the zone,
 * `2026-01-31T12:00` and `2026-01-31 12:00:00` are local times, `…+01:00` / `…Z` carry
 * their own offset, `@1769860800` is Unix seconds. `option` names the option in errors.
 */
export function parseTimeArg(s: string, zone: Zone, option?: string): EpochMs {
  const text = s.trim();
  const fail = (): never => {
    throw new ConfigError(
      `invalid time '${s}': expected an ISO 8601 date or date-time (2026-01-31, 2026-01-31T12:00:00, 2026-01-31T12:00:00+01:00) or @<epoch seconds>`,
      option === undefined ? {} : { key: option },
    );
  };
  const e = EPOCH_ARG.exec(text);
  if (e !== null) {
    const secs = Number(e[1]);
    const frac = e[2] === undefined ? 0 : Math.floor(Number(`0.${e[2]}`) * 1000);
    return secs * 1000 + (secs < 0 || e[1]?.startsWith('-') === true ? -frac : frac);
  }
  const m = ISO_ARG.exec(text);
  if (m === null) return fail();
  const num = (i: number): number => (m[i] === undefined ? 0 : Number(m[i]));
  const [y, mo, d, h, mi, sec] = [num(1), num(2), num(3), num(4), num(5), num(6)];
  if (!isValidCivil(y, mo, d, h, mi, sec)) return fail();
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const off = m[8];
  if (off === undefined) return zone.localToUtc(y, mo, d, h, mi, sec) + ms;
  let offsetMin = 0;
  if (off !== 'Z' && off !== 'z') {
    const hh = Number(off.slice(1, 3));
    const mm = off.length > 3 ? Number(off.slice(off.length - 2)) : 0;
    if (hh > 23 || mm > 59) return fail();
    offsetMin = (off[0] === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  return civilToMs(y, mo, d, h, mi, sec) - offsetMin * 60_000 + ms;
}
