// Tests for the table layout helpers: display width and compact time display.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeTimeDisplay } from '../../../src/report/display-time.js';
import { displayWidth, fitEnd, fitStart } from '../../../src/report/text-width.js';

/** ISO 8601 at a fixed offset in minutes, e.g. +60 → `...+01:00`. */
function atOffset(minutes: number): (ms: number) => string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const suffix = minutes === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return (ms) => new Date(ms + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, suffix);
}

describe('displayWidth', () => {
  it('counts columns, not code units', () => {
    assert.equal(displayWidth('admin'), 5);
    assert.equal(displayWidth('管理员'), 6);
    assert.equal(displayWidth('🙂'), 2);
    assert.equal(displayWidth('e\u0301'), 1, 'combining accent');
    assert.equal(displayWidth('a\u200bb'), 2, 'zero-width space');
  });
});

describe('fitStart', () => {
  it('keeps the end of a path', () => {
    assert.equal(fitStart('/var/log/mail.log.2.gz', 12), '…il.log.2.gz');
    assert.equal(displayWidth(fitStart('/var/log/mail.log.2.gz', 12)), 12);
    assert.equal(fitStart('short', 12), 'short');
  });
});

describe('fitEnd', () => {
  it('keeps the start within the width, marking the cut', () => {
    assert.equal(fitEnd('May 12 10:00:00 mx dovecot: auth failed', 12), 'May 12 10:0…');
    assert.equal(fitEnd('short', 12), 'short');
    assert.equal(fitEnd('全角文字', 5), '全角…');
    assert.equal(fitEnd('abc', 0), '');
  });
});

describe('makeTimeDisplay', () => {
  const t1 = Date.UTC(2024, 0, 2, 3, 4, 5);
  const t2 = Date.UTC(2024, 11, 31, 22, 0, 0);
  const t3 = Date.UTC(2025, 0, 1, 1, 0, 0);

  it('drops the offset and year when all times share them', () => {
    const d = makeTimeDisplay([t1, t2], atOffset(60));
    assert.equal(d.show(t1), 'Jan 02 04:04:05');
    assert.equal(d.show(t2), 'Dec 31 23:00:00');
    assert.equal(d.note, 'UTC+01:00, year 2024');
    // One hour later is 2025 at +01:00: a time outside the set still shows unambiguously.
    assert.equal(d.show(t2 + 3_600_000), '2025-01-01 00:00:00');
  });

  it('formats and reads each distinct time once, however often it is shown', () => {
    const calls: number[] = [];
    const fmt = atOffset(60);
    const d = makeTimeDisplay([t1, t2, t1], (ms) => (calls.push(ms), fmt(ms)));
    for (let k = 0; k < 3; k++) assert.equal(d.show(t1), 'Jan 02 04:04:05');
    assert.equal(d.show(t2 + 3_600_000), '2025-01-01 00:00:00');
    assert.equal(d.show(t2 + 3_600_000), '2025-01-01 00:00:00');
    assert.deepEqual(calls, [t1, t2, t2 + 3_600_000]);
  });

  it('keeps the year when times span years, the offset note when shared', () => {
    const d = makeTimeDisplay([t1, t3], atOffset(0)); // 2024 and 2025 in UTC
    assert.equal(d.show(t1), '2024-01-02 03:04:05');
    assert.equal(d.show(t3), '2025-01-01 01:00:00');
    assert.equal(d.note, 'UTC');
  });

  it('states the year in the note for syslog-style dates', () => {
    const d = makeTimeDisplay([t1, t1 + 1000], atOffset(-300));
    assert.equal(d.show(t1), 'Jan 01 22:04:05');
    assert.equal(d.note, 'UTC-05:00, year 2024');
  });

  it('shows each offset when offsets differ (a DST change)', () => {
    const summer = Date.UTC(2024, 6, 1, 12, 0, 0);
    const fmt = (ms: number): string => (ms === summer ? atOffset(120)(ms) : atOffset(60)(ms));
    const d = makeTimeDisplay([t1, summer], fmt);
    assert.equal(d.show(t1), 'Jan 02 04:04:05+01:00');
    assert.equal(d.show(summer), 'Jul 01 14:00:00+02:00');
    assert.equal(d.note, 'UTC offset shown per time, year 2024');
  });

  it('accepts Z, +hhmm and fractional seconds as the same offsets', () => {
    const variants = [
      (ms: number) => new Date(ms).toISOString(), // 2024-01-02T03:04:05.000Z
      (ms: number) => new Date(ms).toISOString().replace('Z', '+0000'),
      (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    ];
    for (const fmt of variants) {
      const d = makeTimeDisplay([t1, t1 + 500], fmt);
      assert.equal(d.show(t1), 'Jan 02 03:04:05');
      assert.equal(d.note, 'UTC, year 2024');
    }
  });

  it('falls back to the formatter output, sanitised, when it is not ISO 8601', () => {
    const d = makeTimeDisplay([t1], () => 'yesterday\u001b[31m');
    assert.equal(d.show(t1), 'yesterday[31m');
    assert.equal(d.note, undefined);
  });

  it('has no note when there is no time to show', () => {
    assert.equal(makeTimeDisplay([], atOffset(0)).note, undefined);
  });
});
