// Measures readLines against split2 and a direct read loop on a synthetic mail log,
// plain and gzipped, with `zcat -f FILE | wc -l` as the floor. Usage (after building
// the tests): node build/bench/micro/read-lines.bench.js [sizeMB=200] [runs=3] [ascii]
// The corpus goes to $TMPDIR/banreplay-bench-lines and is reused between runs; by default
// one line in ~30 holds a non-ASCII username, `ascii` makes a pure-ASCII corpus instead.
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import split2 from 'split2';
import { LineSplitter } from '../../src/lines/line-splitter.js';
import { readLines } from '../../src/lines/read-lines.js';

const sizeMb = Number(process.argv[2] ?? 200);
const runs = Number(process.argv[3] ?? 3);
const ascii = process.argv[4] === 'ascii';
const dir = join(tmpdir(), 'banreplay-bench-lines');
const plain = join(dir, `mail-${sizeMb}m${ascii ? '-ascii' : ''}.log`);
const gz = plain + '.gz';
const MAX = 64 * 1024;

async function makeCorpus(): Promise<void> {
  spawnSync('mkdir', ['-p', dir]);
  if (!existsSync(plain)) {
    // Deterministic xorshift so every run measures the same bytes.
    let s = 0x9e3779b9;
    const rnd = (n: number): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) % n;
    };
    const users = ['info', 'admin', 'test', 'sales', ascii ? 'joerg' : 'jörg', 'support', 'webmaster'];
    const out = createWriteStream(plain);
    let written = 0;
    const target = sizeMb * 1024 * 1024;
    while (written < target) {
      let block = '';
      for (let i = 0; i < 2000; i++) {
        const ip = `${rnd(223) + 1}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
        const t = `Nov ${String(rnd(28) + 1).padStart(2, ' ')} ${String(rnd(24)).padStart(2, '0')}:${String(rnd(60)).padStart(2, '0')}:${String(rnd(60)).padStart(2, '0')}`;
        switch (rnd(4)) {
          case 0:
            block += `${t} mx postfix/smtpd[${rnd(99999)}]: warning: unknown[${ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n`;
            break;
          case 1:
            block += `${t} mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<${users[rnd(users.length)]}>, method=PLAIN, rip=${ip}, lip=10.0.0.1, TLS\n`;
            break;
          case 2:
            block += `${t} mx postfix/smtpd[${rnd(99999)}]: connect from unknown[${ip}]\n`;
            break;
          default:
            block += `${t} mx postfix/qmgr[${rnd(999)}]: ${rnd(1e9).toString(16).toUpperCase()}: from=<>, size=${rnd(99999)}, nrcpt=1 (queue active)\n`;
        }
      }
      written += Buffer.byteLength(block);
      if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(r));
  }
  if (!existsSync(gz)) spawnSync('sh', ['-c', `gzip -c -6 '${plain}' > '${gz}'`]);
}

type Variant = (path: string) => Promise<number>;

// readLines itself: streams, pipeline, own splitter.
const viaReadLines: Variant = async (path) => {
  let chars = 0;
  const r = await readLines({ path, mtimeMs: undefined, size: undefined }, (line) => {
    chars += line.length;
  });
  if (r.error) throw r.error;
  return r.lines + (chars & 0);
};

// split2 with maxLength/skipOverflow, as the style guide first proposed.
const viaSplit2: Variant = async (path) => {
  let lines = 0;
  let chars = 0;
  const sink = new Writable({
    objectMode: true,
    write(line: string, _e, cb): void {
      lines++;
      chars += line.length;
      cb();
    },
  });
  const src = createReadStream(path, { highWaterMark: 256 * 1024 });
  // skipOverflow is missing from @types/split2; a variable avoids the literal check.
  const splitOptions = { maxLength: MAX, skipOverflow: true };
  const split = split2(splitOptions);
  if (path.endsWith('.gz')) await pipeline(src, createGunzip(), split, sink);
  else await pipeline(src, split, sink);
  return lines + (chars & 0);
};

// Own splitter fed by a plain read loop (no streams): the candidate fast path.
const viaReadLoop: Variant = async (path) => {
  let chars = 0;
  const splitter = new LineSplitter((line) => {
    chars += line.length;
  }, MAX);
  const fh = await open(path);
  const buf = Buffer.allocUnsafe(1024 * 1024);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      splitter.write(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  splitter.end();
  return splitter.lines + (chars & 0);
};

function floor(path: string): number {
  const r = spawnSync('sh', ['-c', `zcat -f '${path}' | wc -l`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

async function time(label: string, path: string, bytes: number, fn: () => Promise<number> | number): Promise<void> {
  let best = Infinity;
  let lines = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    lines = await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, s);
  }
  const mb = bytes / 1024 / 1024;
  console.log(
    `${label.padEnd(28)} ${path.endsWith('.gz') ? 'gz   ' : 'plain'} ${best.toFixed(3)} s  ${(mb / best).toFixed(0).padStart(5)} MB/s  ${(lines / best / 1e6).toFixed(2)} M lines/s  (${lines} lines)`,
  );
}

await makeCorpus();
const bytes = statSync(plain).size;
console.log(`node ${process.version}, ${(bytes / 1048576).toFixed(0)} MB decoded (gz ${(statSync(gz).size / 1048576).toFixed(0)} MB), best of ${runs}; MB/s of decoded text`);
for (const path of [plain, gz]) {
  await time('zcat -f | wc -l', path, bytes, () => floor(path));
  await time('readLines', path, bytes, () => viaReadLines(path));
  await time('split2 (maxLength+skip)', path, bytes, () => viaSplit2(path));
  if (path === plain) await time('LineSplitter + fh.read loop', path, bytes, () => viaReadLoop(path));
}
