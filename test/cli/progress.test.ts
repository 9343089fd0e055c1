// Unit tests for the progress line (#8): nothing for short runs, then files, bytes, lines/s
// and an ETA on one carriage-returned line, throttled, erased at the end; file names sanitised.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createProgress, formatBytes, formatEta, gzipDecodedSize } from '../../src/cli/progress.js';

function harness(files: Array<{ path: string; size: number | undefined }>, decoded: (path: string) => number | undefined = () => undefined) {
  let now = 0;
  const writes: string[] = [];
  const p = createProgress(
    files.map((f) => ({ ...f, mtimeMs: undefined })),
    { write: (s: string) => writes.push(s), columns: 100 },
    () => now,
    (f) => decoded(f.path),
  );
  return { p, writes, tick: (ms: number) => (now += ms) };
}

describe('createProgress', () => {
  it('stays silent for a short run and writes nothing at the end', () => {
    const h = harness([{ path: 'a.log', size: 1000 }]);
    h.p.onFile('a.log');
    h.tick(100);
    h.p.onProgress(0, 16384, 1000);
    h.p.done();
    assert.deepEqual(h.writes, []);
  });

  it('shows files, bytes, lines/s and an ETA, throttled, then erases the line', () => {
    const h = harness([
      { path: '/var/log/mail.log.1', size: 4_000_000 },
      { path: '/var/log/mail.log', size: 4_000_000 },
    ]);
    h.p.onFile('/var/log/mail.log.1');
    h.tick(2000);
    h.p.onProgress(0, 20_000, 2_000_000);
    h.tick(10);
    h.p.onProgress(0, 30_000, 3_000_000); // within 100 ms: not redrawn
    assert.equal(h.writes.length, 1);
    const line = h.writes[0]!;
    assert.match(line, /^\r/);
    assert.match(line, /\u001b\[K$/);
    assert.match(line, /file 1\/2 · mail\.log\.1 · 2\.0 MB of 8\.0 MB · 10k lines\/s · ETA 0:06/);
    h.tick(500);
    h.p.onProgress(0, 40_000, 4_000_000); // the file's final count
    h.tick(500);
    h.p.onFile('/var/log/mail.log');
    assert.match(h.writes.at(-1)!, /file 2\/2 · mail\.log · 4\.0 MB of 8\.0 MB/);
    h.p.done();
    assert.equal(h.writes.at(-1), '\r\u001b[K');
  });

  it('estimates gzip files from their decoded size and strips control characters from names', () => {
    const h = harness([{ path: 'evil\u001b[2J.gz', size: 1_000_000 }], () => 8_000_000);
    h.p.onFile('evil\u001b[2J.gz');
    h.tick(1000);
    h.p.onProgress(0, 16384, 4_000_000); // half of the 8 MB it decodes to
    const line = h.writes.at(-1)!;
    assert.ok(!line.slice(1).includes('\u001b[2J'));
    assert.match(line, /500 kB of 1\.0 MB/);
  });
});

describe('gzipDecodedSize', () => {
  it('reads the gzip trailer, and nothing from plain files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'banreplay-progress-'));
    try {
      const text = 'Jan 10 10:00:00 mx postfix/smtpd[1]: hello\n'.repeat(1000);
      const gz = path.join(dir, 'x.gz');
      writeFileSync(gz, gzipSync(text));
      writeFileSync(path.join(dir, 'plain'), text);
      assert.equal(gzipDecodedSize({ path: gz, mtimeMs: undefined, size: statSync(gz).size }), Buffer.byteLength(text));
      assert.equal(gzipDecodedSize({ path: path.join(dir, 'plain'), mtimeMs: undefined, size: text.length }), undefined);
      assert.equal(gzipDecodedSize({ path: path.join(dir, 'missing.gz'), mtimeMs: undefined, size: 100 }), undefined);
      assert.equal(gzipDecodedSize({ path: '-', mtimeMs: undefined, size: undefined }), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('formatting', () => {
  it('formats bytes and ETAs', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1500), '1.5 kB');
    assert.equal(formatBytes(12_345_678), '12 MB');
    assert.equal(formatEta(42), '0:42');
    assert.equal(formatEta(725), '12:05');
    assert.equal(formatEta(3723), '1:02:03');
  });
});
