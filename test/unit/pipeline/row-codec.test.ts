// The encoding of a file's finished hits (row-codec.ts): every row read back exactly,
// whatever its values (fractional, negative and odd times, big jails, lines going back, codes
// of any size), through the encoder's growth, and compact on log-like rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRows, RowEncoder, type RowColumns } from '../../../src/pipeline/row-codec.js';
import { mulberry32 } from '../../support/mulberry32.js';

function columns(n: number): RowColumns {
  return {
    time: new Float64Array(n),
    jail: new Uint16Array(n),
    kind: new Uint8Array(n),
    id: new Uint32Array(n),
    user: new Uint32Array(n),
    line: new Uint32Array(n),
  };
}

function encode(c: RowColumns, n: number): Uint8Array {
  const encoder = new RowEncoder();
  for (let i = 0; i < n; i++) encoder.write(c.jail[i]!, c.kind[i]!, c.id[i]!, c.user[i]!, c.time[i]!, c.line[i]!);
  const out = new Uint8Array(encoder.size);
  encoder.copyTo(out);
  return out;
}

function roundTrip(c: RowColumns, n: number): { back: RowColumns; bytes: number } {
  const out = encode(c, n);
  // Decoded behind two rows of something else, as the merge writes a file after others.
  const back = columns(n + 2);
  back.time.fill(7, 0, 2);
  decodeRows(out, n, back, 2);
  for (const k of Object.keys(back) as (keyof RowColumns)[]) back[k] = back[k].subarray(2) as never;
  return { back, bytes: out.length };
}

const same = (a: RowColumns, b: RowColumns, n: number, what: string): void => {
  for (let i = 0; i < n; i++) {
    assert.ok(Object.is(a.time[i], b.time[i]), `${what}: time of row ${i}: ${a.time[i]} became ${b.time[i]}`);
    for (const k of ['jail', 'kind', 'id', 'user', 'line'] as const) assert.equal(b[k][i], a[k][i], `${what}: ${k} of row ${i}`);
  }
};

test('odd values come back exactly', () => {
  const times = [0, -0, 1767225601000, 1767225601000, 1767225601000.5, 1767225601001, -5, NaN, NaN, 2 ** 60, 1, 0.1 + 0.2, -0, 0, Infinity, 1767225601000];
  const n = times.length;
  const c = columns(n);
  times.forEach((t, i) => {
    c.time[i] = t;
    c.jail[i] = [0, 30, 31, 65535][i % 4]!;
    c.kind[i] = i % 2;
    c.id[i] = [0, 127, 128, 4294967295][i % 4]!;
    c.user[i] = [0, 1, 16383, 16384][(i + 1) % 4]!;
    c.line[i] = [1, 4294967295, 0, 5, 3][i % 5]!;
  });
  same(c, roundTrip(c, n).back, n, 'odd values');
  assert.equal(roundTrip(c, 0).bytes, 0);
});

test('random rows come back exactly', () => {
  const rnd = mulberry32(4);
  for (let round = 0; round < 20; round++) {
    const n = 1 + Math.floor(rnd() * 3000);
    const c = columns(n);
    let t = Date.UTC(2026, 0, 1) + Math.floor(rnd() * 1e9);
    let line = 1;
    for (let i = 0; i < n; i++) {
      const r = rnd();
      t += r < 0.3 ? 0 : r < 0.9 ? Math.floor(rnd() * 5000) : r < 0.95 ? -Math.floor(rnd() * 1e6) : rnd() * 1000;
      line += Math.floor(rnd() * 4) - (rnd() < 0.05 ? 3 : 0);
      c.time[i] = t;
      c.jail[i] = rnd() < 0.9 ? Math.floor(rnd() * 4) : Math.floor(rnd() * 70000) % 65536;
      c.kind[i] = rnd() < 0.5 ? 1 : 0;
      c.id[i] = Math.floor(rnd() ** 3 * 4294967295);
      c.user[i] = Math.floor(rnd() ** 4 * 100000);
      c.line[i] = Math.max(0, line);
    }
    same(c, roundTrip(c, n).back, n, `round ${round}`);
  }
});

test('log-like rows take a few bytes each', () => {
  // Bursts from a few thousand addresses, seconds apart, a few jails, usernames of a dictionary.
  const rnd = mulberry32(9);
  const n = 10_000;
  const c = columns(n);
  let t = Date.UTC(2026, 0, 1);
  let line = 0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 4) * 1000;
    line += 1 + Math.floor(rnd() * 6);
    c.time[i] = t;
    c.jail[i] = Math.floor(rnd() * 3);
    c.kind[i] = rnd() < 0.6 ? 1 : 0;
    c.id[i] = Math.floor(rnd() * 5000);
    c.user[i] = Math.floor(rnd() * 600);
    c.line[i] = line;
  }
  const { back, bytes } = roundTrip(c, n);
  same(c, back, n, 'log-like');
  assert.ok(bytes / n < 9, `${(bytes / n).toFixed(1)} bytes a row`);
});

test('bytes that do not hold the rows asked for are refused', () => {
  const c = columns(2);
  c.time.set([1000, 2000]);
  assert.throws(() => decodeRows(encode(c, 2), 1, columns(2), 0), /read/);
});
