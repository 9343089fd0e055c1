import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BanMemory, compileBanTimeIncrement } from '../../../src/jail/ban-time-increment.js';
import { FormulaError } from '../../../src/jail/ban-formula.js';
import type { BanTimeIncrementSpec } from '../../../src/types.js';

const spec = (over: Partial<BanTimeIncrementSpec> = {}): BanTimeIncrementSpec => ({
  factor: 1,
  formula: undefined,
  multipliers: [],
  maxtime: undefined,
  rndtime: undefined,
  overalljails: false,
  ...over,
});
const series = (s: BanTimeIncrementSpec, time: number, n = 5): number[] => {
  const inc = compileBanTimeIncrement(s, 86400);
  return Array.from({ length: n }, (_, i) => inc.banTime(time, i + 1));
};

test('semantics §7.7 table: ban times of the 2nd, 3rd, ... ban', () => {
  assert.deepEqual(series(spec(), 600), [1200, 2400, 4800, 9600, 19200]);
  assert.deepEqual(series(spec({ maxtime: 3000 }), 600), [1200, 2400, 3000, 3000, 3000]);
  // multipliers[Count], the last one beyond the end; multipliers[0] is never used.
  assert.deepEqual(series(spec({ multipliers: [1, 5, 30, 60] }), 60), [300, 1800, 3600, 3600, 3600]);
  assert.deepEqual(series(spec({ factor: 2 }), 600, 2), [2400, 4800]);
  // max(Time, formula): a formula that would shorten the ban does not.
  assert.deepEqual(series(spec({ formula: 'ban.Time / 2' }), 600, 2), [600, 600]);
  // No max() with multipliers: a multiplier below 1 does shorten it, as in fail2ban.
  assert.deepEqual(series(spec({ multipliers: [1, 0] }), 600, 1), [0]);
});

test('a formula outside the subset, or one that always fails, is rejected when compiled', () => {
  assert.throws(() => compileBanTimeIncrement(spec({ formula: 'os.time()' }), 86400), FormulaError);
  assert.throws(() => compileBanTimeIncrement(spec({ formula: 'ban.Time / 0' }), 86400), FormulaError);
  assert.equal(compileBanTimeIncrement(spec({ overalljails: true }), 3600).purgeAge, 3600);
});

test('BanMemory: per jail or summed over jails, replaced per (id, jail)', () => {
  const m = new BanMemory();
  const now = 10_000_000;
  m.put('a', 'dovecot', { timeOfBan: 9000, banTime: 600, banCount: 1 });
  m.put('a', 'postfix', { timeOfBan: 9500, banTime: 1200, banCount: 2 });
  assert.deepEqual(m.get('a', 'dovecot', now, 86400, false), { timeOfBan: 9000, banTime: 600, banCount: 1 });
  assert.deepEqual(m.get('a', 'dovecot', now, 86400, true), { timeOfBan: 9500, banTime: 1800, banCount: 3 });
  assert.equal(m.get('a', 'sshd', now, 86400, false), undefined);
  assert.equal(m.get('b', 'dovecot', now, 86400, true), undefined);
  m.put('a', 'dovecot', { timeOfBan: 9900, banTime: 2400, banCount: 4 });
  assert.equal(m.get('a', 'dovecot', now, 86400, false)?.banCount, 4);
});

test('BanMemory fades like _purge_bips: older than the purge age and ended 3 bantimes before it', () => {
  const m = new BanMemory();
  m.put('a', 'j', { timeOfBan: 1000, banTime: 600, banCount: 1 });
  m.put('p', 'j', { timeOfBan: 1000, banTime: -1, banCount: 1 });
  m.put('p', 'k', { timeOfBan: 1000, banTime: 600, banCount: 2 });
  const age = 3600;
  // Purged once 1000 < now - 3600 and 1000 + 1800 < now - 3600, i.e. from now = 6401 s on.
  assert.ok(m.get('a', 'j', 6400_000, age, false) !== undefined);
  assert.equal(m.get('a', 'j', 6401_000, age, false), undefined);
  // Sub-second times count as the whole second (fail2ban uses int(time)).
  assert.ok(m.get('a', 'j', 6400_999, age, false) !== undefined);
  // Permanent bans are never forgotten.
  assert.ok(m.get('p', 'j', 1e12, age, false) !== undefined);
  // A purged row drops out of the overall sum.
  assert.deepEqual(m.get('p', 'x', 5000_000, age, true), { timeOfBan: 1000, banTime: 599, banCount: 3 });
  assert.deepEqual(m.get('p', 'x', 1e12, age, true), { timeOfBan: 1000, banTime: -1, banCount: 1 });
});
