import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LineGate } from '../../../src/filter/line-gate.js';
import { LineSplitter, type SplitterOptions } from '../../../src/lines/line-splitter.js';

type Line = [number, string];

interface Run {
  lines: Line[];
  total: number;
  overlong: number;
  binary: number;
  firstBinary: number | undefined;
  firstOverlong: number | undefined;
  lastLine: string;
}

function run(chunks: Buffer[], max: number, opts: SplitterOptions = {}): Run {
  const lines: Line[] = [];
  const s = new LineSplitter((line, n) => lines.push([n, line]), max, opts);
  for (const c of chunks) s.write(c);
  s.end();
  return { lines, total: s.lines, overlong: s.overlong, binary: s.binary, firstBinary: s.firstBinary, firstOverlong: s.firstOverlong, lastLine: s.lastLine };
}

/** A gate that finds every position: it must change nothing. */
const EVERYTHING: LineGate = { next: (text, from) => (from <= text.length ? from : -1) };

/** A gate over plain substrings, by indexOf (the real ones are tested in test/unit/filter/line-gate.test.ts). */
function literalGate(lits: string[]): LineGate {
  return {
    next(text, from) {
      let best = -1;
      for (const l of lits) {
        const i = text.indexOf(l, from);
        if (i !== -1 && (best === -1 || i < best)) best = i;
      }
      return best;
    },
  };
}

// No test literal holds a CR: one could also hit the CR a CRLF line loses (harmless, but not "exactly").
const GATES = [['a'], ['x', 'é'], ['\0'], ['ab', '😀'], ['\ufffd'], ['zzz-absent'], ['\ufeff', 'c']];

/**
 * Splits `input` fed as the given chunks; returns delivered lines and counters. Checks on
 * the way that a gate changes nothing but the deliveries: an all-finding gate none, a
 * literal gate exactly to the lines holding a literal, the first `head` lines always in.
 */
function split(chunks: Buffer[], max = 1000): { lines: Line[]; total: number; overlong: number } {
  const base = run(chunks, max);
  const { lines: _lines, ...counts } = base;
  const label = `chunks ${chunks.map((c) => c.length).join('+')}`;
  assert.deepEqual(run(chunks, max, { gate: EVERYTHING }), base, `everything gate, ${label}`);
  // `newline` only adds the "\n" back, and only where the line ended in a bare one.
  const withNewline = run(chunks, max, { newline: true, gate: EVERYTHING });
  assert.deepEqual({ ...withNewline, lines: withNewline.lines.map(([n, l]): Line => [n, l.endsWith('\n') ? l.slice(0, -1) : l]) }, base, `newline, ${label}`);
  assert.ok(withNewline.lines.every(([, l]) => !l.slice(0, -1).includes('\n')), `one newline at most, at the end, ${label}`);
  for (const lits of GATES) {
    for (const head of [0, 2]) {
      const gated = run(chunks, max, { gate: literalGate(lits), head });
      const { lines, ...gatedCounts } = gated;
      assert.deepEqual(gatedCounts, counts, `counts with gate ${JSON.stringify(lits)}, head ${head}, ${label}`);
      const want = base.lines.filter(([n, l]) => n <= head || lits.some((lit) => l.includes(lit)));
      assert.deepEqual(lines, want, `lines with gate ${JSON.stringify(lits)}, head ${head}, ${label}`);
    }
  }
  return { lines: base.lines, total: base.total, overlong: base.overlong };
}

/** Every way of cutting `input` in two, plus one byte at a time. */
function chunkings(input: Buffer): Buffer[][] {
  const out: Buffer[][] = [[input]];
  for (let i = 1; i < input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  out.push([...input].map((b) => Buffer.from([b])));
  return out;
}

function sameForEveryChunking(input: Buffer, expected: Line[], max = 1000): void {
  for (const chunks of chunkings(input)) {
    const r = split(chunks, max);
    assert.deepEqual(r.lines, expected, `chunks ${chunks.map((c) => c.length).join('+')}`);
  }
}

describe('LineSplitter basics', () => {
  it('numbers lines from 1, strips CRLF, delivers a final line without newline', () => {
    const r = split([Buffer.from('a\r\nb\n\nc\r\nlast')]);
    assert.deepEqual(r.lines, [
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, 'c'],
      [5, 'last'],
    ]);
    assert.equal(r.total, 5);
  });

  it('with `newline`, keeps the bare LF of a line it slices from its chunk, and only that', () => {
    const lines = run([Buffer.from('a\r\nb\n\nc\n\u00e9\nlast')], 1000, { newline: true }).lines;
    assert.deepEqual(lines, [
      [1, 'a'],
      [2, 'b\n'],
      [3, '\n'],
      [4, 'c\n'],
      [5, '\u00e9'],
      [6, 'last'],
    ]);
  });

  it('gives nothing for empty input and one empty line for a lone newline', () => {
    assert.deepEqual(split([Buffer.alloc(0)]), { lines: [], total: 0, overlong: 0 });
    assert.deepEqual(split([]).lines, []);
    assert.deepEqual(split([Buffer.from('\n')]).lines, [[1, '']]);
  });

  it('keeps a lone CR inside a line and NUL bytes', () => {
    assert.deepEqual(split([Buffer.from('a\rb\n\0x\0\n')]).lines, [
      [1, 'a\rb'],
      [2, '\0x\0'],
    ]);
  });

  it('drops a UTF-8 byte-order mark at the start only', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    assert.deepEqual(split([Buffer.concat([bom, Buffer.from('x\n'), bom, Buffer.from('y\n')])]).lines, [
      [1, 'x'],
      [2, '\ufeffy'],
    ]);
  });
});

describe('LineSplitter chunk boundaries', () => {
  it('survives any cut through multi-byte characters and CRLF pairs', () => {
    const input = Buffer.from('ä€😀 user=<jörg>\r\nplain ascii\r\n\r\n日本語\nend😀', 'utf8');
    sameForEveryChunking(input, [
      [1, 'ä€😀 user=<jörg>'],
      [2, 'plain ascii'],
      [3, ''],
      [4, '日本語'],
      [5, 'end😀'],
    ]);
  });

  it('turns invalid UTF-8 into U+FFFD wherever the cuts fall', () => {
    const input = Buffer.from([
      0x61, 0xff, 0x62, 0x0a, // stray byte
      0xe2, 0x82, 0x0a, // truncated 3-byte sequence before a newline
      0xc3, 0x28, 0x0a, // lead byte followed by ASCII
      0x78, 0xe2, // dangling lead byte at the end of input
    ]);
    sameForEveryChunking(input, [
      [1, 'a\ufffdb'],
      [2, '\ufffd'],
      [3, '\ufffd('],
      [4, 'x\ufffd'],
    ]);
  });

  it('flushes a dangling lead byte when an ASCII-only chunk follows', () => {
    const r = split([Buffer.from([0x78, 0xe2]), Buffer.from('y\n')]);
    assert.deepEqual(r.lines, [[1, 'x\ufffdy']]);
  });
});

describe('LineSplitter overlong lines', () => {
  it('skips and counts an overlong line in the middle, neighbours intact', () => {
    const input = Buffer.from(`short\n${'x'.repeat(50)}\nafter\r\n`);
    sameForEveryChunking(input, [
      [1, 'short'],
      [3, 'after'],
    ], 10);
    assert.deepEqual(split([input], 10), { lines: [[1, 'short'], [3, 'after']], total: 3, overlong: 1 });
  });

  it('counts an overlong final line without newline', () => {
    for (const chunks of chunkings(Buffer.from(`ok\n${'z'.repeat(30)}`))) {
      assert.deepEqual(split(chunks, 10), { lines: [[1, 'ok']], total: 2, overlong: 1 });
    }
  });

  it('measures the limit in characters after CRLF stripping', () => {
    const input = Buffer.from(`${'é'.repeat(10)}\r\n${'é'.repeat(11)}\n${'x'.repeat(10)}\r\n`);
    sameForEveryChunking(input, [
      [1, 'é'.repeat(10)],
      [3, 'x'.repeat(10)],
    ], 10);
  });

  it('never holds more than 3 × the limit in bytes while skipping a huge line', () => {
    const max = 1024;
    const lines: Line[] = [];
    const s = new LineSplitter((line, n) => lines.push([n, line]), max);
    const peek = () => (s as unknown as { carryLength: number }).carryLength;
    s.write(Buffer.from('head\n'));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    let largest = 0;
    for (let i = 0; i < 320; i++) {
      // 20 MiB without a newline
      s.write(chunk);
      largest = Math.max(largest, peek());
    }
    s.write(Buffer.from('AAA\ntail\n'));
    s.end();
    assert.ok(largest <= 3 * max + 1, `carry grew to ${largest}`);
    assert.deepEqual(lines, [
      [1, 'head'],
      [3, 'tail'],
    ]);
    assert.equal(s.overlong, 1);
  });
});

describe('LineSplitter binary and overlong bookkeeping (#5)', () => {
  it('counts lines with NUL or invalid UTF-8 once, with the first line number, for every chunking', () => {
    const input = Buffer.concat([Buffer.from('ok\nnul\0x\n'), Buffer.from([0x62, 0xff, 0x0a]), Buffer.from('\u00e9t\u00e9\n\0\u00e9\n')]);
    for (const chunks of chunkings(input)) {
      const s = new LineSplitter(() => undefined, 1000);
      for (const c of chunks) s.write(c);
      s.end();
      assert.deepEqual([s.lines, s.binary, s.firstBinary], [5, 3, 2], `chunks ${chunks.map((c) => c.length).join('+')}`);
      split(chunks); // the same with gates
    }
  });

  it('remembers the first overlong line', () => {
    const s = new LineSplitter(() => undefined, 3);
    s.write(Buffer.from('abc\nabcd\nab\nabcdef\n'));
    s.end();
    assert.deepEqual([s.overlong, s.firstOverlong, s.binary], [2, 2, 0]);
    for (const chunks of chunkings(Buffer.from('abc\nabcd\nab\nabcdef\n'))) split(chunks, 3);
  });
});

describe('LineSplitter with a gate (#4)', () => {
  it('delivers only lines holding a hit, numbered as without a gate, for every chunking', () => {
    const input = Buffer.from('Jan 1 noise\r\nJan 1 auth failed x\r\n\nnoise ü\nfailed ü\nfail\n\0failed\nlast failed');
    for (const chunks of chunkings(input)) {
      const r = run(chunks, 1000, { gate: literalGate(['failed']) });
      assert.deepEqual(r.lines, [[2, 'Jan 1 auth failed x'], [5, 'failed ü'], [7, '\0failed'], [8, 'last failed']]);
      assert.deepEqual([r.total, r.binary, r.firstBinary, r.lastLine], [8, 1, 7, 'last failed']);
      split(chunks);
    }
  });

  it('always delivers the first `head` lines', () => {
    const r = run([Buffer.from('a\nb\nc\nd hit\ne\n')], 1000, { gate: literalGate(['hit']), head: 2 });
    assert.deepEqual(r.lines, [[1, 'a'], [2, 'b'], [4, 'd hit']]);
  });

  it('keeps the last deliverable line: not an overlong one, not one cut off', () => {
    assert.equal(run([Buffer.from('a\nlast\n' + 'x'.repeat(20) + '\n')], 10, { gate: literalGate(['q']) }).lastLine, 'last');
    assert.equal(run([Buffer.from('a\nl\u00e4st\n')], 10, { gate: literalGate(['q']) }).lastLine, 'läst');
    assert.equal(run([Buffer.from('a\r\nb\r\n')], 10).lastLine, 'b');
    assert.equal(run([Buffer.from('\ufeffonly')], 10).lastLine, 'only');
    assert.equal(run([], 10).lastLine, '');
    // A partial line is only a line once end() completes it.
    const s = new LineSplitter(() => undefined, 10, { gate: literalGate(['q']) });
    s.write(Buffer.from('one\ntw'));
    assert.equal(s.lastLine, 'one');
    s.write(Buffer.from('o\nthr'));
    assert.equal(s.lastLine, 'two');
  });

  it('finds hits in lines that straddle chunks and in UTF-8 lines, skipping the rest', () => {
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) lines.push(i % 7 === 0 ? `${i} user=<jörg> hit` : i % 5 === 0 ? `${i} hit plain` : `${i} miss ${'m'.repeat(i % 90)}`);
    const input = Buffer.from(lines.join('\n') + '\n');
    const want = lines.map((l, i): Line => [i + 1, l]).filter(([, l]) => l.includes('hit'));
    for (const size of [1, 7, 100, 4096, 65536]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length; at += size) chunks.push(input.subarray(at, at + size));
      const r = run(chunks, 1000, { gate: literalGate(['hit']) });
      assert.deepEqual(r.lines, want, `chunk size ${size}`);
      assert.equal(r.total, 3000);
      assert.equal(r.lastLine, lines[2999]);
    }
  });

  it('splits chunks larger than its 64 KiB piece (1 MiB reads, gunzip chunks) exactly', () => {
    // Lines of every length around the piece size, UTF-8 among them, so that many lines
    // straddle the places where a large chunk is cut.
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 3 * 1024 * 1024; i++) {
      const line = i % 11 === 0 ? `${i} ünïcode ${'u'.repeat(i % 300)}` : `${i} ${'a'.repeat((i * 37) % 500)}`;
      lines.push(line);
      size += Buffer.byteLength(line) + 1;
    }
    const input = Buffer.from(lines.join('\n') + '\n');
    const want = lines.map((l, i): Line => [i + 1, l]);
    for (const size of [300 * 1024, 1024 * 1024, 2 * 1024 * 1024, input.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length; at += size) chunks.push(input.subarray(at, at + size));
      const r = run(chunks, 100_000);
      assert.deepEqual(r.lines, want, `chunk size ${size}`);
      assert.equal(r.lastLine, lines.at(-1));
    }
  });
});
