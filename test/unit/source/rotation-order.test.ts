import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareRotation,
  parseRotation,
  sortByRotation,
  splitRotation,
} from '../../../src/source/rotation-order.js';

describe('parseRotation', () => {
  it('recognises the live file, numeric and gzipped numeric rotations', () => {
    assert.deepEqual(parseRotation('maillog', 'maillog'), { kind: 'live', index: 0 });
    assert.deepEqual(parseRotation('maillog.1', 'maillog'), { kind: 'numeric', index: 1 });
    assert.deepEqual(parseRotation('maillog.2.gz', 'maillog'), { kind: 'numeric', index: 2 });
    assert.deepEqual(parseRotation('maillog.10.gz', 'maillog'), { kind: 'numeric', index: 10 });
    assert.deepEqual(parseRotation('maillog.0', 'maillog'), { kind: 'numeric', index: 0 });
  });

  it('recognises dateext stamps, compact, dashed, hourly and with %s', () => {
    assert.deepEqual(parseRotation('maillog-20261101', 'maillog'), { kind: 'date', index: Date.UTC(2026, 10, 1) });
    assert.deepEqual(parseRotation('maillog-20261101.gz', 'maillog'), { kind: 'date', index: Date.UTC(2026, 10, 1) });
    assert.deepEqual(parseRotation('maillog-2026-11-01', 'maillog'), { kind: 'date', index: Date.UTC(2026, 10, 1) });
    assert.deepEqual(parseRotation('maillog-2026-11-01.gz', 'maillog'), { kind: 'date', index: Date.UTC(2026, 10, 1) });
    assert.deepEqual(parseRotation('maillog-2026110113', 'maillog'), { kind: 'date', index: Date.UTC(2026, 10, 1, 13) });
    assert.deepEqual(parseRotation('maillog-20261101-1793577600.gz', 'maillog'), { kind: 'date', index: 1793577600_000 });
    assert.deepEqual(parseRotation('mail.log.20261101', 'mail.log'), { kind: 'date', index: Date.UTC(2026, 10, 1) });
  });

  it('rejects anything but the exact stem plus a rotation suffix', () => {
    for (const name of [
      'maillog.bak',
      'maillog-old',
      'maillog.gz',
      'maillog.1.bak',
      'maillog.1.gz.1',
      'maillog2',
      'maillog.1x',
      'maillog-2026-1101',
      'maillog-20261301',
      'maillog-20261100',
      'maillog-12345678',
      'xmaillog.1',
      'maillo',
      'maillog.',
      'maillog.1.xz',
    ]) {
      assert.equal(parseRotation(name, 'maillog'), undefined, name);
    }
    assert.equal(parseRotation('maillog.1', 'mail'), undefined);
  });
});

describe('compareRotation', () => {
  const p = (name: string) => {
    const r = parseRotation(name, 'maillog');
    assert.ok(r, name);
    return r;
  };

  it('puts larger numeric indexes first (maillog.10.gz is older than maillog.2.gz)', () => {
    assert.ok(compareRotation(p('maillog.10.gz'), p('maillog.2.gz')) < 0);
    assert.ok(compareRotation(p('maillog.2.gz'), p('maillog.10.gz')) > 0);
    assert.ok(compareRotation(p('maillog.2.gz'), p('maillog.1')) < 0);
  });

  it('orders dates ascending and the live file last', () => {
    assert.ok(compareRotation(p('maillog-20261031.gz'), p('maillog-20261101')) < 0);
    assert.ok(compareRotation(p('maillog-2026-12-31'), p('maillog-20270101')) < 0);
    assert.ok(compareRotation(p('maillog'), p('maillog-20990101')) > 0);
    assert.ok(compareRotation(p('maillog'), p('maillog.1')) > 0);
    assert.equal(compareRotation(p('maillog.3'), p('maillog.3.gz')), 0);
  });

  it('sorts a mixed set oldest first', () => {
    const names = ['maillog', 'maillog.1', 'maillog.2.gz', 'maillog.10.gz', 'maillog.9.gz'];
    const sorted = [...names].sort((a, b) => compareRotation(p(a), p(b)));
    assert.deepEqual(sorted, ['maillog.10.gz', 'maillog.9.gz', 'maillog.2.gz', 'maillog.1', 'maillog']);
  });
});

describe('splitRotation', () => {
  it('finds the stem of rotated and live names', () => {
    assert.deepEqual(splitRotation('mail.log.2.gz'), { stem: 'mail.log', rotation: { kind: 'numeric', index: 2 } });
    assert.deepEqual(splitRotation('maillog-20261101.gz').stem, 'maillog');
    assert.deepEqual(splitRotation('mail.log'), { stem: 'mail.log', rotation: { kind: 'live', index: 0 } });
    assert.deepEqual(splitRotation('maillog.gz'), { stem: 'maillog.gz', rotation: { kind: 'live', index: 0 } });
    assert.deepEqual(splitRotation('maillog-12345678').stem, 'maillog-12345678');
  });
});

describe('sortByRotation', () => {
  it('groups by directory and stem and orders each group oldest first', () => {
    const input = [
      'b/maillog',
      'a/mail.log',
      'a/mail.log.1',
      'a/mail.err',
      'a/mail.log.10.gz',
      'a/mail.log.2.gz',
      'a/mail.err-20261102',
      'a/mail.err-20261101.gz',
      'b/maillog.1',
    ];
    assert.deepEqual(sortByRotation(input), [
      'a/mail.err-20261101.gz',
      'a/mail.err-20261102',
      'a/mail.err',
      'a/mail.log.10.gz',
      'a/mail.log.2.gz',
      'a/mail.log.1',
      'a/mail.log',
      'b/maillog.1',
      'b/maillog',
    ]);
  });
});
