// The JSON and ndjson renderers in pieces: joined, the pieces are exactly the one-string
// text (pretty-printed JSON with its escapes, whatever the shapes and sizes), and a large
// report comes in many pieces of bounded size.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LazyList, safeJsonPieces } from '../../../src/report/json-pieces.js';
import { toSafeJson } from '../../../src/report/sanitize.js';
import { PIECE_CHARS, textOf } from '../../../src/report/text-output.js';
import { mulberry32 } from '../../support/mulberry32.js';

const joined = (v: unknown): string => [...safeJsonPieces(v)].join('');

describe('safeJsonPieces', () => {
  it('equals toSafeJson(value, 2) on edge shapes', () => {
    const cases: unknown[] = [
      {}, [], null, 0, 'x', true, { a: [] }, { a: {} }, [[]], [{}], { a: undefined, b: 1 }, [undefined, () => 1, Symbol('s')],
      { f: () => 1, s: Symbol('x'), n: null, d: new Date(0), boxed: [Object(1), Object('s'), Object(false)] },
      { deep: { deeper: { deepest: [1, { x: [2, 3] }] } }, list: [{ a: 1 }, [1, [2, [3]]], 'é\u2028\u009b\u202e'] },
      { withToJson: { toJSON: () => ({ replaced: [1, 2] }) }, nested: [{ toJSON: () => undefined }] },
      { 'quote"key': 'line\nbreak', '\u2029': ['\u0000', '\u007f'] },
    ];
    for (const v of cases) assert.equal(joined(v), toSafeJson(v, 2), JSON.stringify(v));
    assert.equal(joined(undefined), '', 'nothing to print');
  });

  it('equals toSafeJson(value, 2) on random nested values', () => {
    const rnd = mulberry32(7);
    const pick = (n: number): number => Math.floor(rnd() * n);
    const value = (depth: number): unknown => {
      const k = pick(depth > 3 ? 4 : 7);
      if (k === 0) return pick(1000) - 500;
      if (k === 1) return ['a', 'b\u2028', '"q"', '\u202e', 'x\ny'][pick(5)];
      if (k === 2) return [null, true, false, undefined][pick(4)];
      if (k === 3) return pick(2) === 0 ? [] : {};
      if (k === 4 || k === 5) return Array.from({ length: pick(5) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: pick(5) }, (_, i) => [`k${i}`, value(depth + 1)]));
    };
    for (let i = 0; i < 300; i++) {
      const v = value(0);
      assert.equal(joined(v), v === undefined ? '' : toSafeJson(v, 2));
    }
  });

  it('equals toSafeJson(value, 2) for arrays stringified in blocks: every length, odd elements, big ones', () => {
    const odd = [undefined, () => 1, Symbol('s'), null, { toJSON: () => ({ via: 'toJSON' }) }, Object(3), [], {}, 'x\u2028'];
    for (const n of [0, 1, 2, 31, 32, 33, 64, 65, 100]) {
      const list = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? odd[i % odd.length] : { i, tags: ['a', `b${i}`], nested: { deep: [i, [i]] } }));
      const doc = { top: list, lazy: new LazyList(list, (x) => x), deeper: { again: list } };
      assert.equal(joined(doc), toSafeJson(doc, 2), `length ${n}`);
    }
    // Elements of over half a piece shrink the blocks; pieces stay under two PIECE_CHARS.
    const huge = { rows: Array.from({ length: 40 }, (_, i) => ({ i, text: 'y'.repeat(i % 3 === 0 ? PIECE_CHARS : 200) })) };
    const pieces = [...safeJsonPieces(huge)];
    assert.equal(pieces.join(''), toSafeJson(huge, 2));
    for (const p of pieces.slice(0, -1)) assert.ok(p.length < 3 * PIECE_CHARS, `${p.length}`);
  });

  it('cuts a large document into pieces of about PIECE_CHARS', () => {
    const big = { ips: Array.from({ length: 20000 }, (_, i) => ({ ip: `198.51.100.${i % 256}`, n: i, users: ['a', 'b'] })) };
    const pieces = [...safeJsonPieces(big)];
    assert.ok(pieces.length > 10, `${pieces.length} pieces`);
    for (const p of pieces.slice(0, -1)) assert.ok(p.length >= PIECE_CHARS && p.length < 2 * PIECE_CHARS, `${p.length}`);
    assert.equal(textOf(pieces), toSafeJson(big, 2));
  });

  it('maps a LazyList element by element while streaming, and JSON.stringify sees an array', () => {
    let mapped = 0;
    const items = Array.from({ length: 5000 }, (_, i) => i);
    const doc = { before: 1, list: new LazyList(items, (i) => (mapped++, { i, s: `row ${i}\u2028` })), empty: new LazyList([], (x) => x) };
    const it = safeJsonPieces(doc)[Symbol.iterator]();
    const first = it.next();
    assert.ok(!first.done);
    assert.ok(mapped > 0 && mapped < items.length, `mapped ${mapped} of ${items.length} for the first piece`);
    let rest = first.value;
    for (let r = it.next(); !r.done; r = it.next()) rest += r.value;
    const plain = { before: 1, list: items.map((i) => ({ i, s: `row ${i}\u2028` })), empty: [] };
    assert.equal(rest, toSafeJson(plain, 2));
    assert.equal(JSON.stringify(doc), JSON.stringify(plain));
  });

  it('streams LazyLists at any depth: in objects inside arrays, and below the walked levels', () => {
    let mapped = 0;
    const items = Array.from({ length: 4000 }, (_, i) => i);
    const row = (i: number): unknown => (mapped++, { i, s: `ban ${i}` });
    // Like the report: jails[].bans, and belowRadar.networks under an object.
    const doc = {
      jails: [
        { name: 'a', bans: new LazyList(items, row), after: [1, 2] },
        { name: 'b', bans: new LazyList([], row) },
      ],
      radar: { n: 1, networks: new LazyList(items, row), deeper: { list: new LazyList(items.slice(0, 3), row) } },
      plain: [{ x: [1, { y: 2 }] }],
    };
    const it = safeJsonPieces(doc)[Symbol.iterator]();
    const first = it.next();
    assert.ok(!first.done);
    assert.ok(mapped > 0 && mapped < items.length, `mapped ${mapped} of ${3 * items.length + 3} for the first piece`);
    let text = first.value;
    for (let r = it.next(); !r.done; r = it.next()) text += r.value;
    assert.equal(text, toSafeJson(JSON.parse(JSON.stringify(doc)), 2));
  });
});
