import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from '../../../src/time/format-time.js';
import { parseTimeArg } from '../../../src/time/parse-time-arg.js';
import { civilFromMs } from '../../../src/time/civil.js';
import { formatOffset, parseZone } from '../../../src/time/zone.js';
import { mulberry32 } from '../../support/mulberry32.js';
import { ConfigError } from '../../../src/errors.js';

const berlin = parseZone('Europe/Berlin');
const utc = parseZone('UTC');

test('formatTime writes local wall time with a numeric offset', () => {
  assert.equal(formatTime(Date.UTC(2025, 11, 31, 23, 0, 5), berlin), '2026-01-01T00:00:05+01:00');
  assert.equal(formatTime(Date.UTC(2026, 6, 1, 10, 0, 0), berlin), '2026-07-01T12:00:00+02:00');
  assert.equal(formatTime(Date.UTC(2026, 6, 1, 10, 0, 0), utc), '2026-07-01T10:00:00+00:00');
  assert.equal(formatTime(Date.UTC(2026, 0, 1, 3, 4, 5), parseZone('America/New_York')), '2025-12-31T22:04:05-05:00');
  assert.equal(formatTime(Date.UTC(2026, 0, 1, 0, 0, 0), parseZone('Asia/Kathmandu')), '2026-01-01T05:45:00+05:45');
});

test('formatTime truncates to whole seconds', () => {
  assert.equal(formatTime(Date.UTC(2026, 0, 1, 0, 0, 5, 999), utc), '2026-01-01T00:00:05+00:00');
  assert.equal(formatTime(1764000000123.456, utc), '2025-11-24T16:00:00+00:00');
});

test('formatTime, reusing the last day and offset, agrees with a field-by-field rendering', () => {
  // The rendering formatTime memoises, written out in full.
  const reference = (ms: number, zone: ReturnType<typeof parseZone>): string => {
    const sec = Math.floor(ms / 1000) * 1000;
    const offset = zone.offsetAt(sec);
    const c = civilFromMs(sec + Math.trunc(offset * 60) * 1000);
    const p = (n: number, w: number): string => String(n).padStart(w, '0');
    return `${p(c.year, 4)}-${p(c.month, 2)}-${p(c.day, 2)}T${p(c.hour, 2)}:${p(c.minute, 2)}:${p(c.second, 2)}${formatOffset(offset)}`;
  };
  const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'].map((z) => parseZone(z));
  const rnd = mulberry32(2026);
  let t = Date.UTC(1969, 11, 30);
  for (let i = 0; i < 20_000; i++) {
    // Mostly small steps (same day, same offset), sometimes jumps across days, years and zones.
    t += rnd() < 0.9 ? Math.floor(rnd() * 7_200_000) : Math.floor((rnd() - 0.3) * 4e10);
    const zone = zones[rnd() < 0.95 ? 1 : Math.floor(rnd() * zones.length)]!;
    assert.equal(formatTime(t, zone), reference(t, zone), `${t} ${i}`);
  }
});

test('formatTime across a DST change', () => {
  assert.equal(formatTime(Date.UTC(2026, 9, 25, 0, 30), berlin), '2026-10-25T02:30:00+02:00');
  assert.equal(formatTime(Date.UTC(2026, 9, 25, 1, 30), berlin), '2026-10-25T02:30:00+01:00');
});

test('parseTimeArg: dates and date-times in the zone', () => {
  assert.equal(parseTimeArg('2026-01-31', berlin), Date.UTC(2026, 0, 30, 23));
  assert.equal(parseTimeArg('2026-07-31', berlin), Date.UTC(2026, 6, 30, 22));
  assert.equal(parseTimeArg('2026-01-31T12:00', berlin), Date.UTC(2026, 0, 31, 11));
  assert.equal(parseTimeArg('2026-01-31 12:00:30', berlin), Date.UTC(2026, 0, 31, 11, 0, 30));
  assert.equal(parseTimeArg('2026-01-31T12:00:30.250', utc), Date.UTC(2026, 0, 31, 12, 0, 30, 250));
});

test('parseTimeArg: explicit offsets win over the zone', () => {
  assert.equal(parseTimeArg('2026-07-01T12:00:00+01:00', berlin), Date.UTC(2026, 6, 1, 11));
  assert.equal(parseTimeArg('2026-07-01T12:00:00Z', berlin), Date.UTC(2026, 6, 1, 12));
  assert.equal(parseTimeArg('2026-07-01T12:00:00-0530', utc), Date.UTC(2026, 6, 1, 17, 30));
  assert.equal(parseTimeArg('2026-07-01T12:00-05', utc), Date.UTC(2026, 6, 1, 17));
});

test('parseTimeArg: @epoch seconds', () => {
  assert.equal(parseTimeArg('@1769860800', berlin), 1769860800000);
  assert.equal(parseTimeArg('@1769860800.5', utc), 1769860800500);
  assert.equal(parseTimeArg('@0', utc), 0);
});

test('parseTimeArg: anything else is a ConfigError naming the option', () => {
  for (const bad of ['', 'yesterday', '2026-02-30', '2026-13-01', '2026-01-01T25:00', '26-01-01', '@', '@abc', '2026-01-01T12:00+25:00']) {
    assert.throws(() => parseTimeArg(bad, utc), ConfigError, bad);
  }
  assert.throws(() => parseTimeArg('soon', utc, '--now'), (err: unknown) => err instanceof ConfigError && err.key === '--now');
});
