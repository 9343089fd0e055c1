// Python 3 round() parity for the values adjustTime can produce.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundHalfEven } from '../../../src/jail/round-half-even.js';
import { rescaleRetry } from '../../../src/jail/fail-ticket.js';

test('ties go to the even neighbour, like Python 3 round()', () => {
  const cases: Array<[number, number]> = [
    [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [4.5, 4], [-0.5, 0], [-1.5, -2], [-2.5, -2],
  ];
  for (const [x, want] of cases) assert.equal(roundHalfEven(x), want, `round(${x})`);
  // Math.round differs on exactly these ties.
  assert.notEqual(Math.round(2.5), roundHalfEven(2.5));
});

test('non-ties round to nearest, including values a hair off .5', () => {
  assert.equal(roundHalfEven(2.4999999999999996), 2);
  assert.equal(roundHalfEven(2.5000000000000004), 3);
  assert.equal(roundHalfEven(1.2), 1);
  assert.equal(roundHalfEven(1.8), 2);
  assert.equal(roundHalfEven(7), 7);
  assert.ok(Object.is(roundHalfEven(-0.2), 0));
});

test('rescaleRetry evaluates retry / span * findtime in Python order', () => {
  assert.equal(rescaleRetry(4, 800, 600), 3); // §7.4 row 2 at t = 800
  assert.equal(rescaleRetry(4, 1003, 600), 2); // §7.4 row 3 without cleanup
  assert.equal(rescaleRetry(3, 768, 640), 2); // exact 2.5 → 2
  assert.equal(rescaleRetry(5, 1024, 512), 2); // exact 2.5 → 2
  assert.equal(rescaleRetry(7, 1024, 512), 4); // exact 3.5 → 4
});
