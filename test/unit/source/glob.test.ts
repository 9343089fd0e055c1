import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compileSegment, expandGlob, hasGlobMagic } from '../../../src/source/glob.js';

describe('hasGlobMagic', () => {
  it('detects unescaped wildcards only', () => {
    assert.equal(hasGlobMagic('/var/log/mail.log'), false);
    assert.equal(hasGlobMagic('/var/log/*.log'), true);
    assert.equal(hasGlobMagic('mail.lo?'), true);
    assert.equal(hasGlobMagic('mail[12].log'), true);
    assert.equal(hasGlobMagic('mail\\*.log'), false);
  });
});

describe('compileSegment', () => {
  it('translates *, ?, classes and negated classes within one segment', () => {
    assert.ok(compileSegment('*.log').test('mail.log'));
    assert.ok(!compileSegment('*.log').test('mail.log.1'));
    assert.ok(compileSegment('mail.log.?').test('mail.log.1'));
    assert.ok(!compileSegment('mail.log.?').test('mail.log.10'));
    assert.ok(compileSegment('mail[0-9].log').test('mail7.log'));
    assert.ok(!compileSegment('mail[!0-9].log').test('mail7.log'));
    assert.ok(compileSegment('mail[^0-9].log').test('mailx.log'));
    assert.ok(compileSegment('a+b(c).*').test('a+b(c).x'));
    assert.ok(compileSegment('[]]x').test(']x'));
    assert.ok(compileSegment('x[').test('x['));
  });

  it('never lets a wildcard match a leading dot unless the pattern has one', () => {
    assert.ok(!compileSegment('*').test('.hidden'));
    assert.ok(!compileSegment('?hidden').test('.hidden'));
    assert.ok(compileSegment('.*').test('.hidden'));
  });
});

describe('expandGlob', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'banreplay-glob-'));
    for (const p of ['a/mail.log', 'a/mail.log.1', 'a/.hidden.log', 'b/mail.log', 'b/deep/x.log', 'c.log']) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), 'x\n');
    }
    mkdirSync(join(root, 'a', 'sub.log'));
    // A symlinked directory loop must not hang `**`.
    symlinkSync(root, join(root, 'b', 'loop'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('matches files in one directory, not directories nor hidden files', async () => {
    assert.deepEqual(await expandGlob(join(root, 'a', '*.log')), [join(root, 'a', 'mail.log')]);
    assert.deepEqual(await expandGlob(join(root, 'a', 'mail.log*')), [join(root, 'a', 'mail.log'), join(root, 'a', 'mail.log.1')]);
  });

  it('matches wildcards in directory segments', async () => {
    assert.deepEqual(await expandGlob(join(root, '*', 'mail.log')), [join(root, 'a', 'mail.log'), join(root, 'b', 'mail.log')]);
  });

  it('lets ** match zero or more directories without following symlinks', async () => {
    assert.deepEqual(await expandGlob(join(root, '**', '*.log')), [
      join(root, 'a', 'mail.log'),
      join(root, 'b', 'deep', 'x.log'),
      join(root, 'b', 'mail.log'),
      join(root, 'c.log'),
    ]);
    assert.deepEqual(await expandGlob(join(root, 'b', '**')), [join(root, 'b', 'deep', 'x.log'), join(root, 'b', 'mail.log')]);
  });

  it('returns an empty list when nothing matches', async () => {
    assert.deepEqual(await expandGlob(join(root, 'nope', '*.log')), []);
    assert.deepEqual(await expandGlob(join(root, '*.txt')), []);
  });
});
