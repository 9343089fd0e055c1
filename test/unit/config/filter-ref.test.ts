import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.js';
import { parseFilterRef } from '../../../src/config/filter-ref.js';

test('a plain name has no parameters', () => {
  assert.deepEqual(parseFilterRef('postfix'), { name: 'postfix', params: {} });
  assert.deepEqual(parseFilterRef('postfix[mode=auth]'), { name: 'postfix', params: { mode: 'auth' } });
});

test('quotes allow commas and brackets; several bracket groups are merged', () => {
  assert.deepEqual(parseFilterRef('x[k=v, k2="a,b"][k3=v]'), { name: 'x', params: { k: 'v', k2: 'a,b', k3: 'v' } });
  assert.deepEqual(parseFilterRef(`x[c='x]y', b="p, q"]`), { name: 'x', params: { c: 'x]y', b: 'p, q' } });
  assert.deepEqual(parseFilterRef('x[a="x\ny"]'), { name: 'x', params: { a: 'x\ny' } });
});

test('values are trimmed, empty values and a trailing comma are allowed, names keep their case', () => {
  assert.deepEqual(parseFilterRef('x[Mode= aggressive ,]'), { name: 'x', params: { Mode: 'aggressive' } });
  assert.deepEqual(parseFilterRef('x[a=][b=2] '), { name: 'x', params: { a: '', b: '2' } });
});

test('a parameter named __proto__ is an ordinary key', () => {
  const { params } = parseFilterRef('x[__proto__=1]');
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
  assert.deepEqual(Object.keys(params), ['__proto__']);
  assert.equal(params['__proto__'], '1');
});

test('syntax errors are ConfigErrors', () => {
  for (const bad of ['x[a=1', 'x[=1]', 'x[a="1" b=2]', 'x[ a = 1 ]', '[a=1]']) {
    assert.throws(() => parseFilterRef(bad), ConfigError, bad);
  }
});
