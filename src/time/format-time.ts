// Renders an instant as ISO 8601 local time with a numeric offset, for reports and messages.
// Invariant: seconds precision (sub-second parts are truncated), offset always ±hh:mm
// (never `Z`), so the text sorts and parses the same whatever the zone.

import type { EpochMs } from '../types.js';
import { civilFromMs, DAY_MS } from './civil.js';
import { formatOffset } from './zone.js';
import type { Zone } from './zone.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// "00".."59": hours, minutes and seconds by table.
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad(i, 2));

// The last local day's `YYYY-MM-DDT` and the last offset's `±hh:mm`: a report formats a few
// stamps per address, 100 000s of them, mostly a few days apart, so nearly every call reuses
// both and only the time of day is built (#4). Memoised values: the result never depends on them.
let lastDay = NaN;
let lastDate = '';
let lastOffset = NaN;
let lastOffsetText = '';

/** `2026-01-01T00:00:05+01:00`: the instant as wall time in the zone, with its offset. */
export function formatTime(ms: EpochMs, zone: Zone): string {
  const sec = Math.floor(ms / 1000) * 1000;
  const offset = zone.offsetAt(sec);
  const local = sec + Math.trunc(offset * 60) * 1000;
  const day = Math.floor(local / DAY_MS);
  if (day !== lastDay) {
    const c = civilFromMs(local);
    lastDate = `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}T`;
    lastDay = day;
  }
  if (offset !== lastOffset) {
    lastOffsetText = formatOffset(offset);
    lastOffset = offset;
  }
  const s = (local - day * DAY_MS) / 1000;
  const hour = Math.floor(s / 3600);
  const minute = Math.floor(s / 60) % 60;
  return lastDate + TWO_DIGITS[hour]! + ':' + TWO_DIGITS[minute]! + ':' + TWO_DIGITS[s % 60]! + lastOffsetText;
}
