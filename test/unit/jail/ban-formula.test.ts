import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileBanFormula, FormulaError } from '../../../src/jail/ban-formula.js';
import { DEFAULT_BAN_FORMULA } from '../../../src/jail/ban-time-increment.js';

const at = (f: string, time = 600, count = 1, factor = 1): number => compileBanFormula(f)({ time, count, factor });

test("fail2ban's default formula: Time · 2^min(Count, 20) · banFactor", () => {
  assert.deepEqual([1, 2, 3, 4].map((c) => at(DEFAULT_BAN_FORMULA, 600, c)), [1200, 2400, 4800, 9600]);
  assert.equal(at(DEFAULT_BAN_FORMULA, 600, 25), 600 * 2 ** 20);
  assert.equal(at(DEFAULT_BAN_FORMULA, 600, 1, 2), 2400);
});

test("jail.conf's exponential example", () => {
  const f = 'ban.Time * math.exp(float(ban.Count+1)*banFactor)/math.exp(1*banFactor)';
  assert.ok(Math.abs(at(f, 600, 1) - 600 * Math.E) < 1e-9);
  assert.ok(Math.abs(at(f, 600, 2) - 600 * Math.E ** 2) < 1e-6);
});

test('Python operator precedence and semantics', () => {
  assert.equal(at('-2**2'), -4);
  assert.equal(at('2**3**2'), 512);
  assert.equal(at('2**-1'), 0.5);
  assert.equal(at('7 // 2'), 3);
  assert.equal(at('-7 // 2'), -4);
  assert.equal(at('-7 % 3'), 2);
  assert.equal(at('7 % -3'), -2);
  assert.equal(at('1 << 3 + 1'), 16);
  assert.equal(at('1 + 2 * 3'), 7);
  assert.equal(at('6 & 3 | 8 ^ 1'), 11);
  assert.equal(at('~5'), -6);
  assert.equal(at('1 < 2 < 3'), 1);
  assert.equal(at('3 > 2 > 2'), 0);
  assert.equal(at('10 if ban.Count > 2 else 20'), 20);
  assert.equal(at('10 if ban.Count > 2 else 20', 600, 3), 10);
  assert.equal(at('0 or 5'), 5);
  assert.equal(at('2 and 0'), 0);
  assert.equal(at('not 0'), 1);
  assert.equal(at('round(2.5) + round(3.5) + int(-2.7) + abs(-1)'), 2 + 4 - 2 + 1);
  assert.equal(at('max(ban.Time, 100, ban.Count)'), 600);
  assert.equal(at('min(ban.Time, 100,)'), 100);
  assert.equal(at('math.log(8, 2) + math.sqrt(16) + math.floor(1.5) + math.ceil(1.2)'), 3 + 4 + 1 + 2);
  assert.equal(at('0x10 + 1e3 + .5'), 1016.5);
  assert.equal(at('True + True'), 2);
});

test('anything outside the subset is a FormulaError at compile time', () => {
  for (const f of [
    '__import__("os").system("x")',
    'os.getpid()',
    'ban.Foo',
    'math.nope(1)',
    'open',
    'ban.Time *',
    '(1',
    'lambda: 1',
    '1 if 2',
    'abs(1, 2)',
    '010',
    '[1]',
  ]) {
    assert.throws(() => compileBanFormula(f), FormulaError, f);
  }
});

test('evaluation errors are FormulaErrors too', () => {
  for (const f of ['1 / 0', '1 // (ban.Count - 1)', 'math.log(0)', '1 << -1', '1.5 << 1', '(-8) ** 0.5', 'math.exp(1000)']) {
    assert.throws(() => at(f), FormulaError, f);
  }
});
