// Tests for PairCounts (the analyses' hash table of integer pairs) and TopNames (issue #4):
// counts, first-seen order per key, dense pair indices, growth, and the bounded top-N order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PairCounts, TopNames } from '../../../src/analysis/pair-counts.js';
import { mulberry32 } from '../../support/mulberry32.js';

test('counts pairs, keeps each key’s values in first-seen order, pair indices dense', () => {
  const t = new PairCounts(4, 2);
  assert.equal(t.add(1, 7), 1);
  assert.equal(t.add(1, 3), 1);
  assert.equal(t.add(1, 7), 2, 'the first value again, after another one');
  assert.equal(t.add(2, 7, 5), 5);
  assert.deepEqual(t.entries(1), [[7, 2], [3, 1]]);
  assert.deepEqual([t.size(1), t.size(2), t.size(3), t.size(99)], [2, 1, 0, 0]);
  assert.deepEqual([t.count(1, 7), t.count(1, 4), t.count(9, 7)], [2, 0, 0]);
  assert.deepEqual([t.slot(1, 7), t.slot(1, 3), t.slot(2, 7), t.slot(0, 0)], [0, 1, 2, 3]);
  assert.equal(t.pairs, 4);
  assert.equal(t.countAt(3), 0, 'slot adds a new pair with count 0');
  const all: number[][] = [];
  t.forEachPair((k, v, n) => all.push([k, v, n]));
  assert.deepEqual(all, [[1, 7, 2], [1, 3, 1], [2, 7, 5], [0, 0, 0]]);
});

test('agrees with a Map of Maps through growth and rehashing (seeded)', () => {
  const rnd = mulberry32(4);
  const t = new PairCounts(1, 1);
  const ref = new Map<number, Map<number, number>>();
  for (let i = 0; i < 20_000; i++) {
    // Skewed keys and values, some large (id codes of big stores).
    const key = rnd() < 0.1 ? Math.floor(rnd() * 2_000_000) : Math.floor(rnd() * 300);
    const value = rnd() < 0.1 ? Math.floor(rnd() * 1_000_000_000) : Math.floor(rnd() * 50);
    const by = 1 + Math.floor(rnd() * 3);
    let m = ref.get(key);
    if (m === undefined) ref.set(key, (m = new Map()));
    m.set(value, (m.get(value) ?? 0) + by);
    assert.equal(t.add(key, value, by), m.get(value));
  }
  for (const [key, m] of ref) {
    assert.deepEqual(t.entries(key), [...m], `key ${key}`);
    assert.equal(t.size(key), m.size);
  }
});

test('top keeps the most counted values, ties by name, within the limit', () => {
  const t = new PairCounts();
  const names = ['', 'carol', 'alice', 'bob', 'dave', 'erin'];
  for (const [u, n] of [[1, 2], [2, 5], [3, 2], [4, 1], [5, 5]] as const) t.add(0, u, n);
  assert.deepEqual(t.top(0, 3, (u) => names[u]!), ['alice', 'erin', 'bob']);
  assert.deepEqual(t.top(0, 10, (u) => names[u]!), ['alice', 'erin', 'bob', 'carol', 'dave']);
  assert.deepEqual(t.top(7, 3, (u) => names[u]!), []);
});

test('TopNames equals a full sort cut to the limit (seeded)', () => {
  const rnd = mulberry32(9);
  for (let round = 0; round < 200; round++) {
    const limit = 1 + Math.floor(rnd() * 6);
    const offers = Array.from({ length: Math.floor(rnd() * 20) }, (_, v) => ({ v, n: Math.floor(rnd() * 4), name: `u${Math.floor(rnd() * 1e6)}-${v}` }));
    const top = new TopNames(limit);
    let asked = 0;
    for (const o of offers) top.offer(o.v, o.n, (v) => (asked++, offers[v]!.name));
    const want = [...offers]
      .sort((a, b) => b.n - a.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit)
      .map((o) => o.name);
    assert.deepEqual(top.names, want, `round ${round}`);
    assert.ok(asked <= offers.length);
  }
});
