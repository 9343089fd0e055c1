import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import { evaluateNumber, parseDuration } from '../../../src/config/duration.js';

// Expected values were checked against fail2ban 1.0.2's MyTime.str2seconds.
const CASES: ReadonlyArray<readonly [string, number]> = [
  ['600', 600],
  ['-1', -1],
  ['10m', 600],
  ['2M', 120],
  ['1h', 3600],
  ['1d', 86400],
  ['1w', 604800],
  ['1ww', 604800],
  ['1d12h', 129600],
  ['1d 12h', 129600],
  ['1D1H', 90000],
  ['1hour+30min', 5400],
  ['0d 1h 30m', 5400],
  ['1.5h', 5400],
  ['3 DAYS', 259200],
  ['5 sec', 5],
  ['1week 1day', 691200],
  ['1mo', 2629800],
  ['6 months', 15778800],
  ['1y', 31557600],
  ['1year-6mo', 15778800],
  ['-2h', -7200],
  ['(1+2)*3m', 540],
  ['2**3', 8],
  ['7//2', 3],
  ['1 2', 3],
  ['5s5', 10],
];

test('fail2ban time values', () => {
  for (const [input, seconds] of CASES) assert.equal(parseDuration(input), seconds, input);
});

test('names are errors in a time value or a factor: only a bantime.formula reads ban.Time, ban.Count, banFactor', () => {
  for (const bad of ['ban.Time', 'banFactor', 'ban.Count + 5', '2 * ban.Time', 'max(1, 2)', 'math.pi', 'True']) {
    assert.throws(() => parseDuration(bad), ConfigError, bad);
    assert.equal(evaluateNumber(bad), undefined, bad);
  }
  assert.equal(evaluateNumber('3/2'), 1.5);
});

test('garbage is a ConfigError (as Python eval would fail)', () => {
  for (const bad of ['', 'abc', '10ms', '1e3', '1/0', '010', '1 2 3', '1h)', '5 parsecs']) {
    assert.throws(() => parseDuration(bad), ConfigError, bad);
  }
});
