import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from '../../../src/time/format-time.js';
import { parseTimeArg } from '../../../src/time/parse-time-arg.js';
import { parseZone } from '../../../src/time/zone.js';
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
