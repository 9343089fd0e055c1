// Renders an instant as ISO 8601 local time with a numeric offset, for reports and messages.
// Invariant: seconds precision (sub-second parts are truncated), offset always ±hh:mm
// (never `Z`), so the text sorts and parses the same whatever the zone.

import type { EpochMs } from '../types.js';
import { civilFromMs } from './civil.js';
import { formatOffset } from './zone.js';
import type { Zone } from './zone.js';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `2026-01-01T00:00:05+01:00`: the instant as wall time in the zone, with its offset. */
export function formatTime(ms: EpochMs, zone: Zone): string {
  const sec = Math.floor(ms / 1000) * 1000;
  const offset = zone.offsetAt(sec);
  const c = civilFromMs(sec + Math.trunc(offset * 60) * 1000);
  return (
    `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}T` +
    `${pad(c.hour, 2)}:${pad(c.minute, 2)}:${pad(c.second, 2)}${formatOffset(offset)}`
  );
}
