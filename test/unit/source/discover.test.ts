import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { discoverSources } from '../../../src/source/discover.js';
import { describeFsError } from '../../../src/source/describe-fs-error.js';
import { SourceError } from '../../../src/errors.js';

let root = '';
const at = (...parts: string[]) => join(root, ...parts);
const names = (files: { path: string }[]) => files.map((f) => basename(f.path));
const causes = (problems: SourceError[]) => problems.map((p) => [basename(p.path), p.message.slice(p.path.length + 2)]);

function touch(path: string, content = 'line\n'): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'banreplay-discover-'));
  for (const n of ['maillog', 'maillog.1', 'maillog.2.gz', 'maillog.10.gz', 'maillog.bak', 'maillog-old', 'maillog.gz', 'other.log']) {
    touch(at('num', n));
  }
  for (const n of ['maillog', 'maillog-20261101.gz', 'maillog-20261030', 'maillog-2026-10-15.gz']) touch(at('date', n));
  for (const n of ['b.log', 'a.log', 'a.log.1', '.hidden', 'b.log~', '#c.log#', '.a.log.swp', 'wtmp', 'x.journal']) {
    touch(at('dir', n));
  }
  mkdirSync(at('dir', 'sub'));
  touch(at('dir', 'sub', 'nested.log'));
  touch(at('xz', 'maillog'));
  touch(at('xz', 'maillog.1.xz'));
  touch(at('xz', 'maillog.2.gz'));
  touch(at('empty', '.only-hidden'));
  touch(at('gone', 'maillog.1'));
  touch(at('gone', 'maillog.2.gz'));
  mkdirSync(at('links'));
  symlinkSync(at('links', 'loop-b'), at('links', 'loop-a'));
  symlinkSync(at('links', 'loop-a'), at('links', 'loop-b'));
  symlinkSync(at('dir', 'a.log'), at('links-ok-a.log'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('discoverSources: rotation siblings', () => {
  it('brings numeric siblings oldest first, live last, and only exact stems', async () => {
    const r = await discoverSources([at('num', 'maillog')], { rotated: true });
    assert.deepEqual(names(r.files), ['maillog.10.gz', 'maillog.2.gz', 'maillog.1', 'maillog']);
    assert.deepEqual(r.problems, []);
  });

  it('orders dateext siblings by date ascending', async () => {
    const r = await discoverSources([at('date', 'maillog')], { rotated: true });
    assert.deepEqual(names(r.files), ['maillog-2026-10-15.gz', 'maillog-20261030', 'maillog-20261101.gz', 'maillog']);
  });

  it('reads only the named file with rotated: false (--no-rotated)', async () => {
    const r = await discoverSources([at('num', 'maillog')], { rotated: false });
    assert.deepEqual(names(r.files), ['maillog']);
  });

  it('reports a sibling in an unsupported compression instead of reading it', async () => {
    const r = await discoverSources([at('xz', 'maillog')], { rotated: true });
    assert.deepEqual(names(r.files), ['maillog.2.gz', 'maillog']);
    assert.deepEqual(causes(r.problems), [
      ['maillog.1.xz', 'unsupported compression (.xz): only gzip can be read; decompress it first'],
    ]);
  });

  it('still reads the rotations of a live file that is gone, without a problem', async () => {
    const r = await discoverSources([at('gone', 'maillog')], { rotated: true });
    assert.deepEqual(names(r.files), ['maillog.2.gz', 'maillog.1']);
    assert.deepEqual(r.problems, []);
    const plain = await discoverSources([at('gone', 'maillog')], { rotated: false });
    assert.deepEqual(causes(plain.problems), [['maillog', 'No such file or directory']]);
  });
});

describe('discoverSources: directories, globs, stdin, dedupe', () => {
  it('takes the non-hidden regular files of a directory, skipping backups, not recursing', async () => {
    const r = await discoverSources([at('dir')], { rotated: false });
    assert.deepEqual(names(r.files), ['a.log.1', 'a.log', 'b.log']);
    assert.deepEqual(r.problems, []);
    const a = r.files[1];
    assert.ok(a);
    assert.equal(a.size, 5);
    assert.equal(a.mtimeMs, statSync(at('dir', 'a.log')).mtimeMs);
  });

  it('reports a directory with no logs', async () => {
    const r = await discoverSources([at('empty')], { rotated: true });
    assert.deepEqual(r.files, []);
    assert.deepEqual(causes(r.problems), [['empty', 'no log files in this directory']]);
  });

  it('expands globs in rotation order, and reports a glob matching nothing', async () => {
    const r = await discoverSources([at('num', 'maillog.[0-9]*'), at('num', '*.txt')], { rotated: false });
    assert.deepEqual(names(r.files), ['maillog.10.gz', 'maillog.2.gz', 'maillog.1']);
    assert.deepEqual(causes(r.problems), [['*.txt', 'no file matches this pattern']]);
  });

  it('adds rotation siblings to glob matches when rotated', async () => {
    const r = await discoverSources([at('*', 'other.lo?'), at('d?te', 'maillog')], { rotated: true });
    assert.deepEqual(names(r.files), ['other.log', 'maillog-2026-10-15.gz', 'maillog-20261030', 'maillog-20261101.gz', 'maillog']);
  });

  it('deduplicates a file reached twice (directory, explicit path, symlink)', async () => {
    const r = await discoverSources([at('dir'), at('dir', 'a.log'), at('links-ok-a.log'), at('dir', '..', 'dir', 'b.log')], {
      rotated: true,
    });
    assert.deepEqual(names(r.files), ['a.log.1', 'a.log', 'b.log']);
  });

  it('takes stdin once, with no mtime or size', async () => {
    const r = await discoverSources(['-', at('dir', 'b.log'), '-'], { rotated: true });
    assert.deepEqual(r.files[0], { path: '-', mtimeMs: undefined, size: undefined });
    assert.deepEqual(names(r.files), ['-', 'b.log']);
  });

  it('accepts a FIFO with its mtime and no size', async () => {
    const fifo = at('pipe.log');
    execFileSync('mkfifo', [fifo]);
    const r = await discoverSources([fifo], { rotated: true });
    assert.equal(r.files.length, 1);
    assert.equal(r.files[0]?.size, undefined);
    assert.equal(typeof r.files[0]?.mtimeMs, 'number');
  });
});

describe('discoverSources: problems, never throws', () => {
  it('names a missing path with the usual cause', async () => {
    const missing = at('nope', 'maillog');
    const r = await discoverSources([missing], { rotated: true });
    assert.deepEqual(r.files, []);
    assert.equal(r.problems.length, 1);
    const p = r.problems[0];
    assert.ok(p instanceof SourceError);
    assert.equal(p.path, missing);
    assert.equal(p.message, `${missing}: No such file or directory`);
  });

  it('reports a symlink loop as ELOOP', async () => {
    const r = await discoverSources([at('links', 'loop-a')], { rotated: false });
    assert.deepEqual(causes(r.problems), [['loop-a', 'Too many levels of symbolic links']]);
  });

  it('reports broken entries of a directory and goes on with the rest', async () => {
    const r = await discoverSources([at('links'), at('dir', 'b.log')], { rotated: false });
    assert.deepEqual(names(r.files), ['b.log']);
    assert.deepEqual(causes(r.problems).sort(), [
      ['loop-a', 'Too many levels of symbolic links'],
      ['loop-b', 'Too many levels of symbolic links'],
    ]);
  });

  it('reports an explicit file in an unsupported compression', async () => {
    const r = await discoverSources([at('xz', 'maillog.1.xz')], { rotated: false });
    assert.deepEqual(r.files, []);
    assert.equal(r.problems.length, 1);
  });

  // Root ignores mode bits, so the check runs in a child process as an unprivileged
  // user (uid 65534) when the tests run as root, and in-process-equivalent otherwise.
  it('reports Permission denied for unreadable files and directories', () => {
    const secret = at('perm', 'secret.log');
    touch(secret);
    chmodSync(secret, 0o000);
    mkdirSync(at('perm', 'locked'));
    touch(at('perm', 'locked', 'x.log'));
    chmodSync(at('perm', 'locked'), 0o000);
    for (const dir of [root, at('perm')]) chmodSync(dir, 0o755);
    const module = fileURLToPath(new URL('../../../src/source/discover.js', import.meta.url));
    const script = `import(${JSON.stringify(module)}).then(async (m) => {
      const r = await m.discoverSources(${JSON.stringify([secret, at('perm', 'locked'), at('perm', 'locked', 'x.log')])}, { rotated: true });
      console.log(JSON.stringify({ files: r.files.length, problems: r.problems.map((p) => p.message) }));
    });`;
    const asRoot = process.getuid?.() === 0;
    const out = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), {
      files: 0,
      problems: [
        `${secret}: Permission denied`,
        `${at('perm', 'locked')}: Permission denied`,
        `${at('perm', 'locked', 'x.log')}: Permission denied`,
      ],
    });
  });
});

describe('describeFsError', () => {
  it('maps errno codes to strerror texts and strips Node decorations otherwise', () => {
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' })), 'Permission denied');
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'EISDIR' })), 'Is a directory');
    assert.equal(describeFsError(Object.assign(new Error("EWEIRD: odd thing, open '/x'"), { code: 'EWEIRD' })), 'odd thing');
    assert.equal(describeFsError('plain'), 'plain');
  });
});
