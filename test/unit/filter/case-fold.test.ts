// Python IGNORECASE equivalence: the ASCII shortcut must agree with the full table, and
// a case-insensitive backreference is only translated when its group cannot hold letters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseVariants, computeVariants, isCased } from '../../../src/filter/case-fold.js';
import { translateRegex } from '../../../src/filter/translate-regex.js';
import { ConfigError } from '../../../src/errors.js';

test('ASCII case variants equal the ones computed from the full Unicode table', () => {
  for (let cp = 0; cp < 0x80; cp++) {
    assert.deepEqual(caseVariants(cp), computeVariants(cp), `U+${cp.toString(16)}`);
    assert.equal(isCased(cp), computeVariants(cp).length > 1, `U+${cp.toString(16)}`);
  }
  assert.deepEqual(caseVariants(0x6b), [0x4b, 0x6b, 0x212a]); // k K and the Kelvin sign
  assert.deepEqual(caseVariants(0x49), [0x49, 0x69, 0x131]); // I i and dotless i
});

test('a backreference under (?i) is plain when its group is caseless, an error otherwise', () => {
  const where = { file: 't.conf', key: 'datepattern' };
  const re = new RegExp(translateRegex('(?i)(?P<sep>[-/])x(?P=sep)', where));
  assert.ok(re.test('-X-'));
  assert.ok(!re.test('-X/'));
  assert.throws(() => translateRegex('(?i)(?P<w>[a-z]+) (?P=w)', where), ConfigError);
});
