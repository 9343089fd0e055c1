// Hostile timestamps (#5): lines out of order, a DST change, a leap day, a New Year crossing
// inside one file, and a file whose times jump back by months (wrong year reference).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, parseJson, saslLine, stderrLines, tempDir } from './support.js';

let dir = '';
let cleanup = (): void => undefined;
before(() => ({ dir, cleanup } = tempDir()));
after(() => cleanup());

function write(name: string, stamps: string[], ip = '198.51.100.5'): string {
  const p = path.join(dir, name);
  writeFileSync(p, stamps.map((s) => saslLine(ip, s) + '\n').join(''));
  return p;
}

function audit(file: string, now: string, tz = 'UTC'): ReturnType<typeof cli> {
  // --jail takes several values: the path goes first.
  return cli(['audit', file, '--now', now, '--tz', tz, '--no-geoip', '--no-rotated', '--format', 'json', '--jail', 'postfix-sasl'], { cwd: dir });
}

describe('hostile timestamps', () => {
  it('out-of-order lines are replayed in time order, without a warning', () => {
    const p = write('ooo.log', ['Mar  3 09:00:00', 'Mar  3 09:03:00', 'Mar  3 09:01:00', 'Mar  3 09:04:00', 'Mar  3 09:02:00', 'Mar  3 09:05:00']);
    const r = audit(p, '2026-03-10T00:00:00Z');
    assert.equal(r.status, 0);
    assert.deepEqual(stderrLines(r), []);
    const j = parseJson(r);
    assert.deepEqual([j.files[0]?.first, j.files[0]?.last], ['2026-03-03T09:00:00+00:00', '2026-03-03T09:05:00+00:00']);
    assert.deepEqual(j.jails[0]?.bans.map((b) => [b.start, b.failures, b.blocked]), [['2026-03-03T09:04:00+00:00', 5, 1]]);
  });

  it('times jumping back by months: a warning naming the file and the first such line', () => {
    const p = write('jump.log', ['Nov  3 09:00:00', 'Nov  3 09:01:00', 'Mar  3 09:02:00', 'Mar  3 09:03:00']);
    const r = audit(p, '2026-11-10T00:00:00Z');
    assert.equal(r.status, 0);
    const lines = stderrLines(r);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', new RegExp(`^banreplay: warning: ${p}: times jump back by more than 30 days at line 3 `));
  });

  it('a DST change: the skipped hour and the offsets after it (Europe/Berlin, spring)', () => {
    const p = write('dst.log', ['Mar 29 01:58:00', 'Mar 29 01:59:00', 'Mar 29 03:00:00', 'Mar 29 03:01:00', 'Mar 29 03:02:00']);
    const r = audit(p, '2026-04-10T00:00:00Z', 'Europe/Berlin');
    assert.equal(r.status, 0, r.stderr);
    const j = parseJson(r);
    assert.deepEqual([j.files[0]?.first, j.files[0]?.last], ['2026-03-29T01:58:00+01:00', '2026-03-29T03:02:00+02:00']);
    // 01:58 CET to 03:02 CEST is 4 minutes: five failures within findtime ban.
    assert.deepEqual(j.jails[0]?.bans.map((b) => b.start), ['2026-03-29T03:02:00+02:00']);
  });

  it('a DST change: the hour after the repeated one is back on standard time (autumn)', () => {
    const p = write('dst-back.log', ['Oct 25 01:58:00', 'Oct 25 01:59:00', 'Oct 25 03:00:00', 'Oct 25 03:01:00', 'Oct 25 03:02:00']);
    const r = audit(p, '2026-11-10T00:00:00Z', 'Europe/Berlin');
    assert.equal(r.status, 0, r.stderr);
    const j = parseJson(r);
    assert.deepEqual([j.files[0]?.first, j.files[0]?.last], ['2026-10-25T01:58:00+02:00', '2026-10-25T03:02:00+01:00']);
    // 01:58 CEST to 03:02 CET is 2 h 4 min: no ban.
    assert.deepEqual(j.jails[0]?.bans, []);
  });

  it('a leap day: Feb 29 in a leap year is a date; in a common year it is no date', () => {
    const stamps = ['Feb 29 23:58:00', 'Feb 29 23:59:00', 'Mar  1 00:00:00', 'Mar  1 00:01:00', 'Mar  1 00:02:00'];
    const leap = audit(write('leap.log', stamps), '2028-03-10T00:00:00Z');
    assert.equal(leap.status, 0);
    const j = parseJson(leap);
    assert.deepEqual([j.files[0]?.first, j.jails[0]?.bans[0]?.start], ['2028-02-29T23:58:00+00:00', '2028-03-01T00:02:00+00:00']);
    const common = audit(write('leap2.log', stamps), '2026-03-10T00:00:00Z');
    assert.equal(common.status, 0);
    const c = parseJson(common);
    // No stamp before them to borrow: the two Feb 29 lines count as lines without a time.
    assert.equal(c.files[0]?.noTime, 2);
    assert.equal(c.files[0]?.first, '2026-03-01T00:00:00+00:00');
  });

  it('a New Year crossing inside one file (no rotation): December stays in the old year', () => {
    const p = write('newyear.log', ['Dec 31 23:58:00', 'Dec 31 23:59:00', 'Jan  1 00:00:00', 'Jan  1 00:01:00', 'Jan  1 00:02:00']);
    const r = audit(p, '2027-01-01T00:05:00Z');
    assert.equal(r.status, 0);
    assert.deepEqual(stderrLines(r), []);
    const j = parseJson(r);
    assert.deepEqual([j.files[0]?.first, j.files[0]?.last], ['2026-12-31T23:58:00+00:00', '2027-01-01T00:02:00+00:00']);
    assert.deepEqual(j.jails[0]?.bans.map((b) => b.start), ['2027-01-01T00:02:00+00:00']);
  });
});
