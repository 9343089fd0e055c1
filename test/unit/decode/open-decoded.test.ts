import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { constants, createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { GUNZIP_CHUNK, RECOVERY_CHUNK, STDIN_GUNZIP_CHUNK, openDecoded } from '../../../src/decode/open-decoded.js';
import { SourceError } from '../../../src/errors.js';

let root = '';
const file = (path: string) => ({ path, mtimeMs: undefined, size: undefined });

function write(name: string, data: Buffer | string): string {
  const path = join(root, name);
  writeFileSync(path, data);
  return path;
}

/** Collects a stream's bytes and the error that ended it, if any. */
async function drain(stream: Readable): Promise<{ data: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { data: Buffer.concat(chunks), error: undefined };
  } catch (error) {
    return { data: Buffer.concat(chunks), error };
  }
}

function numbered(n: number): string {
  let text = '';
  for (let i = 1; i <= n; i++) text += `Nov  1 00:00:00 mx postfix/smtpd[${i}]: line ${i} ${'y'.repeat(i % 37)}\n`;
  return text;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'banreplay-decode-'));
  mkdirSync(join(root, 'dir'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('openDecoded: sniffing by content, not by name', () => {
  it('reads a .gz-named file with plain content as plain', async () => {
    const d = await openDecoded(file(write('plain.gz', 'hello\nworld\n')), undefined);
    assert.equal(d.gzip, false);
    assert.equal((await drain(d.stream)).data.toString(), 'hello\nworld\n');
  });

  it('gunzips a plain-named file with gzip content', async () => {
    const d = await openDecoded(file(write('maillog.1', gzipSync('a\nb\n'))), undefined);
    assert.equal(d.gzip, true);
    assert.equal((await drain(d.stream)).data.toString(), 'a\nb\n');
  });

  it('decodes every member of a multi-member gzip', async () => {
    const data = Buffer.concat([gzipSync('one\n'), gzipSync('two\n'), gzipSync('three')]);
    const d = await openDecoded(file(write('multi.gz', data)), undefined);
    assert.equal(d.gzip, true);
    assert.equal((await drain(d.stream)).data.toString(), 'one\ntwo\nthree');
  });

  it('keeps an empty file and a one-byte file intact', async () => {
    const empty = await openDecoded(file(write('empty', '')), undefined);
    assert.equal(empty.gzip, false);
    assert.equal((await drain(empty.stream)).data.length, 0);
    const one = await openDecoded(file(write('one', Buffer.from([0x1f]))), undefined);
    assert.equal(one.gzip, false);
    assert.deepEqual((await drain(one.stream)).data, Buffer.from([0x1f]));
  });
});

describe('openDecoded: stdin and FIFOs lose no sniffed byte', () => {
  it('sniffs gzip from stdin arriving one byte at a time', async () => {
    const stdin = new PassThrough();
    const gz = gzipSync('from stdin\n');
    const opened = openDecoded(file('-'), stdin);
    stdin.write(gz.subarray(0, 1));
    setImmediate(() => {
      stdin.write(gz.subarray(1, 2));
      setImmediate(() => stdin.end(gz.subarray(2)));
    });
    const d = await opened;
    assert.equal(d.gzip, true);
    assert.equal((await drain(d.stream)).data.toString(), 'from stdin\n');
  });

  it('passes plain stdin through byte for byte', async () => {
    const stdin = new PassThrough();
    const opened = openDecoded(file('-'), stdin);
    stdin.write('x');
    setImmediate(() => stdin.end('yz\n'));
    const d = await opened;
    assert.equal(d.gzip, false);
    assert.equal((await drain(d.stream)).data.toString(), 'xyz\n');
  });

  it('rejects `-` when no stdin is given', async () => {
    await assert.rejects(openDecoded(file('-'), undefined), (err: unknown) => {
      assert.ok(err instanceof SourceError);
      assert.equal(err.message, '-: standard input is not available');
      return true;
    });
  });

  it('gunzips from a FIFO', async () => {
    const fifo = join(root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = createWriteStream(fifo);
    writer.end(Buffer.concat([gzipSync('p1\n'), gzipSync('p2\n')]));
    const d = await openDecoded(file(fifo), undefined);
    assert.equal(d.gzip, true);
    assert.equal((await drain(d.stream)).data.toString(), 'p1\np2\n');
  });
});

describe('openDecoded: errors carry the path, after the good bytes', () => {
  it('rejects a missing file with its cause', async () => {
    const missing = join(root, 'missing.log');
    await assert.rejects(openDecoded(file(missing), undefined), {
      name: 'SourceError',
      message: `${missing}: No such file or directory`,
    });
  });

  it('rejects a directory read as a file (EISDIR, also as root)', async () => {
    await assert.rejects(openDecoded(file(join(root, 'dir')), undefined), {
      message: `${join(root, 'dir')}: Is a directory`,
    });
  });

  it('delivers everything decodable from a truncated gzip, then a truncation error', async () => {
    const gz = gzipSync(numbered(5000));
    const cut = gz.subarray(0, gz.length - 300);
    const path = write('truncated.gz', cut);
    const decodable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH });
    const d = await openDecoded(file(path), undefined);
    const { data, error } = await drain(d.stream);
    assert.ok(error instanceof SourceError);
    assert.equal(error.path, path);
    assert.equal(error.message, `${path}: truncated gzip (unexpected end of file)`);
    assert.ok(decodable.length > 100_000);
    assert.deepEqual(data, decodable);
  });

  it('reports corrupt gzip data with the zlib message', async () => {
    const gz = Buffer.from(gzipSync(numbered(100)));
    gz[gz.length - 6] = (gz[gz.length - 6] as number) ^ 0xff; // CRC32 of the member
    const path = write('corrupt.gz', gz);
    const { error } = await drain((await openDecoded(file(path), undefined)).stream);
    assert.ok(error instanceof SourceError);
    assert.equal(error.message, `${path}: corrupt gzip: incorrect data check`);
  });

  it('re-reads a file with corrupt gzip data to keep the lines its big output chunk lost', async () => {
    // Damage far into a stream of several GUNZIP_CHUNKs of output: what fine-grained
    // decoding gets before the error, minus at most RECOVERY_CHUNK, must still come out.
    const text = Buffer.from(numbered(60000));
    assert.ok(text.length > 3 * GUNZIP_CHUNK);
    const gz = Buffer.from(gzipSync(text, { level: 1 }));
    const at = Math.floor(gz.length * 0.7);
    for (let i = 0; i < 64; i++) gz[at + i] = (gz[at + i] as number) ^ 0x5a;
    const path = write('corrupt-mid.gz', gz);
    const reference = await drain(createGunzip({ chunkSize: 1024 }).end(gz));
    assert.ok(reference.error !== undefined && reference.data.length > 2 * GUNZIP_CHUNK, 'the damage must be found mid-stream');
    const { data, error } = await drain((await openDecoded(file(path), undefined)).stream);
    assert.ok(error instanceof SourceError);
    assert.match(error.message, /^.*corrupt-mid\.gz: corrupt gzip: /);
    // (Damaged deflate data can decode to garbage before zlib notices: compare with zlib's own output.)
    assert.ok(reference.data.subarray(0, data.length).equals(data), 'what zlib decodes, in order, without repeats');
    assert.ok(data.length >= reference.data.length - RECOVERY_CHUNK, `${data.length} of ${reference.data.length}`);
  });

  it('does not re-read a FIFO with corrupt gzip data: the error comes, nothing hangs', { timeout: 20_000 }, async () => {
    const text = Buffer.from(numbered(20000));
    const gz = Buffer.from(gzipSync(text, { level: 1 }));
    const at = Math.floor(gz.length * 0.7);
    for (let i = 0; i < 64; i++) gz[at + i] = (gz[at + i] as number) ^ 0x5a;
    const reference = await drain(createGunzip({ chunkSize: 1024 }).end(gz));
    const fifo = join(root, 'corrupt-pipe');
    execFileSync('mkfifo', [fifo]);
    createWriteStream(fifo).end(gz);
    const { data, error } = await drain((await openDecoded({ path: fifo, mtimeMs: undefined, size: undefined }, undefined)).stream);
    assert.ok(error instanceof SourceError);
    assert.ok(reference.data.subarray(0, data.length).equals(data));
    assert.ok(data.length >= reference.data.length - GUNZIP_CHUNK, `${data.length} of ${reference.data.length}`);
  });

  it('gunzips standard input in small chunks (it cannot be read twice)', async () => {
    const text = Buffer.from(numbered(20000));
    const gz = Buffer.from(gzipSync(text, { level: 1 }));
    const at = Math.floor(gz.length * 0.7);
    for (let i = 0; i < 64; i++) gz[at + i] = (gz[at + i] as number) ^ 0x5a;
    const reference = await drain(createGunzip({ chunkSize: 1024 }).end(gz));
    const stdin = new PassThrough();
    stdin.end(gz);
    const { data, error } = await drain((await openDecoded(file('-'), stdin)).stream);
    assert.ok(error instanceof SourceError);
    assert.ok(reference.data.subarray(0, data.length).equals(data));
    assert.ok(data.length >= reference.data.length - STDIN_GUNZIP_CHUNK, `${data.length} of ${reference.data.length}`);
  });

  it('reports a gzip member followed by garbage, after the earlier members', async () => {
    const first = numbered(3000);
    const gz = Buffer.concat([gzipSync(first), gzipSync('second\n'), Buffer.from('not gzip at all')]);
    const path = write('garbage.gz', gz);
    const { data, error } = await drain((await openDecoded(file(path), undefined)).stream);
    assert.ok(error instanceof SourceError);
    assert.equal(error.message, `${path}: corrupt gzip: incorrect header check`);
    // zlib drops the output of the call that fails: at most one 16 KiB output chunk.
    assert.ok(first.startsWith(data.toString()));
    assert.ok(data.length >= first.length - 16 * 1024, `${data.length} of ${first.length}`);
  });
});
