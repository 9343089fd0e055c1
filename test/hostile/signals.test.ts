// Signals and pipes (#5): `banreplay … | head` exits quietly (EPIPE); Ctrl-C stops a run that
// has not started its output at once, with nothing on stdout; a signal that arrives while the
// report is being written lets it finish, so `--format json` is complete valid JSON or nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BASE, CLI, ENV, saslLine, startCli, stamp, tempDir } from './support.js';

let dir = '';
let cleanup = (): void => undefined;
let big = '';
before(() => {
  ({ dir, cleanup } = tempDir());
  // 20,000 addresses with six failures each: a JSON report of several megabytes.
  big = path.join(dir, 'big.log');
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const ip = `198.18.${i >> 8}.${i & 255}`;
    for (let k = 0; k < 6; k++) lines.push(saslLine(ip, stamp(Math.floor(i / 10) + k * 30)));
  }
  writeFileSync(big, lines.join('\n') + '\n');
});
after(() => cleanup());

function closed(child: ReturnType<typeof startCli>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
}

describe('signals and pipes', () => {
  for (const format of ['table', 'json']) {
    it(`\`audit -f ${format} | head -c 100\` exits 0 with nothing on stderr`, () => {
      const script = `"$0" "$1" audit "$2" --no-rotated ${BASE.join(' ')} --format ${format} 2>"$3" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
      const errFile = path.join(dir, `epipe-${format}.err`);
      const r = spawnSync('bash', ['-c', script, process.execPath, CLI, big, errFile], { env: ENV, encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.stdout.trim(), '0', r.stderr);
      assert.equal(spawnSync('cat', [errFile], { encoding: 'utf8' }).stdout, '');
    });
  }

  it('`2>&1 | head -n 1` with an input problem: still quiet, exit code unchanged', () => {
    const script = `"$0" "$1" audit "$2" /no/such.log --no-rotated ${BASE.join(' ')} 2>&1 | head -n 1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', script, process.execPath, CLI, big], { env: ENV, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.stdout.trim(), '2', r.stderr);
  });

  it('Ctrl-C while reading: stops promptly, nothing on stdout', async () => {
    // stdin stays open: the run waits for more log lines until it is interrupted.
    const child = startCli(['audit', '-', ...BASE, '--format', 'json']);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin?.write(saslLine('203.0.113.9', stamp(0)) + '\n');
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    child.kill('SIGINT');
    const end = await closed(child);
    const took = Date.now() - sent;
    assert.ok(took < 2000, `took ${took} ms to stop`);
    // The default action: killed by the signal (a shell reports 130), nothing written.
    assert.deepEqual([end.code, end.signal], [null, 'SIGINT']);
    assert.equal(stdout, '');
    assert.equal(stderr, '');
  });

  it('a signal while the JSON is being written: the document is finished, then exit 130', async () => {
    const child = startCli(['audit', big, '--no-rotated', ...BASE, '--format', 'json']);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    // Read the first chunk, then stop reading: the CLI is now blocked in the middle of its
    // write. Interrupt it there, then drain the pipe.
    await new Promise<void>((resolve) => {
      child.stdout?.once('data', (c: Buffer) => {
        chunks.push(c);
        child.stdout?.pause();
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stdout?.resume();
    const end = await closed(child);
    const out = Buffer.concat(chunks).toString('utf8');
    assert.ok(out.length > 1_000_000, `only ${out.length} bytes: the write was not in progress`);
    const doc = JSON.parse(out) as { ips: unknown[] };
    assert.equal(doc.ips.length, 20_000);
    assert.equal(end.code, 130);
    assert.equal(stderr, 'banreplay: interrupted\n');
  });
});
