// StringTable: dense indices in first-seen order, the same with and without the dotted-quad
// table that id tables use (#4), across its growth and for numbers that are negative as int32.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringTable } from '../../../src/pipeline/hit-store.js';
import { mulberry32 as rng } from '../../support/mulberry32.js';

/** The indices a first-seen-order numbering gives: the oracle. */
function expected(values: readonly string[]): number[] {
  const seen = new Map<string, number>();
  return values.map((v) => {
    if (!seen.has(v)) seen.set(v, seen.size);
    return seen.get(v)!;
  });
}

function sample(n: number, seed: number): string[] {
  const r = rng(seed);
  const octet = (): number => Math.floor(r() * 256);
  const edge = ['0.0.0.0', '255.255.255.255', '128.0.0.0', '127.255.255.255', '1.2.3', '01.2.3.4', '1.2.3.256', '1.2.3.4.5', '', 'alice'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.05) out.push(edge[Math.floor(r() * edge.length)]!);
    else if (x < 0.15) out.push(`user${Math.floor(r() * 500)}`);
    else if (x < 0.25 && out.length > 0) out.push(out[Math.floor(r() * out.length)]!); // a repeat
    else if (x < 0.3) out.push(`2001:db8::${octet().toString(16)}`);
    else out.push(`${octet()}.${octet()}.${Math.floor(r() * 12)}.${octet()}`);
  }
  return out;
}

test('an id table numbers values like a plain one, through the growth of its quad table', () => {
  const values = sample(60_000, 7);
  const want = expected(values);
  for (const quads of [false, true]) {
    const t = new StringTable(quads);
    assert.deepEqual(values.map((v) => t.intern(v)), want, `quads: ${quads}`);
    assert.equal(t.size, new Set(values).size);
    assert.deepEqual(t.values, [...new Set(values)]);
    for (const v of ['0.0.0.0', '255.255.255.255', '01.2.3.4', 'alice']) assert.equal(t.find(v), t.values.indexOf(v));
    // Every value is found at its index, by number or by text; absent ones are not.
    t.values.forEach((v, i) => assert.equal(t.find(v), i, v));
    for (const v of ['1.1.200.1', '203.0.113.200', 'nobody-here']) assert.equal(t.find(v), -1, v);
    assert.ok(t.size > 4096, 'enough distinct values to grow the table several times');
  }
});

test('values sliced from a longer text get detached copies, same indices', () => {
  const text = ' 203.0.113.45 198.51.100.123 203.0.113.45 a-rather-long-user-name-here ';
  const t = new StringTable(true);
  const a = t.intern(text.slice(1, 13));
  const b = t.intern(text.slice(14, 28));
  const c = t.intern(text.slice(29, 41));
  const d = t.intern(text.slice(42, 70));
  assert.deepEqual([a, b, c, d], [0, 1, 0, 2]);
  assert.deepEqual(t.values, ['203.0.113.45', '198.51.100.123', 'a-rather-long-user-name-here']);
});

test('a table that adopts values numbers them by position and goes on from there', () => {
  const values = sample(5000, 11).filter((v, i, all) => all.indexOf(v) === i);
  for (const quads of [false, true]) {
    const t = new StringTable(quads, values.slice());
    values.forEach((v, i) => assert.equal(t.find(v), i, v));
    assert.equal(t.find('1.1.200.1'), -1);
    const more = sample(3000, 12);
    const plain = new StringTable(quads);
    for (const v of values) plain.intern(v);
    assert.deepEqual(more.map((v) => t.intern(v)), more.map((v) => plain.intern(v)), `quads: ${quads}`);
    assert.deepEqual(t.values, plain.values);
  }
});
