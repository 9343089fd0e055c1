// Tests for the analyses' shared index (issue #4): the line-adjacency invariant the report
// relies on instead of Sets of line keys, its check and the regrouping fallback, username
// codes, and look-ups cached per id code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byIdCode, countryCounter, hitIndex, lineAdjacent } from '../../../src/analysis/hit-index.js';
import { HitStore } from '../../../src/pipeline/hit-store.js';
import type { Hit } from '../../../src/types.js';

const T = Date.UTC(2026, 0, 5);
const hit = (line: number, jail: number, dt: number, p: Partial<Hit> = {}): Hit => ({
  jail, kind: 'failure', id: '203.0.113.7', time: T + dt, user: undefined, file: 0, line, ...p,
});

test('the replay order keeps a line matched by two jails adjacent: the store is used as is', () => {
  // Sorted by (time, file, line, jail), as scan-all merges them.
  const store = HitStore.from([hit(1, 0, 0), hit(1, 1, 0), hit(2, 0, 5), hit(1, 0, 0, { file: 1 }), hit(3, 1, 9)]);
  assert.equal(lineAdjacent(store), store);
});

test('a line dated differently by two jails (two datepatterns) is regrouped behind its first hit', () => {
  // Jail 1 read another stamp on line 1: its hit sorts after line 2.
  const hits = [hit(1, 0, 0), hit(2, 0, 5), hit(1, 1, 8, { user: 'x' }), hit(3, 0, 9)];
  const rows = lineAdjacent(HitStore.from(hits));
  assert.deepEqual(
    rows.toArray().map((h) => [h.line, h.jail, h.time - T]),
    [[1, 0, 0], [1, 1, 8], [2, 0, 5], [3, 0, 9]],
  );
  assert.equal(rows.userOf(1), 'x', 'codes keep their meaning in the copy');
});

test('huge line numbers fall back to a Set, with the same answers', () => {
  const big = 4_000_000_000;
  const store = HitStore.from([hit(big, 0, 0), hit(big, 1, 0), hit(7, 0, 1)]);
  assert.equal(lineAdjacent(store), store);
  const split = lineAdjacent(HitStore.from([hit(big, 0, 0), hit(7, 0, 1), hit(big, 1, 2)]));
  assert.deepEqual(split.toArray().map((h) => h.line), [big, big, 7]);
});

test('hitIndex: username codes normalised once per spelling, cached per store', () => {
  const store = HitStore.from([
    hit(1, 0, 0, { user: 'Alice@Example.org' }),
    hit(2, 0, 1, { user: 'alice' }),
    hit(3, 0, 2, { user: 'UGFzc3dvcmQ6' }),
    hit(4, 0, 3, { user: 'alice@example.org' }),
  ]);
  const { rows, names } = hitIndex(store);
  assert.equal(rows, store);
  assert.equal(hitIndex(store).names, names, 'the same index on the second call');
  const code = (s: string): number => store.users.find(s) + 1;
  assert.deepEqual([...names.isName], [0, 1, 1, 0, 1]);
  assert.equal(names.norm[code('Alice@Example.org')], names.norm[code('alice@example.org')]);
  assert.equal(names.norm[code('UGFzc3dvcmQ6')], -1, 'a SASL prompt is no username');
  assert.deepEqual(names.norms, ['alice@example.org', 'alice']);
  assert.deepEqual(names.groups, ['alice']);
  assert.deepEqual([...names.groupOfNorm], [0, 0]);
});

test('byIdCode asks once per id code; countryCounter counts addresses per country', () => {
  const store = HitStore.from([hit(1, 0, 0, { id: '8.8.8.8' }), hit(2, 0, 1, { id: '1.1.1.1' }), hit(3, 0, 2, { id: '9.9.9.9' })]);
  const asked: string[] = [];
  const country = byIdCode(store, (ip) => (asked.push(ip), ip === '1.1.1.1' ? 'AU' : ip === '9.9.9.9' ? undefined : 'US'));
  for (const c of [0, 1, 0, 2, 1, 2]) country(c);
  assert.deepEqual(asked, ['8.8.8.8', '1.1.1.1', '9.9.9.9']);
  const countries = countryCounter(store.ids.size, country);
  assert.deepEqual(countries([1, 0, 2]), ['AU', 'US'], 'a tie is broken by name');
  assert.deepEqual(countries([0, 1, 0]), ['US', 'AU']);
  assert.deepEqual(countries([]), []);
});
