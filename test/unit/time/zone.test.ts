import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedZoneOffset, formatOffset, parseZone } from '../../../src/time/zone.js';
import { ConfigError } from '../../../src/errors.js';

const WINTER = Date.UTC(2026, 0, 15, 12);
const SUMMER = Date.UTC(2026, 6, 15, 12);

test('fail2ban fixed forms: UTC, GMT, Z, offsets, abbreviation + offset', () => {
  const cases: Array<[string, number]> = [
    ['UTC', 0], ['GMT', 0], ['Z', 0], ['UTC+0100', 60], ['UTC+01:30', 90], ['GMT-05', -300],
    ['+01:00', 60], ['-0500', -300], ['-0130', -90], ['+05', 300], ['CEST+01', 180],
  ];
  for (const [spec, minutes] of cases) {
    const z = parseZone(spec);
    assert.equal(z.offsetAt(WINTER), minutes, spec);
    assert.equal(z.offsetAt(SUMMER), minutes, spec);
    assert.equal(z.name, spec);
  }
});

test('abbreviations are fixed offsets without DST, as in fail2ban', () => {
  assert.equal(parseZone('CET').offsetAt(SUMMER), 60);
  assert.equal(parseZone('CEST').offsetAt(WINTER), 120);
  assert.equal(parseZone('EST').offsetAt(SUMMER), -300);
  assert.equal(parseZone('PDT').offsetAt(WINTER), -420);
  assert.equal(parseZone('NPT').offsetAt(WINTER), 345);
  assert.equal(parseZone('IRST').offsetAt(WINTER), 210);
  assert.equal(parseZone('NDT').offsetAt(WINTER), -150);
  assert.equal(parseZone('CET').localToUtc(2026, 7, 1, 12, 0, 0), Date.UTC(2026, 6, 1, 11));
});

test('fixedZoneOffset rejects what fail2ban rejects', () => {
  assert.equal(fixedZoneOffset('utc'), undefined); // the form is upper-case only
  assert.equal(fixedZoneOffset('+5'), undefined);
  assert.equal(fixedZoneOffset('ABC'), undefined); // well-formed but unknown
  assert.equal(fixedZoneOffset('PT'), undefined); // two letters never match the form
  assert.equal(fixedZoneOffset('UTC+0100x'), undefined);
});

test('fixedZoneOffset answers the same the second time (its memo of zone texts)', () => {
  const specs = ['CEST', 'ABC', '+0530', '-05:00', 'UTC-05', 'utc', 'Z', 'EST+01:30', '+0100xxxxxxxxxxx'];
  const first = specs.map((s) => fixedZoneOffset(s));
  assert.deepEqual(first, [120, undefined, 330, -300, -300, undefined, 0, -210, undefined]);
  assert.deepEqual(specs.map((s) => fixedZoneOffset(s)), first);
  // Many distinct texts (the memo is bounded and starts over) change no answer.
  for (let h = 0; h < 600; h++) {
    const spec = `+${String(h % 20).padStart(2, '0')}${String(h % 60).padStart(2, '0')}`;
    assert.equal(fixedZoneOffset(spec), (h % 20) * 60 + (h % 60), spec);
  }
  assert.deepEqual(specs.map((s) => fixedZoneOffset(s)), first);
});

test('IANA names follow DST', () => {
  const berlin = parseZone('Europe/Berlin');
  assert.equal(berlin.name, 'Europe/Berlin');
  assert.equal(berlin.offsetAt(WINTER), 60);
  assert.equal(berlin.offsetAt(SUMMER), 120);
  const ny = parseZone('America/New_York');
  assert.equal(ny.offsetAt(WINTER), -300);
  assert.equal(ny.offsetAt(SUMMER), -240);
  assert.equal(parseZone('Asia/Kolkata').offsetAt(SUMMER), 330);
  // the transition instant itself (2026-03-29T01:00:00Z), not just its hour
  assert.equal(berlin.offsetAt(Date.UTC(2026, 2, 29, 0, 59, 59, 999)), 60);
  assert.equal(berlin.offsetAt(Date.UTC(2026, 2, 29, 1, 0, 0)), 120);
  assert.equal(parseZone('europe/berlin').name, 'Europe/Berlin');
  assert.equal(parseZone('Etc/UTC').offsetAt(SUMMER), 0);
});

test('unknown zones are ConfigErrors', () => {
  for (const bad of ['Mars/Phobos', '', '   ', '+5', 'UTC+', 'CET+1']) {
    assert.throws(() => parseZone(bad), ConfigError, bad);
  }
});

test('undefined resolves the machine zone', () => {
  const z = parseZone(undefined);
  assert.equal(typeof z.name, 'string');
  assert.ok(z.name.length > 0);
  assert.equal(typeof z.offsetAt(WINTER), 'number');
});

test('Europe/Berlin spring forward: the skipped hour takes the winter offset (glibc mktime)', () => {
  const z = parseZone('Europe/Berlin');
  assert.equal(z.localToUtc(2026, 3, 29, 1, 59, 59), Date.UTC(2026, 2, 29, 0, 59, 59));
  assert.equal(z.localToUtc(2026, 3, 29, 2, 0, 0), Date.UTC(2026, 2, 29, 1, 0, 0));
  assert.equal(z.localToUtc(2026, 3, 29, 2, 30, 0), Date.UTC(2026, 2, 29, 1, 30, 0)); // = 03:30 CEST
  assert.equal(z.localToUtc(2026, 3, 29, 3, 0, 0), Date.UTC(2026, 2, 29, 1, 0, 0));
  assert.equal(z.localToUtc(2026, 3, 29, 3, 30, 0), Date.UTC(2026, 2, 29, 1, 30, 0));
});

test('Europe/Berlin fall back: the repeated hour is its first (summer time) occurrence', () => {
  const z = parseZone('Europe/Berlin');
  assert.equal(z.localToUtc(2026, 10, 25, 1, 59, 59), Date.UTC(2026, 9, 24, 23, 59, 59));
  assert.equal(z.localToUtc(2026, 10, 25, 2, 0, 0), Date.UTC(2026, 9, 25, 0, 0, 0));
  assert.equal(z.localToUtc(2026, 10, 25, 2, 30, 0), Date.UTC(2026, 9, 25, 0, 30, 0));
  assert.equal(z.localToUtc(2026, 10, 25, 2, 59, 59), Date.UTC(2026, 9, 25, 0, 59, 59));
  assert.equal(z.localToUtc(2026, 10, 25, 3, 0, 0), Date.UTC(2026, 9, 25, 2, 0, 0));
});

test('America/New_York spring forward and fall back', () => {
  const z = parseZone('America/New_York');
  assert.equal(z.localToUtc(2026, 3, 8, 1, 59, 59), Date.UTC(2026, 2, 8, 6, 59, 59));
  assert.equal(z.localToUtc(2026, 3, 8, 2, 30, 0), Date.UTC(2026, 2, 8, 7, 30, 0)); // = 03:30 EDT
  assert.equal(z.localToUtc(2026, 3, 8, 3, 0, 0), Date.UTC(2026, 2, 8, 7, 0, 0));
  assert.equal(z.localToUtc(2026, 11, 1, 0, 59, 59), Date.UTC(2026, 10, 1, 4, 59, 59));
  assert.equal(z.localToUtc(2026, 11, 1, 1, 30, 0), Date.UTC(2026, 10, 1, 5, 30, 0)); // EDT occurrence
  assert.equal(z.localToUtc(2026, 11, 1, 2, 0, 0), Date.UTC(2026, 10, 1, 7, 0, 0));
});

test('repeated conversions hit the cache and stay consistent', () => {
  const z = parseZone('Europe/Berlin');
  for (let i = 0; i < 3; i++) {
    assert.equal(z.localToUtc(2026, 10, 25, 2, 30, 0), Date.UTC(2026, 9, 25, 0, 30, 0));
    assert.equal(z.localToUtc(2026, 10, 25, 3, 30, 0), Date.UTC(2026, 9, 25, 2, 30, 0));
    assert.equal(z.offsetAt(Date.UTC(2026, 9, 25, 0, 59, 59)), 120);
    assert.equal(z.offsetAt(Date.UTC(2026, 9, 25, 1, 0, 0)), 60);
  }
});

test('formatOffset', () => {
  assert.equal(formatOffset(0), '+00:00');
  assert.equal(formatOffset(60), '+01:00');
  assert.equal(formatOffset(-570), '-09:30');
  assert.equal(formatOffset(345), '+05:45');
});
