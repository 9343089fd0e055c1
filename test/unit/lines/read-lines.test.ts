import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GUNZIP_CHUNK } from '../../../src/decode/open-decoded.js';
import { DEFAULT_MAX_LINE_LENGTH, readLines, type ReadLinesOptions } from '../../../src/lines/read-lines.js';

let root = '';
const file = (path: string) => ({ path, mtimeMs: undefined, size: undefined });

function write(name: string, data: Buffer | string): string {
  const path = join(root, name);
  writeFileSync(path, data);
  return path;
}

async function collect(path: string, opts: ReadLinesOptions = {}) {
  const lines: [number, string][] = [];
  const result = await readLines(file(path), (line, n) => lines.push([n, line]), opts);
  return { lines, result };
}

function numbered(n: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= n; i++) out.push(`Nov  1 00:00:${String(i % 60).padStart(2, '0')} mx dovecot: line ${i} ${'k'.repeat(i % 41)}`);
  return out;
}

/**
 * Reads `parts` written to a stdin stream, aborting from inside the handler at the first
 * delivered line for which `stopAt` holds; the lines seen, the result and the stream.
 */
async function abortAt(parts: string[], stopAt: (line: string) => boolean, opts: ReadLinesOptions = {}) {
  const stdin = new PassThrough();
  const ac = new AbortController();
  const seen: string[] = [];
  const pending = readLines(file('-'), (line) => {
    seen.push(line);
    if (stopAt(line)) ac.abort();
  }, { ...opts, stdin, signal: ac.signal });
  for (const p of parts) stdin.write(p);
  return { seen, result: await pending, stdin };
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'banreplay-lines-'));
  mkdirSync(join(root, 'dir'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('readLines on good input', () => {
  it('reads a plain CRLF file with a final unterminated line', async () => {
    const { lines, result } = await collect(write('crlf.log', 'one\r\ntwo\r\nthree'));
    assert.deepEqual(lines, [
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    assert.deepEqual(result, { lines: 3, overlong: 0, binary: 0, gzip: false, error: undefined, notes: [], lastLine: 'three' });
  });

  it('reads an empty file as zero lines', async () => {
    const { lines, result } = await collect(write('empty.log', ''));
    assert.deepEqual(lines, []);
    assert.deepEqual(result, { lines: 0, overlong: 0, binary: 0, gzip: false, error: undefined, notes: [], lastLine: '' });
  });

  it('gunzips by content, multi-member, whatever the name', async () => {
    const all = numbered(2000);
    const data = Buffer.concat([gzipSync(all.slice(0, 1500).join('\n') + '\n'), gzipSync(all.slice(1500).join('\n'))]);
    const { lines, result } = await collect(write('maillog.1', data));
    assert.equal(result.gzip, true);
    assert.equal(result.error, undefined);
    assert.deepEqual(lines, all.map((l, i) => [i + 1, l]));
  });

  it('reads a .gz-named plain file', async () => {
    const { lines, result } = await collect(write('fake.gz', 'x\n'));
    assert.deepEqual(lines, [[1, 'x']]);
    assert.equal(result.gzip, false);
  });

  it('skips and counts an overlong line, numbering every physical line', async () => {
    const big = 'b'.repeat(DEFAULT_MAX_LINE_LENGTH + 1);
    const { lines, result } = await collect(write('long.log', `a\n${big}\nc\n${'d'.repeat(DEFAULT_MAX_LINE_LENGTH)}\n`));
    assert.deepEqual(lines.map(([n, l]) => [n, l.length]), [
      [1, 1],
      [3, 1],
      [4, DEFAULT_MAX_LINE_LENGTH],
    ]);
    assert.deepEqual(result, {
      lines: 4,
      overlong: 1,
      binary: 0,
      gzip: false,
      error: undefined,
      notes: [`1 over-long line(s) skipped (longer than ${DEFAULT_MAX_LINE_LENGTH} characters; first at line 2)`],
      lastLine: 'd'.repeat(DEFAULT_MAX_LINE_LENGTH),
    });
    const small = await collect(write('long2.log', 'a\nbbbbbb\nc\n'), { maxLineLength: 5 });
    assert.deepEqual(small.lines, [
      [1, 'a'],
      [3, 'c'],
    ]);
  });

  it('reads stdin from a PassThrough, gzip sniffed across tiny chunks', async () => {
    const stdin = new PassThrough();
    const gz = gzipSync('s1\r\ns2\nü\n');
    const pending = collect('-', { stdin });
    for (const b of gz) {
      stdin.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    stdin.end();
    const { lines, result } = await pending;
    assert.deepEqual(lines, [
      [1, 's1'],
      [2, 's2'],
      [3, 'ü'],
    ]);
    assert.equal(result.gzip, true);
    assert.equal(result.error, undefined);
  });

  it('reads a FIFO', async () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    createWriteStream(fifo).end('f1\nf2\n');
    const { lines, result } = await collect(fifo);
    assert.deepEqual(lines, [
      [1, 'f1'],
      [2, 'f2'],
    ]);
    assert.equal(result.error, undefined);
  });
});

describe('readLines on damaged input: never rejects, keeps earlier lines', () => {
  it('keeps every complete line before a gzip truncation and reports it', async () => {
    const all = numbered(6000);
    const gz = gzipSync(all.join('\n') + '\n');
    const path = write('trunc.gz', gz.subarray(0, Math.floor(gz.length * 0.8)));
    const { lines, result } = await collect(path);
    assert.equal(result.gzip, true);
    // The message says where the damage is: after the last complete line (#5).
    assert.equal(result.error?.message, `${path}: truncated gzip (unexpected end of file) after line ${lines.length}`);
    assert.equal(result.error?.path, path);
    assert.ok(lines.length > 4000, `only ${lines.length} lines`);
    // Exactly the originals, in order; the partial line cut by the damage is dropped.
    assert.deepEqual(lines, all.slice(0, lines.length).map((l, i) => [i + 1, l]));
    assert.equal(result.lines, lines.length);
    assert.ok(lines.length < all.length);
  });

  it('reports corrupt gzip with the zlib message', async () => {
    const gz = Buffer.from(gzipSync(numbered(50).join('\n')));
    gz[gz.length - 5] = (gz[gz.length - 5] as number) ^ 0x55;
    const path = write('corrupt.gz', gz);
    const { result } = await collect(path);
    assert.equal(result.error?.message, `${path}: corrupt gzip: incorrect data check`);
  });

  it('reports a missing file and a directory without throwing', async () => {
    const missing = join(root, 'nope.log');
    const a = await collect(missing);
    assert.deepEqual(a.lines, []);
    assert.equal(a.result.error?.message, `${missing}: No such file or directory`);
    const b = await collect(join(root, 'dir'));
    assert.equal(b.result.error?.message, `${join(root, 'dir')}: Is a directory`);
    assert.equal(b.result.lines, 0);
  });

  it('reports stdin that is not available', async () => {
    const { result } = await collect('-');
    assert.equal(result.error?.message, '-: standard input is not available');
  });

  it('stops on abort with an error, keeping the lines read so far', async () => {
    const pre = new AbortController();
    pre.abort();
    const early = await collect(write('abort.log', 'a\nb\n'), { signal: pre.signal });
    assert.deepEqual(early.lines, []);
    assert.equal(early.result.error?.message, `${join(root, 'abort.log')}: aborted`);

    // An abort from inside the handler ends the read at that line, mid-chunk.
    const { seen, result, stdin } = await abortAt(['first\nsecond\n'], () => true);
    assert.deepEqual(seen, ['first']);
    assert.equal(result.lines, 1);
    assert.equal(result.error?.message, '-: aborted');
    assert.equal(stdin.destroyed, true);
    // The same for a line decoded as UTF-8 and for one completed across chunks.
    for (const parts of [['ascii\nfïrst\nsecond\n'], ['ascii\nfir', 'st\nsecond\n']]) {
      const r = await abortAt(parts, (line) => line !== 'ascii');
      assert.deepEqual([r.seen.slice(1), r.result.lines], [[parts.length === 1 ? 'fïrst' : 'first'], 2], parts.join('|'));
    }
  });

  it('propagates an exception thrown by the line handler', async () => {
    const boom = new Error('consumer bug');
    await assert.rejects(
      readLines(file(write('h.log', 'x\ny\n')), () => {
        throw boom;
      }),
      (err) => err === boom,
    );
  });
});

describe('readLines with a gate (#4)', () => {
  const hitGate = (lit: string) => ({ next: (text: string, from: number) => text.indexOf(lit, from) });

  /** Every line of a messy log: hits, CRLF, UTF-8, NUL, invalid UTF-8, an overlong line, a final line without newline. */
  function messy(): Buffer {
    const parts: Buffer[] = [];
    for (let i = 1; i <= 5000; i++) {
      let line = `Nov  1 00:00:00 mx dovecot: line ${i}${i % 11 === 0 ? ' auth failed' : ''}${'k'.repeat(i % 97)}`;
      if (i % 13 === 0) line += ' jörg';
      if (i % 501 === 0) line += '\0';
      parts.push(Buffer.from(line + (i % 3 === 0 ? '\r\n' : '\n')));
      if (i === 2500) parts.push(Buffer.from([0x78, 0xff, 0x0a]), Buffer.from('x'.repeat(DEFAULT_MAX_LINE_LENGTH + 5) + ' auth failed\n'));
    }
    parts.push(Buffer.from('tail auth failed'));
    return Buffer.concat(parts);
  }

  it('counts, notes and lastLine are those of an ungated read; deliveries are the hit lines plus the head', async () => {
    const data = messy();
    for (const [name, bytes] of [['messy.log', data], ['messy.gz', Buffer.concat([gzipSync(data.subarray(0, 300_000)), gzipSync(data.subarray(300_000))])]] as const) {
      const path = write(name, bytes);
      const base = await collect(path);
      assert.equal(base.result.lines, 5003);
      assert.equal(base.result.overlong, 1);
      assert.ok(base.result.binary > 5);
      const gated = await collect(path, { gate: hitGate('auth failed'), head: 3 });
      assert.deepEqual(gated.result, base.result);
      assert.equal(gated.result.lastLine, 'tail auth failed');
      const want = base.lines.filter(([n, l]) => n <= 3 || l.includes('auth failed'));
      assert.deepEqual(gated.lines, want);
      assert.ok(want.length < base.lines.length / 5);
    }
  });

  it('reports progress after every chunk, ending with the totals', async () => {
    // Six gunzip chunks of text at least, each followed by a report.
    const one = messy();
    const data = Buffer.concat(new Array<Buffer>(Math.ceil((6 * GUNZIP_CHUNK) / one.length)).fill(one));
    const path = write('progress.gz', gzipSync(data));
    const seen: Array<[number, number]> = [];
    const { result } = await collect(path, { gate: hitGate('auth failed'), onChunk: (lines, chars) => seen.push([lines, chars]) });
    assert.ok(seen.length > 5, `${seen.length} reports`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]![0] >= seen[i - 1]![0] && seen[i]![1] >= seen[i - 1]![1], `report ${i}`);
    assert.deepEqual(seen.at(-1), [result.lines, data.length]);
  });

  it('keeps truncation errors and the lines before them as without a gate', async () => {
    const all = numbered(6000).map((l, i) => (i % 10 === 0 ? l + ' auth failed' : l));
    const gz = gzipSync(all.join('\n') + '\n');
    const path = write('trunc-gated.gz', gz.subarray(0, Math.floor(gz.length * 0.8)));
    const base = await collect(path);
    const gated = await collect(path, { gate: hitGate('auth failed') });
    assert.deepEqual(gated.result, base.result);
    assert.ok(base.result.error !== undefined);
    assert.equal(base.result.lastLine, all[base.result.lines - 1]);
    assert.deepEqual(gated.lines, base.lines.filter(([, l]) => l.includes('auth failed')));
  });

  it('stops on abort as without a gate', async () => {
    const { seen, result } = await abortAt(['a\nfirst hit\nb\nsecond hit\n'], () => true, { gate: hitGate('hit') });
    assert.deepEqual(seen, ['first hit']);
    assert.equal(result.error?.message, '-: aborted');
    assert.equal(result.lines, 2);
  });
});
